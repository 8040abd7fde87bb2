// Webhook subscriptions over HTTP (alerts/webhook_store.h, docs/api.md):
//   POST   /v1/subscriptions                 {"url", "secret", "filters"} -> 201
//   GET    /v1/subscriptions                 each with its outbox state
//   DELETE /v1/subscriptions/{id}            deliveries stop
//   GET    /v1/subscriptions/{id}/attempts   the delivery log, newest first
// Bad bodies are 400 naming the field (a url outside RFC 3986 or with
// control characters: "url: ..."); targets outside webhooks.allowlist are
// 400; a POST beyond webhooks.max_subscriptions live subscriptions is 409;
// unknown ids 404.
#pragma once

#include "alerts/webhook_store.h"
#include "config/config.h"
#include "http/router.h"

namespace driftd {

void register_subscription_routes(http::Router& router, alerts::WebhookStore& store,
                                  const config::WebhookConfig& webhooks);

}  // namespace driftd
