// Fuzz target: a request's raw bytes through what the server does before a
// handler runs (http/detail/session.cc), without sockets: Beast's request
// parser with the server's default limits (ServerLimits) and body type
// (PaddedStringBody), then, once the header is complete, the target check,
// split_target, the router's match against the daemon's route table and
// the query parsing, then the body. Properties:
//   - a route found has the request's method and one non-empty decoded
//     value per parameter of its pattern; the path rebuilt from the pattern
//     with those values percent-encoded matches the same route with the same
//     values; a 405 lists the other methods of that path, never the
//     request's own;
//   - a complete request keeps the limits, its body is as long as its
//     Content-Length says (unless chunked) and, when not empty, carries the
//     padding simdjson needs (http/padded_body.h);
//   - a complete request, written back by Beast's serializer, parses to the
//     same method, target, version, header fields and body (unless a framing
//     field is repeated, see check_written_back).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "fuzz_check.h"
#include "http/limits.h"
#include "http/padded_body.h"
#include "http/request.h"
#include "http/router.h"
#include "http/url.h"

namespace driftd::fuzz {
namespace {

namespace bhttp = boost::beast::http;
using Parser = bhttp::request_parser<http::PaddedStringBody>;

// The daemon's route table (docs/api.md); handlers never run here.
struct RouteEntry {
  http::Verb method;
  std::string_view pattern;
  bool public_access;
};
constexpr RouteEntry kRoutes[] = {
    {http::Verb::post, "/v1/streams/{stream}/events", false},
    {http::Verb::get, "/v1/streams", false},
    {http::Verb::get, "/healthz", true},
    {http::Verb::get, "/readyz", true},
    {http::Verb::get, "/metrics", false},
    {http::Verb::get, "/v1/alerts", false},
    {http::Verb::get, "/v1/alerts/stream", false},
    {http::Verb::get, "/v1/metrics", false},
    {http::Verb::get, "/v1/windows/{id}", false},
    {http::Verb::get, "/v1/references", false},
    {http::Verb::get, "/v1/references/{stream}/{feature}", false},
    {http::Verb::post, "/v1/subscriptions", false},
    {http::Verb::get, "/v1/subscriptions", false},
    {http::Verb::delete_, "/v1/subscriptions/{id}", false},
    {http::Verb::get, "/v1/subscriptions/{id}/attempts", false},
};

const http::Router& router() {
  static const http::Router table = [] {
    http::Router out;
    for (const RouteEntry& entry : kRoutes) {
      out.add(entry.method, entry.pattern, [](http::Request&, http::Responder) {},
              {.public_access = entry.public_access});
    }
    out.freeze();
    return out;
  }();
  return table;
}

std::string_view to_std(boost::beast::string_view text) { return {text.data(), text.size()}; }

// Feeds bytes[offset...] to the parser until done() or an error; at the end
// of the bytes the client has closed (put_eof).
template <class Done>
void feed(Parser& parser, std::string_view bytes, std::size_t& offset, boost::beast::error_code& ec,
          Done done) {
  while (!ec && !done()) {
    const std::size_t used =
        parser.put(boost::asio::const_buffer(bytes.data() + offset, bytes.size() - offset), ec);
    offset += used;
    if (ec == bhttp::error::need_more) {
      ec = {};
      if (used == 0 || offset == bytes.size()) {
        if (parser.got_some()) {
          parser.put_eof(ec);
        } else {
          ec = bhttp::error::end_of_stream;  // what a read of a closed connection reports
        }
        return;
      }
    } else if (used == 0 && !ec && !done()) {
      return;
    }
  }
}

// The server's limits, as Session::read_header sets them.
void limit(Parser& parser) {
  const http::ServerLimits limits;
  parser.header_limit(limits.max_header_bytes);
  parser.body_limit(limits.max_body_bytes);
}

void check_route(http::Verb method, std::string_view path) {
  const http::Router::Match match = router().match(method, path);
  if (match.kind == http::Router::Match::Kind::method_not_allowed) {
    FUZZ_CHECK(!match.allow.empty());
    FUZZ_CHECK(match.allow.find(to_std(bhttp::to_string(method))) == std::string::npos ||
               method == http::Verb::unknown);
  }
  if (match.kind != http::Router::Match::Kind::found) return;
  const http::Router::Route& route = *match.route;
  FUZZ_CHECK(route.method == method);
  std::string rebuilt;
  std::size_t param = 0;
  for (const http::Router::Segment& segment : route.segments) {
    rebuilt += '/';
    if (!segment.is_param) {
      rebuilt += http::percent_encode(segment.text);
      continue;
    }
    FUZZ_CHECK(param < match.params.size());
    FUZZ_CHECK(match.params[param].first == segment.text);
    FUZZ_CHECK(!match.params[param].second.empty());
    rebuilt += http::percent_encode(match.params[param].second);
    ++param;
  }
  FUZZ_CHECK(param == match.params.size());
  const http::Router::Match again = router().match(method, rebuilt);
  FUZZ_CHECK(again.kind == http::Router::Match::Kind::found && again.route == match.route &&
             again.params == match.params);
}

// The server's steps once the header is complete (Session::after_header).
void route(const Parser::value_type& message) {
  const std::string_view target = to_std(message.target());
  if (target.empty() || target.front() != '/') return;  // 400
  const http::TargetParts parts = http::split_target(target);
  check_route(message.method(), parts.path);
  http::QueryParams::parse(parts.query);
}

void check_written_back(const Parser::value_type& message) {
  // With a framing field repeated, Beast's parser reads the Transfer-Encoding
  // fields as one list but the serializer frames by the first one only
  // (docs/reliability.md); driftd never writes requests it received, so such
  // requests are not written back.
  if (message.count(bhttp::field::transfer_encoding) > 1 ||
      message.count(bhttp::field::content_length) > 1) {
    return;
  }
  bhttp::request<bhttp::string_body> copy{message.base()};
  copy.body() = message.body();
  std::ostringstream written;
  written << copy;
  const std::string bytes = written.str();

  Parser parser;
  limit(parser);
  boost::beast::error_code ec;
  std::size_t offset = 0;
  feed(parser, bytes, offset, ec, [&] { return parser.is_done(); });
  FUZZ_CHECK(!ec && parser.is_done());
  const Parser::value_type& again = parser.get();
  FUZZ_CHECK(again.method_string() == message.method_string());
  FUZZ_CHECK(again.target() == message.target());
  FUZZ_CHECK(again.version() == message.version());
  FUZZ_CHECK(again.body() == message.body());
  auto field = message.begin();
  auto other = again.begin();
  for (; field != message.end() && other != again.end(); ++field, ++other) {
    FUZZ_CHECK(field->name_string() == other->name_string());
    FUZZ_CHECK(field->value() == other->value());
  }
  FUZZ_CHECK(field == message.end() && other == again.end());
}

}  // namespace
}  // namespace driftd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace driftd::fuzz;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Parser parser;
  limit(parser);
  boost::beast::error_code ec;
  std::size_t offset = 0;
  feed(parser, bytes, offset, ec, [&] { return parser.is_header_done(); });
  if (ec || !parser.is_header_done()) return 0;  // 400, 431 or a closed connection
  route(parser.get());

  feed(parser, bytes, offset, ec, [&] { return parser.is_done(); });
  if (ec || !parser.is_done()) return 0;  // 400, 413 or a closed connection
  const Parser::value_type& message = parser.get();
  const std::string& body = message.body();
  FUZZ_CHECK(body.size() <= driftd::http::ServerLimits{}.max_body_bytes);
  if (!body.empty()) {
    FUZZ_CHECK(body.capacity() >= body.size() + driftd::http::kBodyPadding);
  }
  if (parser.content_length() && !parser.chunked()) {
    FUZZ_CHECK(body.size() == *parser.content_length());
  }
  check_written_back(message);
  return 0;
}
