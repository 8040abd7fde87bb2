#include "alerts/webhook_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "alerts/webhook_signature.h"
#include "config/config_error.h"
#include "http/tls_context.h"

namespace driftd::alerts {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace http = driftd::http;

namespace {

// Runs one asynchronous step to completion on `io` and returns its error.
// The step's stream carries the deadline (tcp_stream expiry), so it ends.
template <class Start>
beast::error_code run_step(net::io_context& io, Start&& start) {
  beast::error_code result = net::error::would_block;
  start([&result](const beast::error_code& ec, auto&&...) { result = ec; });
  io.restart();
  io.run();
  return result;
}

// Writes the request and reads the answer's header over a connected (and,
// for https, handshaken) stream. Only the status matters: the body is left
// unread (the connection closes after each delivery).
template <class Stream>
beast::error_code exchange(net::io_context& io, Stream& stream,
                           bhttp::request<bhttp::string_body>& request, PostResult& result) {
  if (auto ec = run_step(io, [&](auto handler) { bhttp::async_write(stream, request, handler); })) {
    return ec;
  }
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::empty_body> parser;
  parser.skip(true);  // the body is not read
  if (auto ec = run_step(io, [&](auto handler) {
        bhttp::async_read_header(stream, buffer, parser, handler);
      })) {
    return ec;
  }
  result.status = static_cast<int>(parser.get().result_int());
  return {};
}

std::string describe(const beast::error_code& ec, std::chrono::milliseconds timeout) {
  if (ec == beast::error::timeout) {
    return "no answer within " + std::to_string(timeout.count()) + " ms";
  }
  if (ec.category() == net::error::get_ssl_category()) {
    char text[256];
    ERR_error_string_n(static_cast<unsigned long>(ec.value()), text, sizeof text);
    return std::string("TLS: ") + text;
  }
  return ec.message();
}

}  // namespace

WebhookClient::WebhookClient(const std::optional<std::string>& ca_file) {
  try {
    tls_ = http::make_client_tls_context(ca_file);
  } catch (const http::TlsSetupError& error) {
    throw config::ConfigError("webhooks.ca_file", error.what());
  }
}

PostResult WebhookClient::post(const WebhookTarget& target, const std::string& body,
                               int64_t event_id, int64_t subscription_id,
                               const std::string& secret, std::chrono::milliseconds timeout) const {
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  bhttp::request<bhttp::string_body> request(bhttp::verb::post, target.target, 11);
  request.set(bhttp::field::host, target.host_header());
  request.set(bhttp::field::user_agent, "driftd-webhook");
  request.set(bhttp::field::content_type, "application/json");
  request.set("Idempotency-Key", "driftd-event-" + std::to_string(event_id));
  request.set("X-Driftd-Event-Id", std::to_string(event_id));
  request.set("X-Driftd-Subscription", std::to_string(subscription_id));
  request.set("X-Driftd-Signature", webhook_signature(secret, now_ms, body));
  request.keep_alive(false);
  request.body() = body;
  request.prepare_payload();

  PostResult result;
  net::io_context io;
  beast::error_code ec;
  net::ip::tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(target.host, target.port, ec);
  if (ec) {
    result.error = "cannot resolve " + target.host + ": " + ec.message();
    return result;
  }
  beast::ssl_stream<beast::tcp_stream> stream(io, *tls_);
  beast::tcp_stream& tcp = beast::get_lowest_layer(stream);
  tcp.expires_after(timeout);  // one deadline for the whole exchange
  ec = run_step(io, [&](auto handler) { tcp.async_connect(endpoints, handler); });
  if (!ec && target.tls) {
    SSL* ssl = stream.native_handle();
    beast::error_code not_ip;
    net::ip::make_address(target.host, not_ip);
    if (not_ip && SSL_set_tlsext_host_name(ssl, target.host.c_str()) != 1) {
      ec.assign(static_cast<int>(ERR_get_error()), net::error::get_ssl_category());
    }
    if (!ec) {
      stream.set_verify_callback(net::ssl::host_name_verification(target.host));
      ec = run_step(io, [&](auto handler) {
        stream.async_handshake(net::ssl::stream_base::client, handler);
      });
    }
  }
  if (!ec) {
    ec = target.tls ? exchange(io, stream, request, result) : exchange(io, tcp, request, result);
  }
  if (ec) {
    result.error = describe(ec, timeout);
    return result;
  }
  if (!result.delivered()) result.error = "answered HTTP " + std::to_string(*result.status);
  tcp.close();
  return result;
}

}  // namespace driftd::alerts
