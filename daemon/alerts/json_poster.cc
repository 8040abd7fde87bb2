#include "alerts/json_poster.h"

#include "config/config_error.h"
#include "http/client_exchange.h"
#include "http/tls_context.h"

namespace driftd::alerts {
namespace {

// How much of an error answer's body goes into the message.
constexpr std::size_t kAnswerExcerpt = 200;

// The first kAnswerExcerpt bytes of `text`, control characters as spaces
// (one log line).
std::string excerpt(const std::string& text) {
  std::string out = text.substr(0, kAnswerExcerpt);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

namespace bhttp = boost::beast::http;

JsonPoster::JsonPoster(const std::optional<std::string>& ca_file,
                       const std::string& ca_file_field) {
  try {
    tls_ = http::make_client_tls_context(ca_file);
  } catch (const http::TlsSetupError& error) {
    throw config::ConfigError(ca_file_field, error.what());
  }
}

PostResult JsonPoster::post(const WebhookTarget& target, const Headers& headers,
                            const std::string& body, std::chrono::milliseconds timeout,
                            bool read_answer) const {
  bhttp::request<bhttp::string_body> request(bhttp::verb::post, target.target, 11);
  request.set(bhttp::field::host, target.host_header());
  request.set(bhttp::field::content_type, "application/json");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.keep_alive(false);
  request.body() = body;
  request.prepare_payload();

  const http::ClientExchange exchange =
      http::exchange({target.tls, target.host, target.port}, request, *tls_, timeout, read_answer);
  PostResult result;
  if (!exchange.error.empty()) {
    result.error = exchange.error;
    return result;
  }
  result.status = static_cast<int>(exchange.response.result_int());
  if (!result.delivered()) {
    result.error = "answered HTTP " + std::to_string(*result.status);
    const std::string answer = excerpt(exchange.response.body());
    if (!answer.empty()) result.error += ": " + answer;
  }
  return result;
}

}  // namespace driftd::alerts
