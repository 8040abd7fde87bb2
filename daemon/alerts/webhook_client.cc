#include "alerts/webhook_client.h"

#include "alerts/webhook_signature.h"
#include "common/clock.h"

namespace driftd::alerts {

WebhookClient::WebhookClient(const std::optional<std::string>& ca_file)
    : poster_(ca_file, "webhooks.ca_file") {}

PostResult WebhookClient::post(const WebhookTarget& target, const std::string& body,
                               int64_t event_id, int64_t subscription_id,
                               const std::string& secret, std::chrono::milliseconds timeout) const {
  const int64_t now_ms = Clock::system().wall_ms();
  // Only the status matters: the answer's body is not read.
  return poster_.post(target,
                      {{"User-Agent", "driftd-webhook"},
                       {"Idempotency-Key", "driftd-event-" + std::to_string(event_id)},
                       {"X-Driftd-Event-Id", std::to_string(event_id)},
                       {"X-Driftd-Subscription", std::to_string(subscription_id)},
                       {"X-Driftd-Signature", webhook_signature(secret, now_ms, body)}},
                      body, timeout);
}

}  // namespace driftd::alerts
