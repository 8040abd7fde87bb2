#include "cli/api_client.h"

#include <chrono>
#include <cctype>
#include <cstdlib>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "cli/cli_error.h"

namespace driftd::cli {

namespace beast = boost::beast;
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

ApiClient::ApiClient(const std::string& url, std::string token) : url_(url), token_(std::move(token)) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) {
    throw UsageError("--url: '" + url + "' must start with http:// (e.g. http://127.0.0.1:8080)");
  }
  std::string authority = url.substr(kScheme.size());
  while (!authority.empty() && authority.back() == '/') authority.pop_back();
  if (authority.empty() || authority.find('/') != std::string::npos) {
    throw UsageError("--url: '" + url + "' must be http://host[:port] with no path");
  }
  const std::size_t colon = authority.rfind(':');
  const bool bracketed = authority.front() == '[';
  if (colon != std::string::npos && (!bracketed || authority.find(']') < colon)) {
    host_ = authority.substr(0, colon);
    port_ = authority.substr(colon + 1);
  } else {
    host_ = authority;
    port_ = "80";
  }
  if (bracketed && host_.size() > 2) host_ = host_.substr(1, host_.size() - 2);
  if (token_.empty()) {
    if (const char* from_environment = std::getenv("DRIFTD_TOKEN")) token_ = from_environment;
  }
}

ApiClient::Answer ApiClient::send(const std::string& method, const std::string& target,
                                  const std::string& body) const {
  http::response<http::string_body> response;
  try {
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(10));
    boost::asio::ip::tcp::resolver resolver(io);
    stream.connect(resolver.resolve(host_, port_));
    http::request<http::string_body> request(http::string_to_verb(method), target, 11);
    request.set(http::field::host, host_);
    request.set(http::field::accept, "application/json");
    request.set(http::field::user_agent, "driftctl");
    if (!token_.empty()) request.set(http::field::authorization, "Bearer " + token_);
    if (!body.empty()) {
      request.set(http::field::content_type, "application/json");
      request.body() = body;
    }
    request.prepare_payload();
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::read(stream, buffer, response);
    beast::error_code ignored;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  } catch (const beast::system_error& error) {
    throw UsageError("cannot reach driftd at " + url_ + ": " + error.code().message());
  }
  return {response.result_int(),
          nlohmann::ordered_json::parse(response.body(), nullptr, false)};
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
