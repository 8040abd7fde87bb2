#include "kafka/client_log.h"

#include <cstdio>
#include <utility>

#include "kafka/client_message.h"

namespace driftd::kafka {
namespace {

constexpr int kLogDebug = 7;  // syslog's LOG_DEBUG: librdkafka's `debug` output

}  // namespace

ClientLog::ClientLog(std::string prefix, std::vector<std::string> topics, const Clock& clock,
                     std::function<void(std::string_view)> observe)
    : prefix_(std::move(prefix)),
      topics_(std::move(topics)),
      observe_(std::move(observe)),
      repeats_(clock) {}

void ClientLog::log(int level, const char* facility, const char* text) {
  const std::string_view body = without_thread(text);
  if (level >= kLogDebug) {  // asked for with the `debug` property: every line, as it is
    std::fprintf(stderr, "driftd: kafka: %sdebug: %s: %.*s\n", prefix_.c_str(), facility,
                 static_cast<int>(body.size()), body.data());
    return;
  }
  report(body);
}

void ClientLog::report(std::string_view message) {
  if (observe_) observe_(message);
  const std::string line = reword(message, topics_, reached_.load(std::memory_order_relaxed));
  {
    std::lock_guard lock(mutex_);
    if (!repeats_.admit(line)) return;
  }
  std::fprintf(stderr, "driftd: kafka: %s%s\n", prefix_.c_str(), line.c_str());
}

}  // namespace driftd::kafka
