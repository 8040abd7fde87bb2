// HTTP ingest answers held until the events they acknowledge are durable in
// SQLite (http.ingest_ack = "durable"), so a 202 means a crash cannot lose
// them.
//
// Protocol, per stream:
//   I/O thread  records a request's events (the batch has ended), then
//               hold(stream, answer) and wakes the window manager.
//   manager     take(stream) BEFORE the stream's cut (poll, checkpoint): the
//               cut's rotation comes after every taken batch ended, so the
//               committed windows and checkpoint contain all their events
//               (WindowRecorder Guarantee 3, the pieces in the slow path
//               included). After COMMIT: answer(true) for each. If the cut
//               is refused (count-window events in flight): hold_again()
//               keeps them first in line for the next tick. If the commit
//               fails: answer(false) at once (the client may retry; the
//               events stay in memory and are committed later, so a retry
//               can count them twice: at least once).
//   stop        after the last commit, fail_all() answers what is left.
//
// Thread safety: hold() from any thread; the others from the manager thread.
// One mutex guards the queues: one lock per request, none per event.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

namespace driftd {

class DurableAcks {
 public:
  // Called once, with true when the events are durable.
  using Answer = std::function<void(bool durable)>;

  explicit DurableAcks(std::size_t streams) : held_(streams) {}

  void hold(std::size_t stream, Answer answer);
  std::vector<Answer> take(std::size_t stream);
  void hold_again(std::size_t stream, std::vector<Answer> answers);
  void fail_all();

 private:
  std::mutex mutex_;
  std::vector<std::vector<Answer>> held_;  // per stream, oldest first; guarded by mutex_
};

}  // namespace driftd
