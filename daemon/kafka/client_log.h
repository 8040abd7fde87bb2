// The journal lines of one librdkafka client (the consumer, the alert topic's
// producer): each event it reports -- through its log callback, its error
// callback or a failed message -- is printed as one line, prefixed
// "driftd: kafka: " and the client's own prefix, in driftd's words
// (client_message.h), and a repeat of the same line is held back
// (repeat_filter.h). librdkafka's debug output (asked for with the `debug`
// property) is printed as it comes.
//
// Thread safety: any thread (librdkafka logs from its own threads); a
// mutex guards the repeat filter.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "kafka/repeat_filter.h"

namespace driftd::kafka {

class ClientLog {
 public:
  // `prefix`: after "driftd: kafka: " ("" for the consumer); `topics`: the
  // client's topics (named in the wording); `observe`, if given, sees the
  // text of every event (not debug output) before it is printed or held
  // back, on the thread that reports it. `clock` must outlive this.
  ClientLog(std::string prefix, std::vector<std::string> topics, const Clock& clock,
            std::function<void(std::string_view event)> observe = {});

  // A line from librdkafka's log callback (its syslog level and text).
  void log(int level, const char* facility, const char* text);
  // An event from the error callback or a failed message.
  void report(std::string_view message);
  // A broker answered since start: librdkafka's guess of a security.protocol
  // mismatch is no longer passed on (client_message.h).
  void reached() { reached_.store(true, std::memory_order_relaxed); }

  std::span<const std::string> topics() const { return topics_; }

 private:
  const std::string prefix_;
  const std::vector<std::string> topics_;
  const std::function<void(std::string_view)> observe_;
  std::atomic<bool> reached_{false};
  std::mutex mutex_;
  RepeatFilter repeats_;  // guarded by mutex_
};

}  // namespace driftd::kafka
