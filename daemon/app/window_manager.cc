#include "app/window_manager.h"

#include <cstdio>

#include "app/systemd_notify.h"
#include "common/error.h"
#include "pipeline/file_reference.h"

namespace driftd {
namespace {

int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

WindowManager::WindowManager(const config::Config& config, store::DriftStore& store,
                             std::vector<std::unique_ptr<StreamRuntime>>& streams)
    : config_(config), store_(store), streams_(streams) {}

WindowManager::~WindowManager() { stop(); }

void WindowManager::load_references(StreamRuntime& stream) {
  const config::StreamConfig& config = stream.config();
  store_.sync_stream(config);
  if (auto stored = store_.load_active_references(config)) {
    stream.install_references(std::move(*stored));
    if (const auto bytes = store_.load_checkpoint(config)) {
      try {
        if (stream.restore(decode_checkpoint(*bytes))) {
          std::fprintf(stderr, "driftd: stream '%s': open windows restored\n", config.name.c_str());
        }
      } catch (const InputError& error) {
        std::fprintf(stderr, "driftd: stream '%s': ignoring the window checkpoint: %s\n",
                     config.name.c_str(), error.what());
      }
    }
  } else if (config.reference.type == config::ReferenceType::file) {
    std::vector<FeatureReference> references =
        references_from_file(config.features, config.reference.path);
    store_.save_references(config, references, "file:" + config.reference.path.string());
    stream.install_references(std::move(references));
  }
  for (const store::OpenAlert& alert : store_.open_alerts(config)) {
    stream.restore_alert(alert.feature, alert.rule, alert.severity);
  }
}

void WindowManager::start() {
  for (auto& stream : streams_) load_references(*stream);
  thread_ = std::thread([this] { run(); });
}

void WindowManager::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

double WindowManager::commit_seconds() const {
  return static_cast<double>(commit_microseconds_.load(std::memory_order_relaxed)) / 1e6;
}

void WindowManager::run() {
  const auto watchdog = watchdog_interval();
  auto last_pet = std::chrono::steady_clock::now();
  for (;;) {
    tick(false);
    if (watchdog && std::chrono::steady_clock::now() - last_pet >= *watchdog) {
      notify_watchdog();
      last_pet = std::chrono::steady_clock::now();
    }
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, tick_interval_, [this] { return stopping_; })) break;
  }
  tick(true);  // what became due while stopping, and the exact last checkpoint
}

void WindowManager::commit(std::size_t stream_index, bool final) {
  StreamRuntime& stream = *streams_[stream_index];
  const config::StreamConfig& config = stream.config();
  std::vector<store::WindowCommit>& pending = pending_[stream_index];
  const auto now = std::chrono::steady_clock::now();
  const bool checkpoint_due =
      final || !pending.empty() ||
      now - last_checkpoint_[stream_index] >= config_.storage.checkpoint_interval;
  if (!checkpoint_due) return;
  StreamCheckpoint checkpoint;
  std::vector<std::byte> bytes;
  // The checkpoint is taken after poll(), so it holds exactly the windows
  // that are still open after those in `pending`.
  const bool have_checkpoint = stream.checkpoint(checkpoint);
  if (have_checkpoint) bytes = encode_checkpoint(checkpoint);
  if (pending.empty() && !have_checkpoint) return;

  const auto started = std::chrono::steady_clock::now();
  store_.commit_windows(config, stream.references(), pending, have_checkpoint ? &bytes : nullptr);
  commit_microseconds_.fetch_add(
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count()),
      std::memory_order_relaxed);
  commits_.fetch_add(1, std::memory_order_relaxed);
  if (have_checkpoint) last_checkpoint_[stream_index] = now;
  for (const store::WindowCommit& window : pending) {
    for (const AlertChange& change : window.changes) {
      std::fprintf(stderr, "driftd: alert %s: stream '%s' feature '%s' %s = %g (%s)\n",
                   to_string(change.transition), config.name.c_str(),
                   config.features[change.feature].name.c_str(),
                   std::string(config::to_string(config.alerts[change.rule].metric)).c_str(),
                   change.value, to_string(change.severity));
    }
  }
  pending.clear();
}

void WindowManager::tick(bool final) {
  const int64_t now = wall_clock_ms();
  pending_.resize(streams_.size());
  references_unsaved_.resize(streams_.size(), false);
  last_checkpoint_.resize(streams_.size(), std::chrono::steady_clock::now());
  for (std::size_t s = 0; s < streams_.size(); ++s) {
    StreamRuntime& stream = *streams_[s];
    std::vector<store::WindowCommit>& pending = pending_[s];
    const config::StreamConfig& config = stream.config();
    try {
      if (stream.take_new_references() != nullptr) references_unsaved_[s] = true;
      if (references_unsaved_[s]) {
        std::vector<FeatureReference>& captured = stream.references();
        store_.save_references(config, captured, "capture");
        references_unsaved_[s] = false;
        std::fprintf(stderr, "driftd: stream '%s': reference captured from %llu events\n",
                     config.name.c_str(),
                     static_cast<unsigned long long>(captured[0].n() + captured[0].missing));
      }
      if (!stream.monitoring()) continue;
      stream.poll(now, [&](const WindowEvaluation& window, uint64_t late) {
        pending.push_back({window, late, stream.apply_alerts(window)});
      });
      commit(s, final);
    } catch (const std::exception& error) {
      commit_failures_.fetch_add(1, std::memory_order_relaxed);
      std::fprintf(stderr, "driftd: stream '%s': %s (%zu window(s) kept for retry)\n",
                   config.name.c_str(), error.what(), pending.size());
    }
  }
}

}  // namespace driftd
