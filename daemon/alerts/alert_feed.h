// The alert feed: delivers committed alert events to live subscribers
// (server-sent event clients), each resuming after the last event it saw
// without missing or repeating one.
//
// A subscriber joins after event id `after` (its Last-Event-ID; for a new
// one, the last event published). While it is behind, the feed's catch-up
// thread reads the events after it from storage, a page at a time and only
// while the subscriber has room (a slow client is paced, never buffered
// without bound), and hands it those its filter accepts. Once storage has
// nothing newer than the last event published, the subscriber goes live:
// publish() hands it each new event directly. The switch happens under the
// feed's mutex, against the last id published, so an event committed while
// the subscriber was catching up is either read from storage or delivered
// live, never both and never neither.
//
// Requirement on the caller: publish() only events already committed to
// storage, in id order (the window manager publishes after COMMIT).
//
// Invariants (mutex_ guards subscribers_ membership, `live` and
// last_published_):
//  1. A subscriber's `delivered` is written by the catch-up thread while it
//     is not live, by publish() once it is; the switch is under mutex_.
//  2. Events reach a sink in increasing id order, each at most once, and
//     every event with id > after that the filter accepts is delivered
//     unless the sink reports itself gone first.
//  3. A sink whose deliver() returns false, or that is no longer open, is
//     dropped and never called again.
//
// Thread safety: publish() from one thread (the window manager);
// subscribe() and counts from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "alerts/alert_filter.h"
#include "store/alert_event.h"

namespace driftd::alerts {

// Where events go; implemented over an http::EventStream by the daemon.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  // Queues the event without blocking; false when the sink is gone (closed,
  // or too slow and closed by it).
  virtual bool deliver(const store::AlertEvent& event) = 0;
  // Whether a catch-up page may be queued now (its buffer is not filling up).
  virtual bool has_room() const = 0;
  virtual bool open() const = 0;
};

class AlertFeed {
 public:
  // read_after(id, limit): committed events with id > `id`, in id order, at
  // most `limit` of them (the catch-up thread's storage; it may throw, and is
  // then retried later).
  using Storage = std::function<std::vector<store::AlertEvent>(int64_t after, std::size_t limit)>;

  // last_committed: the newest event id in storage at start.
  AlertFeed(Storage storage, int64_t last_committed, std::size_t page_size = 256);
  ~AlertFeed();  // stops the catch-up thread
  AlertFeed(const AlertFeed&) = delete;
  AlertFeed& operator=(const AlertFeed&) = delete;

  // Adds a subscriber resuming after event `after` (nullopt: from now on).
  void subscribe(AlertFilter filter, std::optional<int64_t> after, std::shared_ptr<AlertSink> sink);

  // Events just committed to storage, in id order. Then calls the publish
  // listener, if any (outside the feed's lock).
  void publish(std::span<const store::AlertEvent> events);
  // Called after each publish(); set before the first one.
  void set_publish_listener(std::function<void()> listener) { listener_ = std::move(listener); }

  std::size_t subscribers() const;
  int64_t last_published() const;

 private:
  struct Subscriber {
    AlertFilter filter;
    std::shared_ptr<AlertSink> sink;
    int64_t delivered;  // the last event id handed over or skipped (invariant 1)
    bool live = false;  // guarded by mutex_
  };

  void fan_out(std::span<const store::AlertEvent> events);
  void catch_up_loop();
  // Hands `subscriber` one page from storage, going live when storage has
  // nothing newer than the last event published. False when storage failed.
  bool catch_up(Subscriber& subscriber);

  const Storage storage_;
  std::function<void()> listener_;
  const std::size_t page_size_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::shared_ptr<Subscriber>> subscribers_;  // guarded by mutex_
  int64_t last_published_;                                // guarded by mutex_
  bool stopping_ = false;                                 // guarded by mutex_
  std::thread catch_up_thread_;
};

}  // namespace driftd::alerts
