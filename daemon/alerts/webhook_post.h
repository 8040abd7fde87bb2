// One webhook delivery attempt: an HTTP/1.1 POST of a JSON body to a
// target, with driftd's headers, bounded by a timeout from connect to the
// end of the answer.
//
// Headers: Content-Type: application/json, Idempotency-Key and
// X-Driftd-Event-Id (the alert event id: the same on every retry of the same
// alert transition), X-Driftd-Subscription, X-Driftd-Signature
// (webhook_signature.h), User-Agent: driftd-webhook.
//
// Guarantees: never throws for network trouble; the result says what
// happened.
//
// Thread safety: independent calls may run on different threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "alerts/webhook_target.h"

namespace driftd::alerts {

struct PostResult {
  std::optional<int> status;  // the HTTP status, when the receiver answered
  std::string error;          // empty on 2xx; otherwise why not
  bool delivered() const { return status && *status / 100 == 2; }
};

PostResult post_webhook(const WebhookTarget& target, const std::string& body, int64_t event_id,
                        int64_t subscription_id, const std::string& secret,
                        std::chrono::milliseconds timeout);

}  // namespace driftd::alerts
