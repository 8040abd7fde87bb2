#include "alerts/webhook_dispatcher.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "common/error.h"

namespace driftd::alerts {
namespace {

constexpr std::chrono::milliseconds kIdleTick{200};
constexpr std::size_t kEnqueueBatch = 1000;
constexpr std::size_t kParallelDeliveries = 32;

int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

WebhookDispatcher::WebhookDispatcher(WebhookStore& store, config::WebhookConfig config)
    : store_(store),
      config_(std::move(config)),
      client_(config_.ca_file),
      worker_(kIdleTick, /*retry_pause=*/kIdleTick) {
  worker_.start([this] { return step(); });
}

WorkerThread::Outcome WebhookDispatcher::step() {
  bool busy = false;
  try {
    store_.enqueue(kEnqueueBatch, wall_clock_ms());
    busy = deliver_due();
    backlog_.store(store_.backlog(), std::memory_order_relaxed);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "driftd: webhooks: %s (retrying)\n", error.what());
  }
  return busy ? WorkerThread::Outcome::busy : WorkerThread::Outcome::idle;
}

bool WebhookDispatcher::deliver_due() {
  const std::vector<Delivery> due = store_.due(wall_clock_ms());
  // Subscriptions are independent: their head deliveries go out together,
  // so a receiver that is slow or black-holed (up to webhooks.timeout)
  // delays only its own subscription. Within one subscription order holds:
  // due() gives at most one delivery per subscription.
  for (std::size_t first = 0; first < due.size(); first += kParallelDeliveries) {
    const std::size_t last = std::min(due.size(), first + kParallelDeliveries);
    std::vector<std::thread> attempts;
    for (std::size_t d = first; d < last; ++d) {
      attempts.emplace_back([this, &delivery = due[d]] { attempt(delivery); });
    }
    for (std::thread& attempt_thread : attempts) attempt_thread.join();
    if (worker_.stopping()) break;
  }
  return !due.empty();
}

void WebhookDispatcher::attempt(const Delivery& delivery) {
  const auto started = std::chrono::steady_clock::now();
  PostResult result;
  try {
    result = client_.post(WebhookTarget::parse(delivery.url), delivery.body, delivery.event_id,
                          delivery.subscription_id, delivery.secret, config_.timeout);
  } catch (const InputError& error) {
    result.error = error.what();  // a url stored before a stricter check: keep retrying slowly
  }
  const int64_t duration = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - started)
                               .count();
  const int64_t now = wall_clock_ms();
  try {
    if (result.delivered()) {
      store_.record_success(delivery, *result.status, now, duration);
      delivered_.fetch_add(1, std::memory_order_relaxed);
    } else {
      store_.record_failure(delivery, result.status, result.error,
                            now + retry_delay_ms(delivery.attempts + 1), now, duration);
      failed_.fetch_add(1, std::memory_order_relaxed);
    }
  } catch (const std::exception& error) {
    // Not recorded: the delivery stays pending and is attempted again.
    std::fprintf(stderr, "driftd: webhooks: recording a delivery: %s\n", error.what());
  }
}

int64_t WebhookDispatcher::retry_delay_ms(int64_t failed_attempts) {
  const int64_t initial = config_.retry_initial.count();
  const int64_t cap = config_.retry_max.count();
  int64_t delay = initial;
  for (int64_t k = 1; k < failed_attempts && delay < cap; ++k) delay *= 2;
  delay = std::min(delay, cap);
  std::uniform_int_distribution<int64_t> upper_half(delay / 2, delay);
  std::lock_guard lock(jitter_mutex_);
  return upper_half(jitter_);
}

}  // namespace driftd::alerts
