#include "alerts/alertmanager_client.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include <openssl/evp.h>

#include "common/error.h"
#include "config/config_error.h"

namespace driftd::alerts {
namespace {

// The longest secret file read: a token or a password, not a document.
constexpr std::size_t kMaxSecretBytes = 64 * 1024;

WebhookTarget parse_endpoint(const std::string& endpoint) {
  try {
    return WebhookTarget::parse(endpoint);
  } catch (const InputError& error) {
    // "url: ..." -> "alertmanager.url: ..."
    std::string problem = error.what();
    if (problem.rfind("url: ", 0) == 0) problem.erase(0, 5);
    throw config::ConfigError("alertmanager.url", problem);
  }
}

// The file's content without trailing CR/LF. Errors name the field, never
// the content.
std::string read_secret(const std::string& path, const std::string& field) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw config::ConfigError(field, "cannot read \"" + path + "\": " + std::strerror(errno));
  }
  std::string secret;
  char buffer[4096];
  while (file.read(buffer, sizeof buffer) || file.gcount() > 0) {
    secret.append(buffer, static_cast<std::size_t>(file.gcount()));
    if (secret.size() > kMaxSecretBytes) {
      throw config::ConfigError(field, "\"" + path + "\" is larger than " +
                                           std::to_string(kMaxSecretBytes) + " bytes");
    }
  }
  if (file.bad()) throw config::ConfigError(field, "cannot read \"" + path + "\"");
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) throw config::ConfigError(field, "\"" + path + "\" is empty");
  for (const char c : secret) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      throw config::ConfigError(field, "\"" + path +
                                           "\" holds a control character (a header value "
                                           "cannot): one line of text is expected");
    }
  }
  return secret;
}

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int length =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(bytes.data()),
                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(length));
  return out;
}

}  // namespace

AlertmanagerClient::AlertmanagerClient(const config::AlertmanagerConfig& config)
    : endpoint_(config.url + "/api/v2/alerts"),
      target_(parse_endpoint(endpoint_)),
      timeout_(config.timeout),
      poster_(config.ca_file, "alertmanager.ca_file") {
  headers_.emplace_back("User-Agent", "driftd-alertmanager");
  if (config.bearer_token_file) {
    headers_.emplace_back("Authorization",
                          "Bearer " + read_secret(*config.bearer_token_file,
                                                  "alertmanager.bearer_token_file"));
  } else if (config.basic_auth) {
    const std::string password =
        read_secret(config.basic_auth->password_file, "alertmanager.basic_auth.password_file");
    headers_.emplace_back("Authorization",
                          "Basic " + base64(config.basic_auth->username + ":" + password));
  }
}

PostResult AlertmanagerClient::post(const std::string& body) const {
  return poster_.post(target_, headers_, body, timeout_, /*read_answer=*/true);
}

}  // namespace driftd::alerts
