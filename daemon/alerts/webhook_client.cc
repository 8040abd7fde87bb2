#include "alerts/webhook_client.h"

#include "alerts/webhook_signature.h"
#include "common/clock.h"
#include "config/config_error.h"
#include "http/client_exchange.h"
#include "http/tls_context.h"

namespace driftd::alerts {

namespace bhttp = boost::beast::http;

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
  const int64_t now_ms = Clock::system().wall_ms();
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

  // Only the status matters: the answer's body is not read.
  const http::ClientExchange exchange = http::exchange(
      {target.tls, target.host, target.port}, request, *tls_, timeout, /*read_body=*/false);
  PostResult result;
  if (!exchange.error.empty()) {
    result.error = exchange.error;
    return result;
  }
  result.status = static_cast<int>(exchange.response.result_int());
  if (!result.delivered()) result.error = "answered HTTP " + std::to_string(*result.status);
  return result;
}

}  // namespace driftd::alerts
