#include "cli/api_client.h"

#include <chrono>
#include <cctype>
#include <cstdlib>

#include <optional>

#include <boost/beast/http.hpp>

#include "cli/cli_error.h"
#include "http/tls_context.h"

namespace driftd::cli {

namespace http = boost::beast::http;

std::string encode_query(const std::vector<std::pair<std::string, std::string>>& parameters) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const auto encode = [](const std::string& text) {
    std::string out;
    for (const unsigned char c : text) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    }
    return out;
  };
  std::string query;
  for (const auto& [name, value] : parameters) {
    query += (query.empty() ? "" : "&") + encode(name) + "=" + encode(value);
  }
  return query;
}

ApiClient::ApiClient(const std::string& url, std::string token, std::string cacert)
    : url_(url), token_(std::move(token)) {
  const std::size_t scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    throw UsageError("--url: '" + url +
                     "' must start with http:// or https:// (e.g. http://127.0.0.1:8080)");
  }
  endpoint_.tls = scheme == "https";
  std::string authority = url.substr(scheme_end + 3);
  while (!authority.empty() && authority.back() == '/') authority.pop_back();
  if (authority.empty() || authority.find('/') != std::string::npos) {
    throw UsageError("--url: '" + url + "' must be " + scheme + "://host[:port] with no path");
  }
  const std::size_t colon = authority.rfind(':');
  const bool bracketed = authority.front() == '[';
  if (colon != std::string::npos && (!bracketed || authority.find(']') < colon)) {
    endpoint_.host = authority.substr(0, colon);
    endpoint_.port = authority.substr(colon + 1);
  } else {
    endpoint_.host = authority;
    endpoint_.port = endpoint_.tls ? "443" : "80";
  }
  if (bracketed && endpoint_.host.size() > 2) {
    endpoint_.host = endpoint_.host.substr(1, endpoint_.host.size() - 2);
  }
  if (token_.empty()) {
    if (const char* from_environment = std::getenv("DRIFTD_TOKEN")) token_ = from_environment;
  }
  if (cacert.empty()) {
    if (const char* from_environment = std::getenv("DRIFTD_CACERT")) cacert = from_environment;
  }
  if (endpoint_.tls) {
    try {
      tls_ = driftd::http::make_client_tls_context(cacert.empty() ? std::nullopt
                                                          : std::optional<std::string>(cacert));
    } catch (const driftd::http::TlsSetupError& error) {
      throw UsageError(std::string("--cacert: ") + error.what());
    }
  } else {
    tls_ = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
  }
}

ApiClient::Answer ApiClient::send(const std::string& method, const std::string& target,
                                  const std::string& body) const {
  http::request<http::string_body> request(http::string_to_verb(method), target, 11);
  request.set(http::field::host, endpoint_.host);
  request.set(http::field::accept, "application/json");
  request.set(http::field::user_agent, "driftctl");
  if (!token_.empty()) request.set(http::field::authorization, "Bearer " + token_);
  if (!body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = body;
  }
  request.keep_alive(false);
  request.prepare_payload();
  const driftd::http::ClientExchange exchange = driftd::http::exchange(
      endpoint_, request, *tls_, std::chrono::seconds(10), /*read_body=*/true);
  if (!exchange.error.empty()) {
    throw UsageError("cannot reach driftd at " + url_ + ": " + exchange.error);
  }
  return {exchange.response.result_int(),
          nlohmann::ordered_json::parse(exchange.response.body(), nullptr, false)};
}

nlohmann::ordered_json ApiClient::call(const std::string& method, const std::string& target,
                                       const std::string& request_body) const {
  const Answer answer = send(method, target, request_body);
  const nlohmann::ordered_json& body = answer.body;
  if (answer.status / 100 != 2) {
    const std::string message =
        body.is_object() && body.contains("error") && body["error"].contains("message")
            ? body["error"]["message"].get<std::string>()
            : "HTTP " + std::to_string(answer.status);
    throw UsageError(url_ + target + ": " + message);
  }
  if (body.is_discarded()) throw UsageError(url_ + target + ": the answer is not JSON");
  return body;
}

}  // namespace driftd::cli
