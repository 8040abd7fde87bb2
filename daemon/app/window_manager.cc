#include "app/window_manager.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <utility>

#include "app/systemd_notify.h"
#include "common/error.h"
#include "common/thread_name.h"
#include "pipeline/file_reference.h"
#include "store/delivery_log_retention.h"
#include "store/retention.h"

namespace driftd {

WindowManager::WindowManager(const config::Config& config, store::DriftStore& store,
                             std::vector<std::unique_ptr<StreamRuntime>>& streams,
                             const Clock& clock)
    : config_(config),
      store_(store),
      streams_(streams),
      clock_(clock),
      coordinator_(streams.size(), config.storage.checkpoint_interval, clock.steady()),
      acks_(streams.size()),
      latest_drift_(streams) {}

WindowManager::~WindowManager() { stop(); }

void WindowManager::load_stream(StreamRuntime& stream) {
  const config::StreamConfig& config = stream.config();
  store_.sync_stream(config);
  // Cluster mode: a captured reference comes from the references topic
  // (ClusterNode), whatever this instance stored before.
  const bool from_cluster = config_.cluster && config.reference.type == config::ReferenceType::capture;
  if (from_cluster) {
    // Installed by the cluster node.
  } else if (auto stored = store_.load_active_references(config)) {
    stream.install_references(std::move(*stored));
    // Cluster mode: open windows and positions live in Kafka.
    if (const auto bytes = config_.cluster ? std::nullopt : store_.load_checkpoint(config)) {
      try {
        if (stream.restore(decode_checkpoint(*bytes), clock_.wall_ms())) {
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
    StreamReferences references = references_from_file(config, config.reference.path);
    store_.save_references(config, references, "file:" + config.reference.path.string());
    stream.install_references(std::move(references));
  }
  // In cluster mode the rules run at the stream's owner; here they only
  // mirror the stored alerts (and the results' changes, cluster_tick) for
  // the gauges.
  for (const store::OpenAlert& alert : store_.open_alerts(config)) {
    stream.alerts().restore(alert.subject, alert.rule, alert.severity);
  }
  if (kafka_ != nullptr && !config_.cluster) kafka_->restore(stream, store_.load_positions(config));
}

void WindowManager::load() {
  if (loaded_) return;
  loaded_ = true;
  pending_.resize(streams_.size());
  references_unsaved_.assign(streams_.size(), false);
  for (auto& stream : streams_) load_stream(*stream);
}

void WindowManager::start() {
  store_.writes().set_wake([this] {
    {
      std::lock_guard lock(mutex_);
      writes_queued_ = true;
    }
    wake_.notify_all();
  });
  load();
  thread_ = std::thread([this] {
    name_this_thread("window-manager");
    run();
  });
}

void WindowManager::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  if (thread_.joinable()) {
    wake_.notify_all();
    thread_.join();
  }
  store_.writes().close();  // writes queued after the loop's last run are refused
  acks_.fail_all();         // not made durable by the last commit
}

void WindowManager::ack_when_durable(std::size_t stream_index, DurableAcks::Answer answer) {
  acks_.hold(stream_index, std::move(answer));
  {
    std::lock_guard lock(mutex_);
    commit_requested_ = true;
  }
  wake_.notify_all();
}

std::string WindowManager::commit_problem() const {
  std::lock_guard lock(problem_mutex_);
  return commit_problem_;
}

std::string WindowManager::cluster_problem() const {
  std::lock_guard lock(problem_mutex_);
  return cluster_problem_;
}

void WindowManager::apply_retention() {
  try {
    const store::DeliveryLogPruned pruned = store::prune_delivery_log(
        store_.database(), clock_.wall_ms() - config_.storage.event_retention.count());
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
        clock_.wall_ms());
    if (folded.windows_folded > 0 || folded.hours_folded > 0 ||
        folded.joint_windows_folded > 0 || folded.joint_hours_folded > 0) {
      std::fprintf(stderr,
                   "driftd: retention: %lld window row(s) folded into hourly rollups, %lld "
                   "hourly rollup(s) into daily ones; pairs and groups: %lld and %lld\n",
                   static_cast<long long>(folded.windows_folded),
                   static_cast<long long>(folded.hours_folded),
                   static_cast<long long>(folded.joint_windows_folded),
                   static_cast<long long>(folded.joint_hours_folded));
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "driftd: retention: %s (retrying later)\n", error.what());
  }
}

void WindowManager::run() {
  // The loop is paced by the host's monotonic clock; what is due is decided
  // with clock_ (the coordinator and the windows).
  using std::chrono::steady_clock;
  const auto watchdog = watchdog_interval();
  auto last_pet = steady_clock::now();
  auto next_retention = steady_clock::now();
  auto next_tick = steady_clock::now();
  bool commit_requested = false;
  for (;;) {
    // Writes other threads queued (webhooks, the alert topic, the API):
    // first, so those queued before the loop started precede its commits.
    store_.run_queued_writes();
    // A regular tick every tick_interval_; between them, early ticks for
    // held answers (without the Kafka cut).
    const bool regular = steady_clock::now() >= next_tick;
    if (regular || commit_requested) tick(false, regular);
    if (regular) next_tick = steady_clock::now() + tick_interval_;
    if (steady_clock::now() >= next_retention) {
      apply_retention();
      next_retention = steady_clock::now() + kRetentionInterval;
    }
    if (watchdog && steady_clock::now() - last_pet >= *watchdog) {
      notify_watchdog();
      last_pet = steady_clock::now();
    }
    std::unique_lock lock(mutex_);
    wake_.wait_until(lock, next_tick,
                     [this] { return stopping_ || commit_requested_ || writes_queued_; });
    if (stopping_) break;
    commit_requested = std::exchange(commit_requested_, false);
    writes_queued_ = false;
  }
  tick(true, true);  // what became due while stopping, and the exact last checkpoint
  store_.run_queued_writes();  // those queued until now still run
}

void WindowManager::prepare(std::size_t stream_index, bool final, int64_t now, Cut& cut) {
  StreamRuntime& stream = *streams_[stream_index];
  std::vector<store::WindowCommit>& pending = pending_[stream_index];
  if (stream.take_new_references() != nullptr) references_unsaved_[stream_index] = true;
  if (!stream.monitoring()) return;
  // Before the cut: every batch these answers acknowledge has ended, so the
  // rotations of poll() and checkpoint() below include all its events.
  cut.acks = acks_.take(stream_index);
  stream.poll(now, [&](const WindowEvaluation& window, uint64_t late) {
    pending.push_back({window, late, stream.alerts().apply(window)});
  });
  const CommitCoordinator::Work work{.final = final,
                                     .windows_waiting = !pending.empty(),
                                     .references_captured = references_unsaved_[stream_index],
                                     .answers_held = !cut.acks.empty()};
  // Taken after poll(), the checkpoint holds exactly the windows still open
  // after those in `pending`; with the consumer paused, the positions cover
  // exactly the events in both.
  if (coordinator_.checkpoint_due(stream_index, work, clock_.steady())) {
    StreamCheckpoint checkpoint;
    if (stream.checkpoint(checkpoint)) {
      cut.checkpoint = std::move(checkpoint);
      if (kafka_ != nullptr) cut.positions = kafka_->positions(stream).value_or(cut.positions);
    }
  }
}

CommitCoordinator::Outcome WindowManager::commit(std::size_t stream_index, Cut& cut) {
  StreamRuntime& stream = *streams_[stream_index];
  const config::StreamConfig& config = stream.config();
  std::vector<store::WindowCommit>& pending = pending_[stream_index];
  const bool save_references = references_unsaved_[stream_index];
  if (!save_references && pending.empty() && !cut.checkpoint) {
    return CommitCoordinator::Outcome::kNothingToCommit;
  }

  const auto started = std::chrono::steady_clock::now();
  store_.verify_file();
  StreamReferences& references = stream.references();
  store::Transaction transaction(store_.database());
  if (save_references) store_.save_references(config, references, "capture");
  std::vector<std::byte> bytes;
  if (cut.checkpoint) {
    // The ids of references saved just above, in this transaction.
    cut.checkpoint->reference_ids = references.ids();
    bytes = encode_checkpoint(*cut.checkpoint);
  }
  const std::vector<store::AlertEvent> events = store_.commit_windows(
      config, references, pending, cut.checkpoint ? &bytes : nullptr, cut.positions);
  transaction.commit();
  if (alert_feed_ != nullptr && !events.empty()) alert_feed_->publish(events);

  commit_latency_.observe(std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started));
  commits_.fetch_add(1, std::memory_order_relaxed);
  if (kafka_ != nullptr && cut.checkpoint) kafka_->durable(stream, std::move(cut.positions));
  if (save_references) {
    references_unsaved_[stream_index] = false;
    uint64_t captured = 0;  // a feature without reference counts none
    for (const FeatureReference& reference : references.features) {
      captured = std::max(captured, reference.n() + reference.missing);
    }
    std::fprintf(stderr, "driftd: stream '%s': reference captured from %llu events\n",
                 config.name.c_str(), static_cast<unsigned long long>(captured));
  }
  for (const store::WindowCommit& window : pending) {
    latest_drift_.update(stream_index, stream, window.window, clock_.wall_ms());
    log_alert_changes(config, window.changes);
  }
  pending.clear();
  return CommitCoordinator::Outcome::kCommitted;
}

void WindowManager::log_alert_changes(const config::StreamConfig& config,
                                      std::span<const AlertChange> changes) {
  for (const AlertChange& change : changes) {
    std::fprintf(stderr, "driftd: alert %s: stream '%s' %s '%s' %s = %g (%s)\n",
                 to_string(change.transition), config.name.c_str(),
                 std::string(config::to_string(config::subject_kind(config, change.subject))).c_str(),
                 config::subject_name(config, change.subject).c_str(),
                 std::string(config::to_string(config.alerts[change.rule].metric)).c_str(),
                 change.value, to_string(change.severity));
  }
}

void WindowManager::cluster_tick(bool final) {
  const auto started = std::chrono::steady_clock::now();
  try {
    store_.verify_file();
    cluster::Materialized done = cluster_->tick(final);
    if (alert_feed_ != nullptr && !done.events.empty()) alert_feed_->publish(done.events);
    for (const cluster::MaterializedWindow& window : done.windows) {
      StreamRuntime& stream = *streams_[window.stream];
      latest_drift_.update(window.stream, stream, window.evaluation, clock_.wall_ms());
      log_alert_changes(stream.config(), window.changes);
      // The owner's changes, mirrored for the alert gauges.
      for (const AlertChange& change : window.changes) {
        stream.alerts().restore(change.subject, change.rule, change.severity);
      }
    }
    if (!done.windows.empty()) {
      commits_.fetch_add(1, std::memory_order_relaxed);
      commit_latency_.observe(std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::steady_clock::now() - started));
    }
    // A fenced producer (this instance id runs elsewhere) stops this
    // instance's part; /readyz says so until it is restarted.
    streams_behind_.store(0, std::memory_order_relaxed);
    std::lock_guard lock(problem_mutex_);
    commit_problem_.clear();
    cluster_problem_ = cluster_->failure().value_or("");
  } catch (const std::exception& error) {
    // The materializer rewound: the failed result is read again next tick.
    commit_failures_.fetch_add(1, std::memory_order_relaxed);
    streams_behind_.store(streams_.size(), std::memory_order_relaxed);
    std::fprintf(stderr, "driftd: cluster results: %s (retrying)\n", error.what());
    std::lock_guard lock(problem_mutex_);
    commit_problem_ = error.what();
  }
}

