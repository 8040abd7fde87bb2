#include "alerts/alert_feed.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>

namespace driftd::alerts {

AlertFeed::AlertFeed(Storage storage, int64_t last_committed, std::size_t page_size)
    : storage_(std::move(storage)), page_size_(page_size), last_published_(last_committed) {
  catch_up_thread_ = std::thread([this] { catch_up_loop(); });
}

AlertFeed::~AlertFeed() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  catch_up_thread_.join();
}

void AlertFeed::subscribe(AlertFilter filter, std::optional<int64_t> after,
                          std::shared_ptr<AlertSink> sink) {
  auto subscriber = std::make_shared<Subscriber>(Subscriber{std::move(filter), std::move(sink), 0});
  {
    std::lock_guard lock(mutex_);
    // An id from the future (another database) resumes from now.
    subscriber->delivered = std::min(after.value_or(last_published_), last_published_);
    subscriber->live = subscriber->delivered == last_published_;
    subscribers_.push_back(std::move(subscriber));
  }
  wake_.notify_all();
}

void AlertFeed::publish(std::span<const store::AlertEvent> events) {
  fan_out(events);
  if (listener_) listener_();
}

void AlertFeed::fan_out(std::span<const store::AlertEvent> events) {
  std::lock_guard lock(mutex_);
  for (const store::AlertEvent& event : events) {
    last_published_ = std::max(last_published_, event.id);
  }
  std::erase_if(subscribers_, [&](const std::shared_ptr<Subscriber>& subscriber) {
    if (!subscriber->live) return false;  // it reads them from storage
    for (const store::AlertEvent& event : events) {
      if (event.id <= subscriber->delivered) continue;
      if (subscriber->filter.matches(event) && !subscriber->sink->deliver(event)) return true;
      subscriber->delivered = event.id;
    }
    return !subscriber->sink->open();
  });
}

std::size_t AlertFeed::subscribers() const {
  std::lock_guard lock(mutex_);
  return subscribers_.size();
}

int64_t AlertFeed::last_published() const {
  std::lock_guard lock(mutex_);
  return last_published_;
}

void AlertFeed::catch_up_loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    std::erase_if(subscribers_, [](const auto& subscriber) { return !subscriber->sink->open(); });
    std::vector<std::shared_ptr<Subscriber>> behind;
    for (const auto& subscriber : subscribers_) {
      if (!subscriber->live) behind.push_back(subscriber);
    }
    if (behind.empty()) {
      wake_.wait_for(lock, std::chrono::seconds(1));  // also prunes closed sinks
      continue;
    }
    lock.unlock();
    bool progress = false;
    for (const auto& subscriber : behind) {
      if (subscriber->sink->open() && subscriber->sink->has_room()) {
        progress |= catch_up(*subscriber);
      }
    }
    lock.lock();
    if (!progress) wake_.wait_for(lock, std::chrono::milliseconds(20));
  }
}

bool AlertFeed::catch_up(Subscriber& subscriber) {
  std::vector<store::AlertEvent> page;
  try {
    page = storage_(subscriber.delivered, page_size_);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "driftd: alert feed: reading past events: %s (retrying)\n", error.what());
    return false;
  }
  for (const store::AlertEvent& event : page) {
    if (subscriber.filter.matches(event) && !subscriber.sink->deliver(event)) return true;
    subscriber.delivered = event.id;
  }
  if (page.size() < page_size_) {
    std::lock_guard lock(mutex_);
    if (last_published_ <= subscriber.delivered) subscriber.live = true;
  }
  return true;
}

}  // namespace driftd::alerts
