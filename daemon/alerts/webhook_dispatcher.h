// The webhook dispatcher: one thread that moves committed alert events into
// each subscription's outbox and starts deliveries (webhook_store.h), oldest
// first per subscription, retrying a failed delivery with exponential backoff
// and jitter (alerts/retry_backoff.h: webhooks.retry_initial doubling up to
// webhooks.retry_max, each delay drawn uniformly from its upper half) until
// the receiver answers 2xx.
// Later deliveries of that subscription wait: receivers get alerts in order.
//
// Subscriptions progress independently: each attempt runs on a pool of
// kParallelDeliveries threads, and the dispatcher starts a subscription's
// next delivery as soon as its previous attempt is recorded, whatever the
// others are doing. A receiver that is slow or black-holed (up to
// webhooks.timeout per attempt) delays only its own subscription; only when
// kParallelDeliveries receivers hang at once do others wait for a thread.
//
// Delivery is at least once: an attempt whose 2xx answer is lost, or a crash
// between the answer and its record, repeats the delivery with the same
// Idempotency-Key, which receivers use to deduplicate.
//
// Invariants: a subscription is in in_flight_ from the moment its attempt is
// posted until that attempt's record is written (or failed), so it never has
// two attempts at once and due() rows of subscriptions in flight are
// skipped; in_flight_.size() <= kParallelDeliveries.
//
// Thread safety: wake() and the counters from any thread; construction and
// destruction from one. in_flight_ is guarded by in_flight_mutex_.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>

#include <boost/asio/thread_pool.hpp>

#include "alerts/retry_backoff.h"
#include "alerts/webhook_client.h"
#include "alerts/webhook_store.h"
#include "alerts/worker_thread.h"
#include "config/config.h"

namespace driftd::alerts {

class WebhookDispatcher {
 public:
  static constexpr std::size_t kParallelDeliveries = 32;

  // Throws config::ConfigError when webhooks.ca_file cannot be loaded.
  WebhookDispatcher(WebhookStore& store, config::WebhookConfig config);
  ~WebhookDispatcher() { stop(); }
  // Starts no more attempts, finishes those in flight (each bounded by
  // webhooks.timeout), then returns; wake() does nothing afterwards.
  // Idempotent.
  void stop();
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  // New alert events were committed: look at once instead of at the next tick.
  void wake() { worker_.wake(); }

  uint64_t delivered() const { return delivered_.load(std::memory_order_relaxed); }
  uint64_t failed_attempts() const { return failed_.load(std::memory_order_relaxed); }
  int64_t backlog() const { return backlog_.load(std::memory_order_relaxed); }

 private:
  // One round: enqueue, start what is due (an error is logged and the
  // round retried at the next tick: the outbox holds the state).
  WorkerThread::Outcome step();
  // Posts the due deliveries of subscriptions not in flight.
  void start_due();
  // One attempt and its record (on a pool thread); then wakes the loop.
  void attempt(const Delivery& delivery);

  WebhookStore& store_;
  const config::WebhookConfig config_;
  const WebhookClient client_;
  RetryBackoff backoff_;
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<int64_t> backlog_{0};
  std::mutex in_flight_mutex_;
  std::set<int64_t> in_flight_;  // subscription ids; guarded by in_flight_mutex_
  boost::asio::thread_pool attempts_{kParallelDeliveries};
  WorkerThread worker_;  // stopped first by the destructor, then attempts_ joined
};

}  // namespace driftd::alerts
