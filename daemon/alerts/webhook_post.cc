#include "alerts/webhook_post.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "alerts/webhook_signature.h"

namespace driftd::alerts {

namespace beast = boost::beast;
namespace http = boost::beast::http;

PostResult post_webhook(const WebhookTarget& target, const std::string& body, int64_t event_id,
                        int64_t subscription_id, const std::string& secret,
                        std::chrono::milliseconds timeout) {
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  PostResult result;
  try {
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(timeout);  // one deadline for the whole exchange
    boost::asio::ip::tcp::resolver resolver(io);
    stream.connect(resolver.resolve(target.host, target.port));
    http::request<http::string_body> request(http::verb::post, target.target, 11);
    request.set(http::field::host, target.host);
    request.set(http::field::user_agent, "driftd-webhook");
    request.set(http::field::content_type, "application/json");
    request.set("Idempotency-Key", "driftd-event-" + std::to_string(event_id));
    request.set("X-Driftd-Event-Id", std::to_string(event_id));
    request.set("X-Driftd-Subscription", std::to_string(subscription_id));
    request.set("X-Driftd-Signature", webhook_signature(secret, now_ms, body));
    request.body() = body;
    request.prepare_payload();
    http::write(stream, request);
    beast::flat_buffer buffer;
    // Only the status matters: the header is read, the body left unread
    // (the connection closes after each delivery).
    http::response_parser<http::string_body> parser;
    http::read_header(stream, buffer, parser);
    result.status = static_cast<int>(parser.get().result_int());
    if (!result.delivered()) result.error = "answered HTTP " + std::to_string(*result.status);
    beast::error_code ignored;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  } catch (const beast::system_error& error) {
    result.error = error.code() == beast::error::timeout
                       ? "no answer within " + std::to_string(timeout.count()) + " ms"
                       : error.code().message();
  }
  return result;
}

}  // namespace driftd::alerts
