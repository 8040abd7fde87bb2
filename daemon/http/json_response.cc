#include "http/json_response.h"

#include <utility>

#include "http/detail/string_view.h"

namespace driftd::http {

namespace beast_http = boost::beast::http;

std::string to_json_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response json_response(Status status, const nlohmann::json& value) {
  Response response{status, 11};
  response.set(beast_http::field::content_type, detail::to_beast(kJsonContentType));
  response.body() = to_json_text(value);
  return response;
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
