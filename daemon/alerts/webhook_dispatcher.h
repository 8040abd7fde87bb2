// The webhook dispatcher: one thread that moves committed alert events into
// each subscription's outbox and delivers them (webhook_store.h), oldest
// first per subscription, retrying a failed delivery with exponential backoff
// and jitter (webhooks.retry_initial doubling up to webhooks.retry_max, each
// delay drawn uniformly from its upper half) until the receiver answers 2xx.
// Later deliveries of that subscription wait: receivers get alerts in order.
// Different subscriptions are attempted concurrently (a thread each, up to
// 32 at a time), so one slow receiver does not hold the others back.
//
// Delivery is at least once: an attempt whose 2xx answer is lost, or a crash
// between the answer and its record, repeats the delivery with the same
// Idempotency-Key, which receivers use to deduplicate.
//
// Thread safety: wake() and the counters from any thread; construction and
// destruction from one. The store serialises the attempt threads' records.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <random>

#include "alerts/webhook_client.h"
#include "alerts/webhook_store.h"
#include "alerts/worker_thread.h"
#include "config/config.h"

namespace driftd::alerts {

class WebhookDispatcher {
 public:
  // Throws config::ConfigError when webhooks.ca_file cannot be loaded.
  WebhookDispatcher(WebhookStore& store, config::WebhookConfig config);
  ~WebhookDispatcher() = default;  // finishes the attempts in flight, then stops
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  // New alert events were committed: look at once instead of at the next tick.
  void wake() { worker_.wake(); }

  uint64_t delivered() const { return delivered_.load(std::memory_order_relaxed); }
  uint64_t failed_attempts() const { return failed_.load(std::memory_order_relaxed); }
  int64_t backlog() const { return backlog_.load(std::memory_order_relaxed); }

 private:
  // One round: enqueue, deliver what is due (an error is logged and the
  // round retried at the next tick: the outbox holds the state).
  WorkerThread::Outcome step();
  // Delivers what is due; false when nothing was.
  bool deliver_due();
  // One attempt and its record (on an attempt thread).
  void attempt(const Delivery& delivery);
  int64_t retry_delay_ms(int64_t failed_attempts);

  WebhookStore& store_;
  const config::WebhookConfig config_;
  const WebhookClient client_;
  std::mutex jitter_mutex_;
  std::mt19937_64 jitter_{std::random_device{}()};  // guarded by jitter_mutex_
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<int64_t> backlog_{0};
  WorkerThread worker_;  // last: joined before the members its step uses go
};

}  // namespace driftd::alerts
