#include "alerts/webhook_store.h"

#include <utility>

#include "alerts/alert_filter.h"
#include "alerts/webhook_target.h"
#include "common/error.h"
#include "store/alert_event_reader.h"

namespace driftd::alerts {
namespace {

using Json = nlohmann::ordered_json;
constexpr std::size_t kMinSecretLength = 16;
constexpr const char* kFilterKeys[] = {"stream", "feature", "severity", "state"};

// {"stream": "a" | ["a", ...], ...} -> the (name, value) pairs AlertFilter reads.
std::vector<std::pair<std::string, std::string>> filter_pairs(const nlohmann::json& filters) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& item : filters.items()) {
    // Named, not a structured binding: clang 14 (the asan preset) cannot
    // capture a structured binding in a lambda.
    const std::string& key = item.key();
    const nlohmann::json& value = item.value();
    if (std::find(std::begin(kFilterKeys), std::end(kFilterKeys), key) == std::end(kFilterKeys)) {
      throw InputError("filters." + key + ": unknown filter (expected stream, feature, severity, state)");
    }
    const auto add = [&](const nlohmann::json& element) {
      if (!element.is_string()) throw InputError("filters." + key + ": must be strings");
      pairs.emplace_back(key, element.get<std::string>());
    };
    if (value.is_array()) {
      for (const auto& element : value) add(element);
    } else {
      add(value);
    }
  }
  return pairs;
}

// The stored form: every filter as an array of values.
nlohmann::json normalized_filters(const std::vector<std::pair<std::string, std::string>>& pairs) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : pairs) out[key].push_back(value);
  return out;
}

}  // namespace

WebhookStore::WebhookStore(const std::filesystem::path& database, store::WriteQueue& writer,
                           std::size_t max_subscriptions)
    : writer_(writer),
      max_subscriptions_(max_subscriptions),
      reader_(database, store::Database::Mode::kReadOnly) {}

Json WebhookStore::add(const nlohmann::json& request,
                       const std::optional<std::vector<std::string>>& allowlist, int64_t now_ms) {
  if (!request.is_object()) throw InputError("the body must be a JSON object");
  for (const auto& [key, value] : request.items()) {
    if (key != "url" && key != "secret" && key != "filters") {
      throw InputError(key + ": unknown field (expected url, secret, filters)");
    }
  }
  if (!request.contains("url") || !request["url"].is_string()) {
    throw InputError("url: required, a string");
  }
  const std::string url = request["url"].get<std::string>();
  const WebhookTarget target = WebhookTarget::parse(url);
  if (!target.allowed_by(allowlist)) {
    throw InputError("url: " + target.host + ":" + target.port +
                     " is not in webhooks.allowlist");
  }
  if (!request.contains("secret") || !request["secret"].is_string() ||
      request["secret"].get<std::string>().size() < kMinSecretLength) {
    throw InputError("secret: required, a string of at least " +
                     std::to_string(kMinSecretLength) + " characters (the HMAC key)");
  }
  nlohmann::json filters = nlohmann::json::object();
  if (request.contains("filters")) {
    if (!request["filters"].is_object()) throw InputError("filters: must be an object");
    const auto pairs = filter_pairs(request["filters"]);
    AlertFilter::parse(pairs);  // validates the values
    filters = normalized_filters(pairs);
  }
  const store::NewSubscription subscription{url, filters.dump(),
                                            request["secret"].get<std::string>()};
  return writer_.run([&](store::Database& db) {
    return store::add_subscription(db, subscription, max_subscriptions_, now_ms);
  });
}

void WebhookStore::remove(int64_t id, int64_t now_ms) {
  writer_.run([&](store::Database& db) { store::remove_subscription(db, id, now_ms); });
}

Json WebhookStore::list() {
  std::lock_guard lock(read_mutex_);
  return store::list_subscriptions(reader_);
}

Json WebhookStore::attempts(int64_t id, std::size_t limit) {
  std::lock_guard lock(read_mutex_);
  return store::subscription_attempts(reader_, id, limit);
}

std::size_t WebhookStore::enqueue(std::size_t max_events, int64_t now_ms) {
  // Read what each subscription that is behind wants, then hand the writer
  // only the appends (most calls find nothing and write nothing).
  struct Append {
    int64_t id, from, through;
    std::vector<int64_t> event_ids;
  };
  std::vector<Append> appends;
  {
    std::lock_guard lock(read_mutex_);
    for (const store::SubscriptionCursor& cursor : store::subscriptions_behind(reader_)) {
      const std::vector<store::AlertEvent> events =
          store::read_alert_events(reader_, cursor.enqueued_through, max_events);
      if (events.empty()) continue;
      const AlertFilter filter =
          AlertFilter::parse(filter_pairs(nlohmann::json::parse(cursor.filters)));
      Append append{cursor.id, cursor.enqueued_through, events.back().id, {}};
      for (const store::AlertEvent& event : events) {
        if (event.delivered_here && filter.matches(event)) append.event_ids.push_back(event.id);
      }
      appends.push_back(std::move(append));
    }
  }
  if (appends.empty()) return 0;
  return writer_.run([&](store::Database& db) {
    std::size_t added = 0;
    for (const Append& append : appends) {
      added += store::append_to_outbox(db, append.id, append.from, append.through,
                                       append.event_ids, now_ms);
    }
    return added;
  });
}

std::vector<Delivery> WebhookStore::due(int64_t now_ms) {
  std::lock_guard lock(read_mutex_);
  return store::due_deliveries(reader_, now_ms);
}

void WebhookStore::record_success(const Delivery& delivery, int status, int64_t now_ms,
                                  int64_t duration_ms) {
  writer_.run([&](store::Database& db) {
    store::record_delivery_success(db, delivery, status, now_ms, duration_ms);
  });
}

void WebhookStore::record_failure(const Delivery& delivery, std::optional<int> status,
                                  const std::string& error, int64_t next_attempt_ms,
                                  int64_t now_ms, int64_t duration_ms) {
  writer_.run([&](store::Database& db) {
    store::record_delivery_failure(db, delivery, status, error, next_attempt_ms, now_ms,
                                   duration_ms);
  });
}

int64_t WebhookStore::backlog() {
  std::lock_guard lock(read_mutex_);
  return store::webhook_backlog(reader_);
}

}  // namespace driftd::alerts
