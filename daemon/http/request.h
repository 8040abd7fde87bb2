// One HTTP request as a handler sees it: method, target, decoded path and
// query parameters, header fields and the body.
//
// Guarantees: path parameters and query parameters are percent-decoded (a
// request with a malformed escape never reaches a handler: the server
// answers 400). The body is the complete, de-chunked body, at most
// ServerLimits::max_body_bytes long.
//
// Lifetime: the server builds a Request for each request and hands the
// handler a reference. It stays valid until the handler answers through its
// Responder. A handler that answers later (from another thread) may move the
// whole Request, or its body through mutable_body(), into its job: the
// server keeps what it needs to write the response on its own.
//
// Thread safety: none; one thread at a time (the handler, or whoever it
// passed the request to).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>

#include "http/padded_body.h"
#include "http/response.h"
#include "http/url.h"

namespace driftd::http {

class Request {
 public:
  using Message = boost::beast::http::request<PaddedStringBody>;
  using PathParams = std::vector<std::pair<std::string, std::string>>;

  Request() = default;
  // Built by the server (and by tests): `path` is the still-encoded path of
  // the target, `path_params` decoded values of the route's named segments.
  Request(Message message, PathParams path_params, QueryParams query,
          boost::asio::ip::tcp::endpoint remote);

  Verb method() const { return message_.method(); }
  std::string_view method_string() const;
  // The raw request target, e.g. "/v1/streams/a%20b/events?from=2".
  std::string_view target() const;
  // The path part of the target, still percent-encoded.
  std::string_view path() const;

  // Decoded value of the route's named segment `name` ("{stream}" -> "stream").
  // Throws std::out_of_range if the route has no such segment (a programming error).
  std::string_view param(std::string_view name) const;
  const PathParams& params() const { return path_params_; }

  // Decoded value of the first query parameter `name`; std::nullopt if absent.
  std::optional<std::string_view> query(std::string_view name) const { return query_.find(name); }
  const QueryParams& query_params() const { return query_; }

  // Value of header field `name` (case-insensitive); "" when absent.
  std::string_view header(std::string_view name) const;
  const boost::beast::http::fields& headers() const { return message_.base(); }

  // The complete body. Its capacity already extends kBodyPadding (64) bytes
  // past its end (http/padded_body.h), so it can go to simdjson as it is.
  const std::string& body() const { return message_.body(); }
  // The body for in-place use or to std::move() it into a job (a moved
  // std::string keeps its capacity, and so the padding).
  std::string& mutable_body() { return message_.body(); }

  // The client's address.
  const boost::asio::ip::tcp::endpoint& remote() const { return remote_; }

  const Message& message() const { return message_; }

 private:
  Message message_;
  PathParams path_params_;
  QueryParams query_;
  boost::asio::ip::tcp::endpoint remote_;
};

}  // namespace driftd::http
