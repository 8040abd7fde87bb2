#include "app/subscription_routes.h"

#include <charconv>
#include <functional>
#include <string>

#include "app/json_answer.h"
#include "common/error.h"

namespace driftd {
namespace {

int64_t subscription_id(const http::Request& request) {
  const std::string_view text = request.param("id");
  int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id < 1) {
    throw InputError("subscription id must be a positive integer, not '" + std::string(text) + "'");
  }
  return id;
}

}  // namespace

void register_subscription_routes(http::Router& router, alerts::WebhookStore& store,
                                  const config::WebhookConfig& webhooks) {
  router.post("/v1/subscriptions", [&store, &webhooks](http::Request& request,
                                                       http::Responder respond) {
    answer_json(respond, http::Status::created, [&] {
      const nlohmann::json body = nlohmann::json::parse(request.body(), nullptr, false);
      if (body.is_discarded()) throw InputError("the body is not JSON");
      return store.add(body, webhooks.allowlist, webhooks.max_subscriptions);
    });
  });
  router.get("/v1/subscriptions", [&store](http::Request&, http::Responder respond) {
    answer_json(respond, http::Status::ok, [&] { return store.list(); });
  });
  router.del("/v1/subscriptions/{id}", [&store](http::Request& request, http::Responder respond) {
    answer_json(respond, http::Status::ok, [&] {
      const int64_t id = subscription_id(request);
      store.remove(id);
      return nlohmann::ordered_json{{"id", id}, {"deleted", true}};
    });
  });
  router.get("/v1/subscriptions/{id}/attempts",
             [&store](http::Request& request, http::Responder respond) {
               answer_json(respond, http::Status::ok, [&] {
                 std::size_t limit = 100;
                 if (const auto text = request.query("limit")) {
                   const auto [end, error] =
                       std::from_chars(text->data(), text->data() + text->size(), limit);
                   if (error != std::errc() || end != text->data() + text->size() ||
                       limit < 1 || limit > 1000) {
                     throw InputError("query parameter 'limit' must be an integer between 1 and 1000");
                   }
                 }
                 return store.attempts(subscription_id(request), limit);
               });
             });
}

}  // namespace driftd
