// The window manager: the one thread that owns the SQLite writer connection.
// At start it installs each stream's stored references (or leaves the stream
// capturing); then, every tick, for every stream it stores newly captured
// references, closes the windows that are due, evaluates them, runs the alert
// rules and commits each window in one transaction. It pets the systemd
// watchdog from this loop, so a wedged pipeline gets the service restarted.
//
// Thread safety: start()/stop() from the main thread; everything else runs
// on the manager's own thread. The runtimes' manager-side methods are only
// called from here.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "config/config.h"
#include "pipeline/stream_runtime.h"
#include "store/drift_store.h"

namespace driftd {

class WindowManager {
 public:
  WindowManager(const config::Config& config, store::DriftStore& store,
                std::vector<std::unique_ptr<StreamRuntime>>& streams);
  ~WindowManager();

  // Loads references, open windows and open alerts (on the calling thread,
  // before any ingest), then starts the loop.
  void start();
  // Stops the loop after a last tick that closes what is due and
  // checkpoints the open windows. REQUIRES: ingest has stopped.
  void stop();

  // Commits so far, and the failures (SQLite errors are logged and retried
  // at the next tick, never fatal to ingest).
  uint64_t commits() const { return commits_.load(std::memory_order_relaxed); }
  uint64_t commit_failures() const { return commit_failures_.load(std::memory_order_relaxed); }
  // Cumulative seconds spent in window commits (for /metrics).
  double commit_seconds() const;

 private:
  void run();
  // REQUIRES final: no writer runs any more (drain), so the checkpoint is
  // exact and must not be skipped.
  void tick(bool final);
  void load_references(StreamRuntime& stream);
  void commit(std::size_t stream_index, bool final);

  const config::Config& config_;
  store::DriftStore& store_;
  std::vector<std::unique_ptr<StreamRuntime>>& streams_;
  std::chrono::milliseconds tick_interval_{100};
  // Per stream; manager thread only. Closed windows not committed yet: kept
  // in order and retried at the next tick, so a transient SQLite error loses
  // nothing.
  std::vector<std::vector<store::WindowCommit>> pending_;
  std::vector<std::chrono::steady_clock::time_point> last_checkpoint_;
  std::vector<bool> references_unsaved_;  // captured, not yet stored

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;

  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> commit_failures_{0};
  std::atomic<uint64_t> commit_microseconds_{0};
};

}  // namespace driftd
