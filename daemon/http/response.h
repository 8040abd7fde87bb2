// The response type handlers build and hand to their Responder.
//
// A plain Beast message with a std::string body. Handlers set the status,
// the fields they care about (Content-Type...) and the body; the server sets
// the HTTP version, Content-Length and Connection (keep-alive) itself when it
// writes the response, so handlers need not.
//
// Thread safety: plain value; build it on any thread, then move it into the
// Responder.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

namespace driftd::http {

using Response = boost::beast::http::response<boost::beast::http::string_body>;
using Status = boost::beast::http::status;
using Verb = boost::beast::http::verb;

}  // namespace driftd::http