void WindowManager::tick(bool final, bool with_kafka) {
  if (cluster_ != nullptr) {
    cluster_tick(final);
    count_open_alerts();
    return;
  }
  const int64_t now = clock_.wall_ms();
  std::vector<std::optional<Cut>> cuts(streams_.size());
  std::vector<bool> prepare_failed(streams_.size(), false);
  const auto prepare_safely = [&](std::size_t s) {
    try {
      prepare(s, final, now, cuts[s].emplace());
    } catch (const std::exception& error) {
      prepare_failed[s] = true;
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
  std::vector<DurableAcks::Answer> durable;
  std::vector<DurableAcks::Answer> not_durable;  // answered once /readyz shows why
  for (std::size_t s = 0; s < streams_.size(); ++s) {
    if (!cuts[s]) continue;
    Cut& cut = *cuts[s];
    CommitCoordinator::Outcome outcome = CommitCoordinator::Outcome::kFailed;
    try {
      if (!prepare_failed[s]) outcome = commit(s, cut);
    } catch (const std::exception& error) {
      commit_failures_.fetch_add(1, std::memory_order_relaxed);
      std::fprintf(stderr, "driftd: stream '%s': %s (%zu window(s) kept for retry)\n",
                   streams_[s]->config().name.c_str(), error.what(), pending_[s].size());
      std::lock_guard lock(problem_mutex_);
      commit_problem_ = error.what();
    }
    switch (coordinator_.finished(s, outcome, cut.checkpoint.has_value(), clock_.steady())) {
      case CommitCoordinator::AnswerFate::kDurable:
        std::move(cut.acks.begin(), cut.acks.end(), std::back_inserter(durable));
        break;
      case CommitCoordinator::AnswerFate::kNotDurable:
        std::move(cut.acks.begin(), cut.acks.end(), std::back_inserter(not_durable));
        break;
      case CommitCoordinator::AnswerFate::kHoldAgain:
        if (!cut.acks.empty()) acks_.hold_again(s, std::move(cut.acks));
        break;
    }
  }
  streams_behind_.store(coordinator_.streams_behind(), std::memory_order_relaxed);
  if (coordinator_.streams_behind() == 0) {
    std::lock_guard lock(problem_mutex_);
    commit_problem_.clear();
  }
  for (DurableAcks::Answer& answer : durable) answer(true);
  for (DurableAcks::Answer& answer : not_durable) answer(false);
  count_open_alerts();
}

void WindowManager::count_open_alerts() {
  std::array<uint64_t, 2> open{};
  for (const auto& stream : streams_) {
    const auto counts = stream->alerts().open();
    open[0] += counts[0];
    open[1] += counts[1];
  }
  for (std::size_t level = 0; level < open.size(); ++level) {
    open_alerts_[level].store(open[level], std::memory_order_relaxed);
  }
}

}  // namespace driftd
