// One HTTP/1.1 exchange as a client, for driftd's outgoing requests
// (webhook deliveries, driftctl talking to the API): a fresh connection to
// an http or https endpoint, the request written and the answer read, all
// within one deadline.
//
// https: SNI (for names), the peer's chain verified by `tls`
// (make_client_tls_context(), tls_context.h) and its host name or IP address
// checked.
//
// Guarantees: never throws for network or TLS trouble; `error` says what
// happened ("no answer within N ms", "TLS: ... certificate verify failed",
// "cannot resolve ...", "Connection refused"). Every step after name
// resolution (connect, handshake, write, read) is bounded by the timeout;
// name resolution by the system resolver's own timeouts. A timeout beyond
// kMaxTimerDuration (common/timer_limit.h, 146 years) counts as that long
// instead of overflowing the clock.
//
// Thread safety: independent calls may run on many threads at once (each
// has its own io_context and socket; `tls` is only read).
#pragma once

#include <chrono>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace driftd::http {

struct ClientEndpoint {
  bool tls = false;
  std::string host;  // a name, or an IP address (IPv6 without brackets)
  std::string port;
};

struct ClientExchange {
  std::string error;  // empty when an answer's header (and body, if asked) was read
  boost::beast::http::response<boost::beast::http::string_body> response;
};

// read_body false: only the answer's header is read (its status is what
// matters) and the connection is closed.
ClientExchange exchange(const ClientEndpoint& endpoint,
                        boost::beast::http::request<boost::beast::http::string_body>& request,
                        boost::asio::ssl::context& tls, std::chrono::milliseconds timeout,
                        bool read_body);

}  // namespace driftd::http
