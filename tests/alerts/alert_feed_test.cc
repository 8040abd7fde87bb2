// The alert feed under concurrency (label concurrency, run under
// ThreadSanitizer too): a publisher commits and publishes events while
// subscribers join at various points, some slow, some leaving; each gets
// every event after its resume point that its filter accepts, in order, once.
#include "alerts/alert_feed.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.h"

namespace driftd::alerts {
namespace {

store::AlertEvent event(int64_t id) {
  return {id, id % 2 == 0 ? "payments" : "clicks", "f" + std::to_string(id % 3),
          id % 5 == 0 ? "critical" : "warn", id % 7 == 0 ? "resolved" : "fired",
          "{\"event_id\": " + std::to_string(id) + "}"};
}

// Committed events, readable from any thread.
class FakeStorage {
 public:
  void commit(const store::AlertEvent& e) {
    std::lock_guard lock(mutex_);
    events_.push_back(e);
  }
  std::vector<store::AlertEvent> read(int64_t after, std::size_t limit) {
    std::lock_guard lock(mutex_);
    std::vector<store::AlertEvent> out;
    for (const auto& e : events_) {
      if (e.id > after && out.size() < limit) out.push_back(e);
    }
    return out;
  }

 private:
  std::mutex mutex_;
  std::vector<store::AlertEvent> events_;
};

// Records what it gets; optionally has no room for a while, or closes.
class RecordingSink final : public AlertSink {
 public:
  explicit RecordingSink(int close_after = -1) : close_after_(close_after) {}
  bool deliver(const store::AlertEvent& e) override {
    std::lock_guard lock(mutex_);
    if (!open_) return false;
    ids_.push_back(e.id);
    if (close_after_ >= 0 && static_cast<int>(ids_.size()) >= close_after_) open_ = false;
    return true;
  }
  bool has_room() const override { return room_.load(); }
  bool open() const override {
    std::lock_guard lock(mutex_);
    return open_;
  }
  void set_room(bool room) { room_.store(room); }
  std::vector<int64_t> ids() const {
    std::lock_guard lock(mutex_);
    return ids_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<int64_t> ids_;
  bool open_ = true;
  int close_after_;
  std::atomic<bool> room_{true};
};

bool wait_for(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

std::vector<int64_t> expected(int64_t after, int64_t last, const AlertFilter& filter) {
  std::vector<int64_t> ids;
  for (int64_t id = after + 1; id <= last; ++id) {
    if (filter.matches(event(id))) ids.push_back(id);
  }
  return ids;
}

TEST_CASE("Subscribers joining while events are published get each event once and in order") {
  constexpr int64_t kEvents = 3000;
  constexpr int64_t kAtStart = 500;  // committed before the feed starts
  FakeStorage storage;
  for (int64_t id = 1; id <= kAtStart; ++id) storage.commit(event(id));
  // Small pages make catching up take many rounds, racing the publisher.
  AlertFeed feed([&](int64_t after, std::size_t limit) { return storage.read(after, limit); },
                 kAtStart, 7);

  std::atomic<int64_t> published{kAtStart};
  std::thread publisher([&] {
    for (int64_t id = kAtStart + 1; id <= kEvents; ++id) {
      const store::AlertEvent e = event(id);
      storage.commit(e);  // committed first, then published (the manager's order)
      feed.publish(std::span(&e, 1));
      published.store(id);
      if (id % 100 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });

  struct Joined {
    std::shared_ptr<RecordingSink> sink;
    std::optional<int64_t> after;
    int64_t from;  // the event after which it must get everything
    AlertFilter filter;
  };
  std::vector<Joined> joined;
  const auto join = [&](std::optional<int64_t> after, AlertFilter filter,
                        std::shared_ptr<RecordingSink> sink) {
    // Without a resume point a subscriber gets events published after it joined.
    const int64_t from = after ? *after : feed.last_published();
    feed.subscribe(filter, after, sink);
    joined.push_back({sink, after, from, filter});
  };
  join(0, {}, std::make_shared<RecordingSink>());    // replays everything
  join(250, {}, std::make_shared<RecordingSink>());  // resumes mid-way
  join(0, AlertFilter::parse({{"stream", "payments"}, {"severity", "critical"}}),
       std::make_shared<RecordingSink>());
  auto slow = std::make_shared<RecordingSink>();
  slow->set_room(false);
  join(100, AlertFilter::parse({{"state", "resolved"}}), slow);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  join(published.load() / 2, {}, std::make_shared<RecordingSink>());
  const auto leaving = std::make_shared<RecordingSink>(10);
  feed.subscribe({}, 0, leaving);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  slow->set_room(true);
  publisher.join();

  for (const Joined& j : joined) {
    const std::vector<int64_t> want = expected(j.from, kEvents, j.filter);
    REQUIRE(wait_for([&] { return j.sink->ids().size() >= want.size(); }));
    CHECK(j.sink->ids() == want);
  }
  CHECK(leaving->ids().size() == 10);
  REQUIRE(wait_for([&] { return feed.subscribers() == joined.size(); }));  // the closed one is gone
  CHECK(feed.last_published() == kEvents);
}

TEST_CASE("A subscriber without a resume point gets only new events, a future id resumes from now") {
  FakeStorage storage;
  for (int64_t id = 1; id <= 5; ++id) storage.commit(event(id));
  AlertFeed feed([&](int64_t after, std::size_t limit) { return storage.read(after, limit); }, 5);
  auto fresh = std::make_shared<RecordingSink>();
  auto confused = std::make_shared<RecordingSink>();
  feed.subscribe({}, std::nullopt, fresh);
  feed.subscribe({}, 99, confused);  // an id this database never had
  const store::AlertEvent next = event(6);
  storage.commit(next);
  feed.publish(std::span(&next, 1));
  CHECK(fresh->ids() == std::vector<int64_t>{6});
  CHECK(confused->ids() == std::vector<int64_t>{6});
}

TEST_CASE("Filters accept sets of values and refuse unknown severities and states") {
  const AlertFilter filter =
      AlertFilter::parse({{"stream", "payments,clicks"}, {"feature", "f1"}, {"feature", "f2"},
                          {"severity", "warn"}, {"other", "ignored"}});
  store::AlertEvent e = event(4);  // payments, f1, warn, fired
  CHECK(filter.matches(e));
  e.feature = "f0";
  CHECK_FALSE(filter.matches(e));
  CHECK(AlertFilter::parse({{"state", "resolved"}}).matches(event(7)));
  CHECK_FALSE(AlertFilter::parse({{"state", "firing"}}).matches(event(7)));
  CHECK_THROWS_WITH(AlertFilter::parse({{"severity", "urgent"}}),
                    "query parameter 'severity': 'urgent' is not one of warn, critical");
  CHECK_THROWS_WITH(AlertFilter::parse({{"state", "open"}}),
                    "query parameter 'state': 'open' is not one of firing, resolved");
  CHECK_THROWS_WITH(AlertFilter::parse({{"stream", "a,,b"}}),
                    "query parameter 'stream': empty value");
}

}  // namespace
}  // namespace driftd::alerts
