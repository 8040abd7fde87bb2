#include "http/json_response.h"

#include <utility>

#include "http/detail/string_view.h"

namespace driftd::http {

namespace beast_http = boost::beast::http;

std::string to_json_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

Response json_text_response(Status status, std::string text) {
  Response response{status, 11};
  response.set(beast_http::field::content_type, detail::to_beast(kJsonContentType));
  response.body() = std::move(text);
  return response;
}

}  // namespace

Response json_response(Status status, const nlohmann::json& value) {
  return json_text_response(status, to_json_text(value));
}

Response ordered_json_response(Status status, const nlohmann::ordered_json& value) {
  return json_text_response(
      status, value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

Response json_error(Status status, std::string_view message) {
  nlohmann::json body;
  body["error"]["status"] = static_cast<unsigned>(status);
  body["error"]["message"] = std::string(message);
  return json_response(status, body);
}

Response text_response(Status status, std::string body, std::string_view content_type) {
  Response response{status, 11};
  response.set(beast_http::field::content_type, detail::to_beast(content_type));
  response.body() = std::move(body);
  return response;
}

}  // namespace driftd::http
