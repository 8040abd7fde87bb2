#include "alerts/webhook_dispatcher.h"

#include <chrono>
#include <cstdio>

#include <boost/asio/post.hpp>

#include "common/clock.h"
#include "common/error.h"

namespace driftd::alerts {
namespace {

constexpr std::chrono::milliseconds kIdleTick{200};
constexpr std::size_t kEnqueueBatch = 1000;

}  // namespace

WebhookDispatcher::WebhookDispatcher(WebhookStore& store, config::WebhookConfig config)
    : store_(store),
      config_(std::move(config)),
      client_(config_.ca_file),
      backoff_(config_.retry_initial, config_.retry_max),
      worker_(kIdleTick, /*retry_pause=*/kIdleTick) {
  worker_.start([this] { return step(); });
}

void WebhookDispatcher::stop() {
  worker_.stop();    // no attempt is posted after this
  attempts_.join();  // the attempts in flight end within webhooks.timeout
}

WorkerThread::Outcome WebhookDispatcher::step() {
  try {
    store_.enqueue(kEnqueueBatch, Clock::system().wall_ms());
    start_due();
    backlog_.store(store_.backlog(), std::memory_order_relaxed);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "driftd: webhooks: %s (retrying)\n", error.what());
  }
  // Attempts wake the loop when they end, and due() holds nothing else that
  // becomes due sooner than the next tick.
  return WorkerThread::Outcome::idle;
}

void WebhookDispatcher::start_due() {
  // Read under the lock: an attempt leaves in_flight_ only after its record
  // is committed, so a row read here is never an attempt that just ended.
  std::lock_guard lock(in_flight_mutex_);
  const std::vector<Delivery> due = store_.due(Clock::system().wall_ms());
  for (const Delivery& delivery : due) {
    if (in_flight_.size() >= kParallelDeliveries) break;
    if (!in_flight_.insert(delivery.subscription_id).second) continue;  // its head is out
    boost::asio::post(attempts_, [this, delivery] { attempt(delivery); });
  }
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
  const int64_t now = Clock::system().wall_ms();
  try {
    if (result.delivered()) {
      store_.record_success(delivery, *result.status, now, duration);
      delivered_.fetch_add(1, std::memory_order_relaxed);
    } else {
      store_.record_failure(delivery, result.status, result.error,
                            now + backoff_.delay(delivery.attempts + 1).count(), now, duration);
      failed_.fetch_add(1, std::memory_order_relaxed);
    }
  } catch (const std::exception& error) {
    // Not recorded: the delivery stays pending and is attempted again.
    std::fprintf(stderr, "driftd: webhooks: recording a delivery: %s\n", error.what());
  }
  {
    std::lock_guard lock(in_flight_mutex_);
    in_flight_.erase(delivery.subscription_id);
  }
  worker_.wake();  // its next delivery, or another subscription's waiting for a thread
}

}  // namespace driftd::alerts
