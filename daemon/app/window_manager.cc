#include "app/window_manager.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "app/systemd_notify.h"
#include "common/error.h"
#include "pipeline/file_reference.h"
#include "store/delivery_log_retention.h"
#include "store/retention.h"

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
    : config_(config), store_(store), streams_(streams), acks_(streams.size()) {}

WindowManager::~WindowManager() { stop(); }

void WindowManager::load_stream(StreamRuntime& stream) {
  const config::StreamConfig& config = stream.config();
  store_.sync_stream(config);
  if (auto stored = store_.load_active_references(config)) {
    stream.install_references(std::move(*stored));
    if (const auto bytes = store_.load_checkpoint(config)) {
      try {
        if (stream.restore(decode_checkpoint(*bytes), wall_clock_ms())) {
          std::fprintf(stderr, "driftd: stream '%s': open windows restored\n", config.name.c_str());
        } else {
          std::fprintf(stderr,
                       "driftd: stream '%s': the open windows were counted against references "
                       "that are no longer active (imported or promoted since); new windows "
                       "start with the active references\n",
                       config.name.c_str());
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
  if (kafka_ != nullptr) kafka_->restore(stream, store_.load_positions(config));
}

void WindowManager::start() {
  pending_.resize(streams_.size());
  references_unsaved_.assign(streams_.size(), false);
  behind_.assign(streams_.size(), false);
  last_checkpoint_.assign(streams_.size(), std::chrono::steady_clock::now());
  for (auto& stream : streams_) load_stream(*stream);
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
  acks_.fail_all();  // not made durable by the last commit
}

void WindowManager::ack_when_durable(std::size_t stream_index, DurableAcks::Answer answer) {
  acks_.hold(stream_index, std::move(answer));
  {
    std::lock_guard lock(mutex_);
    commit_requested_ = true;
  }
  wake_.notify_all();
}

void WindowManager::apply_retention() {
  try {
    const store::DeliveryLogPruned pruned = store::prune_delivery_log(
        store_.database(), wall_clock_ms() - config_.storage.event_retention.count());
    if (pruned.alert_events > 0 || pruned.attempts > 0) {
      std::fprintf(stderr,
                   "driftd: retention: %lld alert event(s), %lld webhook delivery row(s) and "
                   "%lld attempt(s) older than storage.event_retention deleted\n",
                   static_cast<long long>(pruned.alert_events),
                   static_cast<long long>(pruned.outbox_rows),
                   static_cast<long long>(pruned.attempts));
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "driftd: retention of the alert delivery log: %s (retrying later)\n",
                 error.what());
  }
  if (!config_.storage.retention) return;
  try {
    const store::RetentionResult folded = store::apply_retention(
        store_.database(), {*config_.storage.retention, config_.storage.hourly_retention},
        wall_clock_ms());
    if (folded.windows_folded > 0 || folded.hours_folded > 0) {
      std::fprintf(stderr,
                   "driftd: retention: %lld window row(s) folded into hourly rollups, %lld "
                   "hourly rollup(s) into daily ones\n",
                   static_cast<long long>(folded.windows_folded),
                   static_cast<long long>(folded.hours_folded));
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "driftd: retention: %s (retrying later)\n", error.what());
  }
}

void WindowManager::run() {
  const auto watchdog = watchdog_interval();
  auto last_pet = std::chrono::steady_clock::now();
  auto next_retention = std::chrono::steady_clock::now();
  auto next_tick = std::chrono::steady_clock::now();
  for (;;) {
    // A regular tick every tick_interval_; between them, early ticks for
    // held answers (without the Kafka cut).
    const bool regular = std::chrono::steady_clock::now() >= next_tick;
    tick(false, regular);
    if (regular) next_tick = std::chrono::steady_clock::now() + tick_interval_;
    if (std::chrono::steady_clock::now() >= next_retention) {
      apply_retention();
      next_retention = std::chrono::steady_clock::now() + kRetentionInterval;
    }
    if (watchdog && std::chrono::steady_clock::now() - last_pet >= *watchdog) {
      notify_watchdog();
      last_pet = std::chrono::steady_clock::now();
    }
    std::unique_lock lock(mutex_);
    wake_.wait_until(lock, next_tick, [this] { return stopping_ || commit_requested_; });
    if (stopping_) break;
    commit_requested_ = false;
  }
  tick(true, true);  // what became due while stopping, and the exact last checkpoint
}

WindowManager::Cut WindowManager::prepare(std::size_t stream_index, bool final, int64_t now) {
  StreamRuntime& stream = *streams_[stream_index];
  std::vector<store::WindowCommit>& pending = pending_[stream_index];
  if (stream.take_new_references() != nullptr) references_unsaved_[stream_index] = true;
  Cut cut;
  if (!stream.monitoring()) return cut;
  // Before the cut: every batch these answers acknowledge has ended, so the
  // rotations of poll() and checkpoint() below include all its events.
  std::vector<DurableAcks::Answer> acks = acks_.take(stream_index);
  stream.poll(now, [&](const WindowEvaluation& window, uint64_t late) {
    pending.push_back({window, late, stream.apply_alerts(window)});
  });
  const bool checkpoint_due =
      final || !pending.empty() || references_unsaved_[stream_index] || !acks.empty() ||
      std::chrono::steady_clock::now() - last_checkpoint_[stream_index] >=
          config_.storage.checkpoint_interval;
  // Taken after poll(), the checkpoint holds exactly the windows still open
  // after those in `pending`; with the consumer paused, the positions cover
  // exactly the events in both.
  if (checkpoint_due) {
    StreamCheckpoint checkpoint;
    if (stream.checkpoint(checkpoint)) {
      cut.checkpoint = std::move(checkpoint);
      if (kafka_ != nullptr) cut.positions = kafka_->positions(stream).value_or(cut.positions);
      cut.acks = std::move(acks);
    }
  }
  if (!cut.checkpoint && !acks.empty()) acks_.hold_again(stream_index, std::move(acks));
  return cut;
}

void WindowManager::commit(std::size_t stream_index, Cut& cut) {
  StreamRuntime& stream = *streams_[stream_index];
  const config::StreamConfig& config = stream.config();
  std::vector<store::WindowCommit>& pending = pending_[stream_index];
  const bool save_references = references_unsaved_[stream_index];
  if (!save_references && pending.empty() && !cut.checkpoint) return;

  const auto started = std::chrono::steady_clock::now();
  std::vector<FeatureReference>& references = stream.references();
  store::Transaction transaction(store_.database());
  if (save_references) store_.save_references(config, references, "capture");
  std::vector<std::byte> bytes;
  if (cut.checkpoint) {
    // The ids of references saved just above, in this transaction.
    for (std::size_t f = 0; f < references.size(); ++f) {
      cut.checkpoint->reference_ids[f] = references[f].id;
    }
    bytes = encode_checkpoint(*cut.checkpoint);
  }
  const std::vector<store::AlertEvent> events = store_.commit_windows(
      config, references, pending, cut.checkpoint ? &bytes : nullptr, cut.positions);
  transaction.commit();
  for (DurableAcks::Answer& answer : std::exchange(cut.acks, {})) answer(true);
  if (alert_feed_ != nullptr && !events.empty()) alert_feed_->publish(events);

  commit_latency_.observe(std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started));
  commits_.fetch_add(1, std::memory_order_relaxed);
  if (cut.checkpoint) last_checkpoint_[stream_index] = started;
  if (kafka_ != nullptr && cut.checkpoint) kafka_->durable(stream, std::move(cut.positions));
  if (save_references) {
    references_unsaved_[stream_index] = false;
    uint64_t captured = 0;  // a feature without reference counts none
    for (const FeatureReference& reference : references) {
      captured = std::max(captured, reference.n() + reference.missing);
    }
    std::fprintf(stderr, "driftd: stream '%s': reference captured from %llu events\n",
                 config.name.c_str(), static_cast<unsigned long long>(captured));
  }
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

void WindowManager::tick(bool final, bool with_kafka) {
  const int64_t now = wall_clock_ms();
  std::vector<std::optional<Cut>> cuts(streams_.size());
  const auto prepare_safely = [&](std::size_t s) {
    try {
      cuts[s] = prepare(s, final, now);
    } catch (const std::exception& error) {
      std::fprintf(stderr, "driftd: stream '%s': closing windows: %s\n",
                   streams_[s]->config().name.c_str(), error.what());
    }
  };
  const auto is_kafka = [](const StreamRuntime& stream) {
    return stream.config().source.type == config::SourceType::kafka;
  };
  if (kafka_ != nullptr && with_kafka) {
    // One cut across the Kafka streams: the consumer waits at a batch
    // boundary while their windows close and their checkpoints are taken.
    const kafka::KafkaSource::Pause paused = kafka_->pause();
    for (std::size_t s = 0; s < streams_.size(); ++s) {
      if (is_kafka(*streams_[s])) prepare_safely(s);
    }
  }
  for (std::size_t s = 0; s < streams_.size(); ++s) {
    if (!is_kafka(*streams_[s])) prepare_safely(s);
  }
  std::vector<DurableAcks::Answer> not_durable;  // answered once /readyz shows why
  for (std::size_t s = 0; s < streams_.size(); ++s) {
    if (!cuts[s]) continue;
    try {
      commit(s, *cuts[s]);
      behind_[s] = false;
    } catch (const std::exception& error) {
      commit_failures_.fetch_add(1, std::memory_order_relaxed);
      behind_[s] = true;
      // The checkpoint is owed: the next tick takes one again even with no
      // window due, so the stream stays behind until a commit succeeds.
      last_checkpoint_[s] = {};
      for (DurableAcks::Answer& answer : cuts[s]->acks) not_durable.push_back(std::move(answer));
      std::fprintf(stderr, "driftd: stream '%s': %s (%zu window(s) kept for retry)\n",
                   streams_[s]->config().name.c_str(), error.what(), pending_[s].size());
    }
  }
  streams_behind_.store(static_cast<uint64_t>(std::count(behind_.begin(), behind_.end(), true)),
                        std::memory_order_relaxed);
  for (DurableAcks::Answer& answer : not_durable) answer(false);
  std::array<uint64_t, 2> open{};
  for (const auto& stream : streams_) {
    const auto counts = stream->open_alerts();
    open[0] += counts[0];
    open[1] += counts[1];
  }
  for (std::size_t level = 0; level < open.size(); ++level) {
    open_alerts_[level].store(open[level], std::memory_order_relaxed);
  }
}

}  // namespace driftd
