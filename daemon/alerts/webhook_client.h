// Webhook delivery attempts: an HTTP/1.1 POST of a JSON body to an http or
// https target (alerts/json_poster.h), with driftd's headers, bounded by one
// timeout from connect to the end of the answer's header.
//
// Headers: Host, Content-Type: application/json, Idempotency-Key and
// X-Driftd-Event-Id (the alert event id: the same on every retry of the same
// alert transition), X-Driftd-Subscription, X-Driftd-Signature
// (webhook_signature.h), User-Agent: driftd-webhook.
//
// https: the receiver's certificate is verified against webhooks.ca_file (or
// the system trust store) and its name or IP address checked
// (http/client_exchange.h); a receiver that fails verification is a failed
// attempt.
//
// Guarantees: post() never throws for network or TLS trouble; the result
// says what happened. The timeout bounds every step after name resolution.
//
// Thread safety: post() may run on many threads at once (each attempt has
// its own io_context and socket; the TLS context is only read).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "alerts/json_poster.h"
#include "alerts/webhook_target.h"

namespace driftd::alerts {

class WebhookClient {
 public:
  // ca_file: PEM certificate authorities for https targets; nullopt: the
  // system trust store. Throws config::ConfigError (webhooks.ca_file) when
  // the file cannot be loaded.
  explicit WebhookClient(const std::optional<std::string>& ca_file);

  PostResult post(const WebhookTarget& target, const std::string& body, int64_t event_id,
                  int64_t subscription_id, const std::string& secret,
                  std::chrono::milliseconds timeout) const;

 private:
  JsonPoster poster_;
};

}  // namespace driftd::alerts
