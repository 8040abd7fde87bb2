// Helpers that build the daemon's responses: JSON bodies, the one error shape
// and plain text.
//
// Every error the server or a handler returns has the body
//   {"error": {"status": 404, "message": "no route for /v2/x"}}
// with Content-Type: application/json, so clients parse one shape.
//
// Guarantees: never throw for any JSON value or message text; strings that
// are not valid UTF-8 are serialized with U+FFFD replacements instead of
// throwing.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "http/response.h"

namespace driftd::http {

inline constexpr std::string_view kJsonContentType = "application/json";
inline constexpr std::string_view kTextContentType = "text/plain; charset=utf-8";

// Compact JSON text of `value` (invalid UTF-8 replaced, never throws).
std::string to_json_text(const nlohmann::json& value);

// A response with `value` as its JSON body.
Response json_response(Status status, const nlohmann::json& value);
// The same for an ordered_json, whose keys keep their order.
Response ordered_json_response(Status status, const nlohmann::ordered_json& value);

// The error body {"error": {"status": N, "message": message}} as a response.
Response json_error(Status status, std::string_view message);

// A text/plain response (for /metrics use a Prometheus content type instead).
Response text_response(Status status, std::string body,
                       std::string_view content_type = kTextContentType);

}  // namespace driftd::http
