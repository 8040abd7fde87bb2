// Posts to Prometheus Alertmanager's alerts API: `<alertmanager.url>/api/v2/alerts`,
// http or https (alerts/json_poster.h), with the configured credentials.
//
// Construction checks what running needs and reads the secrets once:
// the URL in full (alerts/webhook_target.h: no user information, no
// characters outside RFC 3986), the bearer token or basic auth password file
// (its content without the trailing line break; not empty), the CA file. So
// `driftd --check-config` refuses what would fail at start.
//
// Guarantees: the constructor throws config::ConfigError naming the field
// (alertmanager.url, alertmanager.bearer_token_file,
// alertmanager.basic_auth.password_file, alertmanager.ca_file); the message
// never holds a secret. post() never throws for network or TLS trouble; an
// error answer's first bytes are part of the result's error.
//
// Thread safety: post() from any thread; the object is immutable.
#pragma once

#include <chrono>
#include <string>

#include "alerts/json_poster.h"
#include "alerts/webhook_target.h"
#include "config/config.h"

namespace driftd::alerts {

class AlertmanagerClient {
 public:
  explicit AlertmanagerClient(const config::AlertmanagerConfig& config);

  // One POST of `body` (a JSON array of alerts), within alertmanager.timeout.
  PostResult post(const std::string& body) const;
  // "http://am:9093/api/v2/alerts": for messages (holds no secret).
  const std::string& endpoint() const { return endpoint_; }

 private:
  const std::string endpoint_;
  const WebhookTarget target_;
  const std::chrono::milliseconds timeout_;
  JsonPoster::Headers headers_;  // User-Agent, Authorization
  const JsonPoster poster_;
};

}  // namespace driftd::alerts
