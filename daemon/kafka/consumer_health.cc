#include "kafka/consumer_health.h"

#include <algorithm>
#include <utility>

namespace driftd::kafka {
namespace {

std::string whole_seconds(Clock::SteadyTime::duration elapsed) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count()) +
         " s";
}

}  // namespace

ConsumerHealth::ConsumerHealth(std::vector<std::string> topics, const Clock& clock)
    : topics_(std::move(topics)), clock_(clock) {}

void ConsumerHealth::subscribed() {
  std::lock_guard lock(mutex_);
  subscribed_ = true;
  assignment_ = false;
  waiting_since_ = progress_at_ = clock_.steady();
}

void ConsumerHealth::topic_missing(const std::string& topic) {
  if (std::find(topics_.begin(), topics_.end(), topic) == topics_.end()) return;
  std::lock_guard lock(mutex_);
  missing_.insert(topic);
}

void ConsumerHealth::assigned(const std::vector<std::string>& owned) {
  std::lock_guard lock(mutex_);
  assignment_ = true;
  progress_at_ = clock_.steady();
  for (const std::string& topic : owned) missing_.erase(topic);
}

void ConsumerHealth::unassigned() {
  std::lock_guard lock(mutex_);
  assignment_ = false;
  waiting_since_ = clock_.steady();
}

void ConsumerHealth::statistics(uint64_t delivered, const std::map<std::string, int64_t>& unread) {
  std::lock_guard lock(mutex_);
  if (delivered_ != delivered) progress_at_ = clock_.steady();
  delivered_ = delivered;
  unread_ = unread;
}

std::string ConsumerHealth::list(const std::set<std::string>& names, bool unread) const {
  std::string out;
  for (const std::string& topic : topics_) {
    if (!names.contains(topic)) continue;
    out += (out.empty() ? "'" : ", '") + topic + "'";
    if (const auto count = unread_.find(topic); unread && count != unread_.end()) {
      out += " (" + std::to_string(count->second) + ")";
    }
  }
  return out;
}

std::optional<std::string> ConsumerHealth::problem() const {
  std::lock_guard lock(mutex_);
  if (!subscribed_) return std::nullopt;
  if (!missing_.empty()) {
    return (missing_.size() == 1 ? "topic " : "topics ") + list(missing_, false) +
           (missing_.size() == 1 ? " does not exist" : " do not exist");
  }
  const Clock::SteadyTime now = clock_.steady();
  if (!assignment_ && now - waiting_since_ > kAssignmentGrace) {
    return "no partition assigned for " + whole_seconds(now - waiting_since_) +
           ": waiting for the consumer group to assign partitions of " +
           list({topics_.begin(), topics_.end()}, false) +
           " (a member that is gone holds its partitions until its session.timeout.ms)";
  }
  std::set<std::string> waiting;
  for (const auto& [topic, unread] : unread_) {
    if (unread > 0) waiting.insert(topic);
  }
  if (assignment_ && !waiting.empty() && now - progress_at_ > kStallLimit) {
    return "no message consumed for " + whole_seconds(now - progress_at_) +
           " while assigned partitions hold unread messages: " + list(waiting, true);
  }
  return std::nullopt;
}

}  // namespace driftd::kafka
