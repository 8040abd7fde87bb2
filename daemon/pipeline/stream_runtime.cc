#include "pipeline/stream_runtime.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include "common/error.h"
#include "pipeline/stream_layout.h"

namespace driftd {
namespace {

// Asks for the cache lines of `text` (up to 4: a typical event) to be loaded.
void prefetch(std::string_view text) {
  constexpr std::size_t kLine = 64;
  const std::size_t bytes = std::min<std::size_t>(text.size(), 4 * kLine);
  for (std::size_t offset = 0; offset < bytes; offset += kLine) {
    __builtin_prefetch(text.data() + offset);
  }
}

}  // namespace

// One writer's private monitoring state: its decoder (with resolvers onto
// the reference dictionaries), its reusable batch and its recorder.
struct StreamRuntime::Writer {
  Writer(const StreamSchema& schema, const StreamReferences& references,
         const CounterLayout& layout)
      : recorder(layout, references.features, schema.columns, references.groups) {
    std::vector<ingest::CategoryResolver*> pointers;
    for (std::size_t f = 0; f < references.features.size(); ++f) {
      if (schema.columns[f].numeric) continue;
      const FeatureReference& reference = references.features[f];
      if (reference.present()) {
        resolvers.push_back(
            std::make_unique<ingest::DictionaryResolver>(reference.bins.dictionary()));
        pointers.push_back(resolvers.back().get());
      } else {
        pointers.push_back(&ignoring);
      }
    }
    decoder = std::make_unique<ingest::EventDecoder>(schema.decoder, std::move(pointers));
  }

  // The categorical columns' resolvers: a feature's dictionary, or for a
  // feature without reference `ignoring`.
  std::vector<std::unique_ptr<ingest::DictionaryResolver>> resolvers;
  ingest::IgnoringResolver ignoring;
  std::unique_ptr<ingest::EventDecoder> decoder;
  ingest::DecodedBatch batch;
  // Across a switch: the rows of one binning, when a batch needs both.
  ingest::DecodedBatch scratch;
  BatchRecorder recorder;
};

// A scheduled switch's binning: its references, from `from_ms` on, and what
// the writers record with them. Heap-held and never moved, so the writers'
// recorders keep pointing into `references`.
struct StreamRuntime::Successor {
  Successor(const StreamRuntime& runtime, StreamReferences next, int64_t from)
      : from_ms(from),
        references(std::move(next)),
        layout(std::make_unique<CounterLayout>(counter_layout(runtime.config_, references))),
        deltas(std::make_unique<PaneDeltaRecorder>(runtime.window_spec_, layout->size(),
                                                   runtime.writers_)),
        prefer(runtime.writers_, 0) {
    for (std::size_t w = 0; w < runtime.writers_; ++w) {
      writers.push_back(std::make_unique<Writer>(runtime.schema_, references, *layout));
    }
  }

  const int64_t from_ms;
  StreamReferences references;
  std::unique_ptr<CounterLayout> layout;
  std::unique_ptr<PaneDeltaRecorder> deltas;
  std::vector<std::unique_ptr<Writer>> writers;
  DeferredPieces deferred;
  // Per writer (event time): whether its last batch was mostly from
  // from_ms on, so its next one is decoded for this binning first.
  std::vector<char> prefer;
};

StreamRuntime::StreamRuntime(config::StreamConfig config, std::size_t writers, WindowRole role)
    : config_(std::move(config)),
      writers_(writers),
      schema_(make_stream_schema(config_)),
      // The owner's rows carry their times (stream_layout.h).
      window_spec_(role == WindowRole::cluster_owner ? window_spec_by_row_time(config_)
                                                     : window_spec(config_)),
      role_(role),
      feature_counters_(std::make_unique<FeatureCounters[]>(config_.features.size())),
      alerts_(config_) {
  if (config_.reference.type != config::ReferenceType::capture) return;
  if (role_ == WindowRole::cluster_instance) {
    spool_ = std::make_unique<RowSpool>(schema_.decoder);
    capture_decoder_ = std::make_unique<ingest::EventDecoder>(schema_.decoder, spool_->resolvers());
  } else {
    capture_ = std::make_unique<ReferenceCapture>(config_, schema_, window_spec_);
    capture_decoder_ = std::make_unique<ingest::EventDecoder>(schema_.decoder, capture_->resolvers());
  }
}

StreamRuntime::~StreamRuntime() = default;

void StreamRuntime::count(const ingest::BodySummary& summary) {
  counters_.events.fetch_add(summary.events, std::memory_order_relaxed);
  counters_.accepted.fetch_add(summary.rows, std::memory_order_relaxed);
  counters_.malformed.fetch_add(summary.malformed, std::memory_order_relaxed);
  counters_.invalid_event_time.fetch_add(summary.invalid_event_time, std::memory_order_relaxed);
}

IngestResult StreamRuntime::ingest_ndjson(std::size_t writer, std::string_view body,
                                          std::size_t capacity, ingest::ErrorSink* errors,
                                          int64_t now_ms) {
  return ingest(
      writer,
      [&](ingest::EventDecoder& decoder, ingest::DecodedBatch& batch) {
        return decoder.decode_ndjson(body, capacity, batch, errors);
      },
      now_ms, std::nullopt);
}

IngestResult StreamRuntime::ingest_documents(std::size_t writer,
                                             std::span<const SourceDocument> documents,
                                             int64_t now_ms, std::optional<int64_t> time_limit) {
  const bool message_time = config_.event_time &&
                            config_.event_time->source == config::EventTimeSource::kafka_timestamp;
  return ingest(
      writer,
      [&](ingest::EventDecoder& decoder, ingest::DecodedBatch& batch) {
        ingest::BodySummary summary;
        for (std::size_t d = 0; d < documents.size(); ++d) {
          // The next message is in memory librdkafka's thread wrote on
          // another core: start loading it while this one is decoded.
          if (d + 1 < documents.size()) prefetch(documents[d + 1].json);
          const SourceDocument& document = documents[d];
          const std::string_view json = document.json;
          const ingest::EventOutcome outcome =
              message_time ? decoder.decode_one(json, json.size(), batch, document.timestamp_ms)
                           : decoder.decode_one(json, json.size(), batch);
          ++summary.events;
          switch (outcome) {
            case ingest::EventOutcome::kRow: ++summary.rows; break;
            case ingest::EventOutcome::kMalformed: ++summary.malformed; break;
            case ingest::EventOutcome::kInvalidEventTime: ++summary.invalid_event_time; break;
          }
        }
        return summary;
      },
      now_ms, time_limit);
}

IngestResult StreamRuntime::ingest_rows(std::size_t writer, const ingest::RawRows& rows,
                                        int64_t now_ms, std::optional<int64_t> time_limit) {
  const bool timed = rows_timed();
  return ingest(
      writer,
      [&](ingest::EventDecoder& decoder, ingest::DecodedBatch& batch) {
        return ingest::append_raw_rows(rows, timed, decoder.resolvers(), batch);
      },
      now_ms, time_limit);
}

namespace {

// The latest event time of a decoded batch's rows (none: kMinTimestampMs).
int64_t latest_event_time(const ingest::DecodedBatch& batch) {
  const auto times = batch.event_time_ms();
  return times.empty() ? kMinTimestampMs : *std::max_element(times.begin(), times.end());
}

}  // namespace

template <class Decode>
IngestResult StreamRuntime::ingest(std::size_t writer, const Decode& decode, int64_t now_ms,
                                   std::optional<int64_t> time_limit) {
  // Acquire: a writer that sees monitoring also sees the state built before.
  if (!monitoring_.load(std::memory_order_acquire)) {
    return ingest_capturing(writer, decode, now_ms, time_limit);
  }
  if (successor_) return ingest_across_switch(writer, decode, now_ms, time_limit);
  Writer& state = *writer_states_[writer];
  state.batch.clear();
  IngestResult result;
  const auto decoding = std::chrono::steady_clock::now();
  state.decoder->set_latest_event_time(latest_acceptable_event_time(now_ms));
  result.summary = decode(*state.decoder, state.batch);
  const auto recording = std::chrono::steady_clock::now();
  count(result.summary);
  result.latest_event_time = latest_event_time(state.batch);
  result.late = record(writer, state.batch, 0, now_ms, time_limit);
  counters_.late.fetch_add(result.late, std::memory_order_relaxed);
  const auto done = std::chrono::steady_clock::now();
  const auto nanoseconds = [](auto duration) {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count());
  };
  counters_.decode_nanoseconds.fetch_add(nanoseconds(recording - decoding),
                                         std::memory_order_relaxed);
  counters_.record_nanoseconds.fetch_add(nanoseconds(done - recording), std::memory_order_relaxed);
  return result;
}

template <class Decode>
IngestResult StreamRuntime::ingest_across_switch(std::size_t writer, const Decode& decode,
                                                 int64_t now_ms,
                                                 std::optional<int64_t> time_limit) {
  Successor& next = *successor_;
  Writer& before = *writer_states_[writer];
  Writer& after = *next.writers[writer];
  const int64_t latest_acceptable = latest_acceptable_event_time(now_ms);
  const auto decode_into = [&](Writer& state) {
    state.batch.clear();
    state.decoder->set_latest_event_time(latest_acceptable);
    return decode(*state.decoder, state.batch);
  };
  const auto record_with = [&](Writer& state, const ingest::DecodedBatch& batch) {
    return &state == &after ? state.recorder.record(*next.deltas, window_spec_, writer, batch, 0,
                                                    now_ms, next.deferred, time_limit)
                            : record(writer, batch, 0, now_ms, time_limit);
  };
  IngestResult result;
  if (!rows_timed()) {
    // Processing time: the whole batch is binned at now_ms.
    Writer& state = now_ms >= next.from_ms ? after : before;
    result.summary = decode_into(state);
    count(result.summary);
    result.late = record_with(state, state.batch);
    counters_.late.fetch_add(result.late, std::memory_order_relaxed);
    return result;
  }
  // Event time: decoded first for the binning the writer's previous batch
  // mostly needed (categories resolve to that reference's bins), and again
  // for the other only when some rows need it.
  Writer& first = next.prefer[writer] != 0 ? after : before;
  Writer& second = &first == &after ? before : after;
  result.summary = decode_into(first);
  count(result.summary);
  result.latest_event_time = latest_event_time(first.batch);
  const auto times = first.batch.event_time_ms();
  const auto later = static_cast<std::size_t>(
      std::ranges::count_if(times, [&](int64_t time) { return time >= next.from_ms; }));
  const std::size_t rows = first.batch.rows();
  next.prefer[writer] = later * 2 > rows ? 1 : 0;
  const std::size_t own = &first == &after ? later : rows - later;
  if (own == rows) {
    result.late = record_with(first, first.batch);
  } else {
    decode_into(second);
    if (second.batch.rows() != rows) {
      throw std::logic_error("stream '" + config_.name +
                             "': a batch decoded for two references gave different rows");
    }
    // Each binning records its rows, from the batch decoded for it.
    for (Writer* state : {&first, &second}) {
      const bool wants_later = state == &after;
      state->scratch.clear();
      for (std::size_t row = 0; row < rows; ++row) {
        if ((times[row] >= next.from_ms) == wants_later) state->scratch.append_row(state->batch, row);
      }
      if (state->scratch.rows() > 0) result.late += record_with(*state, state->scratch);
    }
  }
  counters_.late.fetch_add(result.late, std::memory_order_relaxed);
  return result;
}

template <class Decode>
IngestResult StreamRuntime::ingest_capturing(std::size_t writer, const Decode& decode,
                                             int64_t now_ms, std::optional<int64_t> time_limit) {
  std::unique_lock lock(capture_mutex_);
  if (monitoring_.load(std::memory_order_acquire)) {
    lock.unlock();
    return ingest(writer, decode, now_ms, time_limit);
  }
  if (!capture_decoder_) {
    throw std::logic_error("stream '" + config_.name + "' has no reference installed");
  }
  capture_batch_.clear();
  IngestResult result;
  capture_decoder_->set_latest_event_time(latest_acceptable_event_time(now_ms));
  result.summary = decode(*capture_decoder_, capture_batch_);
  count(result.summary);
  result.latest_event_time = latest_event_time(capture_batch_);
  if (spool_) {
    spool_->append(capture_batch_, now_ms);
    return result;
  }
  const int64_t frontier =
      time_limit ? std::min(result.latest_event_time, *time_limit) : result.latest_event_time;
  const std::size_t taken = capture_->absorb(capture_batch_, now_ms, frontier);
  if (!capture_->complete()) return result;
  result.late = finish_capture(writer, taken, now_ms);
  return result;
}

uint64_t StreamRuntime::finish_capture(std::size_t writer, std::size_t first_row, int64_t now_ms) {
  // The capture ends at its size, whatever it found: a feature with too few
  // values is monitored by nobody until a reference is imported.
  StreamReferences references;
  references.features = capture_->build();
  references.pairs = capture_->build_pairs(references.features);
  references.groups = capture_->build_groups();
  for (std::size_t f = 0; f < references.features.size(); ++f) {
    if (references.features[f].present()) continue;
    std::fprintf(stderr,
                 "driftd: stream '%s': feature '%s' has no reference: %llu value(s) in the %llu "
                 "captured events, fewer than reference.min_values (%llu); it is not evaluated "
                 "until one is imported (driftctl reference import, then restart driftd)\n",
                 config_.name.c_str(), config_.features[f].name.c_str(),
                 static_cast<unsigned long long>(capture_->values(f)),
                 static_cast<unsigned long long>(capture_->captured()),
                 static_cast<unsigned long long>(config_.reference.min_values));
  }
  // Event time: the windows start at the cut (an event before it is late).
  start_monitoring(std::move(references),
                   capture_->event_time() ? std::optional<int64_t>(capture_->cut_ms()) : std::nullopt);
  log_joint_without_reference(
      "the capture has no event with both values (a pair), or fewer complete rows than its "
      "features + 1 (a group)");
  new_references_ = true;
  // Event time: the rows the capture held beyond its cut, under the
  // watermark the source allowed; otherwise the rest of this batch.
  const uint64_t late =
      capture_->event_time()
          ? record_capture_remainder(writer, capture_->rows_after_cut(), 0, now_ms,
                                     capture_->frontier())
          : record_capture_remainder(writer, capture_batch_, first_row, now_ms, std::nullopt);
  counters_.late.fetch_add(late, std::memory_order_relaxed);
  return late;
}

void StreamRuntime::observe_event_time(std::size_t writer, int64_t frontier, int64_t now_ms) {
  if (!rows_timed()) return;
  frontier = std::clamp(frontier, kMinTimestampMs, kMaxTimestampMs);
  if (monitoring_.load(std::memory_order_acquire)) {
    watermark().observe(frontier);
    return;
  }
  std::lock_guard lock(capture_mutex_);
  if (monitoring_.load(std::memory_order_acquire)) {
    watermark().observe(frontier);
    return;
  }
  if (!capture_) return;
  capture_->observe_frontier(frontier);
  if (capture_->complete()) finish_capture(writer, 0, now_ms);
}

uint64_t StreamRuntime::record_capture_remainder(std::size_t writer, ingest::DecodedBatch& batch,
                                                 std::size_t first_row, int64_t now_ms,
                                                 std::optional<int64_t> time_limit) {
  if (first_row >= batch.rows()) return 0;
  for (std::size_t f = 0; f < references_.features.size(); ++f) {
    const FeatureColumn& column = schema_.columns[f];
    const FeatureReference& reference = references_.features[f];
    if (column.numeric || !reference.present()) continue;
    for (uint32_t& id : batch.mutable_categorical(column.column).subspan(first_row)) {
      if (id != ingest::kMissingCategory && id != ingest::kInvalidCategory) {
        id = static_cast<uint32_t>(
            reference.bins.dictionary().bin_of(capture_->category(column.column, id)));
      }
    }
  }
  return record(writer, batch, first_row, now_ms, time_limit);
}

uint64_t StreamRuntime::record(std::size_t writer, const ingest::DecodedBatch& batch,
                               std::size_t first_row, int64_t now_ms,
                               std::optional<int64_t> time_limit) {
  BatchRecorder& recorder = writer_states_[writer]->recorder;
  return deltas_ ? recorder.record(*deltas_, window_spec_, writer, batch, first_row, now_ms,
                                   deferred_, time_limit)
                 : recorder.record(*assembler_, window_spec_, writer, batch, first_row, now_ms,
                                   deferred_, time_limit);
}

Watermark& StreamRuntime::watermark() {
  return deltas_ ? deltas_->watermark() : assembler_->watermark();
}

int64_t StreamRuntime::latest_acceptable_event_time(int64_t now_ms) const {
  if (!config_.event_time) return kMaxTimestampMs;
  int64_t latest = 0;
  if (__builtin_add_overflow(now_ms, config_.event_time->max_future.count(), &latest)) {
    return kMaxTimestampMs;
  }
  return std::min(latest, kMaxTimestampMs);
}

void StreamRuntime::install_references(StreamReferences references) {
  std::lock_guard lock(capture_mutex_);
  for (std::size_t f = 0; f < references.features.size(); ++f) {
    if (references.features[f].present()) continue;
    std::fprintf(stderr,
                 "driftd: stream '%s': feature '%s' has no stored reference; it is not evaluated "
                 "until one is imported (driftctl reference import, then restart driftd)\n",
                 config_.name.c_str(), config_.features[f].name.c_str());
  }
  start_monitoring(std::move(references), std::nullopt);
  log_joint_without_reference(
      "none stored for its features' active references (a feature's reference was imported or "
      "promoted since, or its feature has none)");
}

void StreamRuntime::log_joint_without_reference(const char* why) const {
  const auto log = [&](const char* kind, const std::string& name) {
    std::fprintf(stderr,
                 "driftd: stream '%s': %s '%s' has no reference: %s; it is not evaluated until "
                 "the stream's reference is captured again or read from a file\n",
                 config_.name.c_str(), kind, name.c_str(), why);
  };
  for (std::size_t p = 0; p < config_.pairs.size(); ++p) {
    if (!references_.pairs[p].present()) log("pair", config_.pairs[p].name);
  }
  for (std::size_t g = 0; g < config_.groups.size(); ++g) {
    if (!references_.groups[g].present()) log("group", config_.groups[g].name);
  }
}

bool StreamRuntime::has_reference(std::size_t feature) const {
  // Acquire (in monitoring()): the flags were made before monitoring_.
  return monitoring() && feature_has_reference_[feature].load(std::memory_order_relaxed);
}

std::size_t StreamRuntime::features_without_reference() const {
  if (!monitoring()) return 0;
  std::size_t without = 0;
  for (std::size_t f = 0; f < config_.features.size(); ++f) {
    if (!feature_has_reference_[f].load(std::memory_order_relaxed)) ++without;
  }
  return without;
}

void StreamRuntime::publish_feature_references() {
  if (!feature_has_reference_) {
    feature_has_reference_ = std::make_unique<std::atomic<bool>[]>(config_.features.size());
  }
  for (std::size_t f = 0; f < config_.features.size(); ++f) {
    feature_has_reference_[f].store(references_.features[f].present(), std::memory_order_relaxed);
  }
}

void StreamRuntime::start_monitoring(StreamReferences references,
                                     std::optional<int64_t> windows_from_ms) {
  references_ = std::move(references);
  windows_from_ms_ = windows_from_ms;
  layout_ = std::make_unique<CounterLayout>(counter_layout(config_, references_));
  if (role_ != WindowRole::local) {
    deltas_ = std::make_unique<PaneDeltaRecorder>(window_spec_, layout_->size(), writers_);
  } else {
    assembler_ = std::make_unique<WindowAssembler>(window_spec_, layout_->size(), writers_);
  }
  if (windows_from_ms && assembler_) {
    WindowCheckpoint start;
    start.first_pane = start.first_open_pane = assembler_->clock().pane_of(*windows_from_ms);
    assembler_->restore(start);
  }
  writer_states_.clear();
  for (std::size_t w = 0; w < writers_; ++w) {
    writer_states_.push_back(std::make_unique<Writer>(schema_, references_, *layout_));
  }
  publish_feature_references();
  // Release: publishes everything above to writers that load monitoring_.
  monitoring_.store(true, std::memory_order_release);
}

StreamReferences* StreamRuntime::take_new_references() {
  std::lock_guard lock(capture_mutex_);
  if (!new_references_) return nullptr;
  new_references_ = false;
  return &references_;
}

namespace {

// Everything recorded into `deltas` since its last take, and the pieces
// writers could not place there (recorded before the take), pane by pane:
// ascending, none all zero.
std::vector<PanePiece> take_panes(PaneDeltaRecorder& deltas, DeferredPieces& deferred) {
  // Both hold only batches begun before the take.
  std::map<PaneId, std::vector<uint64_t>> panes;
  const auto add = [&](PaneId pane, std::span<const uint64_t> counts) {
    std::vector<uint64_t>& total = panes[pane];
    total.resize(counts.size(), 0);
    add_counts(total, counts);
  };
  for (const PaneCounts& pane : deltas.take()) add(pane.pane, pane.counts);
  for (const PanePiece& piece : deferred.take()) add(piece.pane, piece.deltas);
  std::vector<PanePiece> out;
  for (auto& [pane, counts] : panes) {
    if (std::ranges::any_of(counts, [](uint64_t word) { return word != 0; })) {
      out.push_back({pane, std::move(counts)});
    }
  }
  return out;
}

}  // namespace

PaneCut StreamRuntime::cut(int64_t now_ms) {
  PaneCut out;
  if (spool_) {
    std::lock_guard lock(capture_mutex_);
    out.rows = spool_->take();
    // Writers that see monitoring never come back to the spool.
    if (monitoring_.load(std::memory_order_acquire)) {
      capture_decoder_.reset();
      spool_.reset();
    }
  }
  const auto since_cut = [](const std::atomic<uint64_t>& now, std::atomic<uint64_t>& at_cut) {
    const uint64_t value = now.load(std::memory_order_relaxed);
    return value - at_cut.exchange(value, std::memory_order_relaxed);
  };
  out.events = since_cut(counters_.events, cut_counters_.events);
  out.malformed = since_cut(counters_.malformed, cut_counters_.malformed);
  out.invalid_event_time = since_cut(counters_.invalid_event_time, cut_counters_.invalid_event_time);
  if (!monitoring()) return out;
  const bool processing_time = window_spec_.domain() == TimeDomain::processing_time;
  out.counters = layout_->size();
  out.layout_fingerprint = layout_->fingerprint();
  if (processing_time) deltas_->watermark().observe(now_ms);
  out.panes = take_panes(*deltas_, deferred_);
  if (successor_) {
    if (processing_time) successor_->deltas->watermark().observe(now_ms);
    out.successor = SuccessorCut{.from_ms = successor_->from_ms,
                                 .panes = take_panes(*successor_->deltas, successor_->deferred),
                                 .counters = successor_->layout->size(),
                                 .layout_fingerprint = successor_->layout->fingerprint()};
  }
  return out;
}

void StreamRuntime::schedule_references(StreamReferences references, int64_t from_ms) {
  if (role_ == WindowRole::local || !monitoring() || !window_spec_.is_time_window()) {
    throw std::logic_error("stream '" + config_.name +
                           "': a reference switch needs a cluster role, time windows and a "
                           "reference to switch from");
  }
  if (successor_) {
    // The scheduled switch is complete: its binning becomes the current
    // one. Both are empty (right after a cut), and nothing else moves: the
    // writers' recorders point into the successor's heap-held references,
    // whose vectors keep their buffers when moved.
    references_ = std::move(successor_->references);
    layout_ = std::move(successor_->layout);
    deltas_ = std::move(successor_->deltas);
    writer_states_ = std::move(successor_->writers);
    successor_.reset();
    publish_feature_references();
  }
  successor_ = std::make_unique<Successor>(*this, std::move(references), from_ms);
}

void StreamRuntime::poll(int64_t now_ms,
                         const std::function<void(const WindowEvaluation&, uint64_t)>& on_window) {
  if (!monitoring()) return;
  if (window_spec_.is_time_window() && window_spec_.domain() == TimeDomain::processing_time) {
    assembler_->watermark().observe(now_ms);
  }
  const auto emit = [&](const ClosedWindow& window) {
    // The window's `late`: events found late since the previous window
    // closed (the stream counter counted each when it was found).
    const uint64_t late_now = assembler_->late_counts()[CounterLayout::kEvents];
    const uint64_t late = late_now - late_reported_;
    late_reported_ = late_now;
    const WindowEvaluation evaluation =
        evaluate_window(config_, references_, *layout_, window.counts, window.bounds);
    counters_.windows_closed.fetch_add(1, std::memory_order_relaxed);
    for (std::size_t f = 0; f < evaluation.features.size(); ++f) {
      feature_counters_[f].missing.fetch_add(evaluation.features[f].missing,
                                             std::memory_order_relaxed);
      feature_counters_[f].invalid.fetch_add(evaluation.features[f].invalid,
                                             std::memory_order_relaxed);
    }
    on_window(evaluation, late);
  };
  // The slow path first: pieces writers found beyond the open horizon
  // (waiting_pieces.h), so the watermark never closes a pane under a piece
  // that was on time when its writer recorded it.
  waiting_pieces_.add(deferred_.take());
  waiting_pieces_.record_into(*assembler_, emit, [&](const PanePiece& piece) {
    counters_.late.fetch_add(piece.deltas[CounterLayout::kEvents], std::memory_order_relaxed);
  });
  while (const auto window = assembler_->next_window()) emit(*window);
}

bool StreamRuntime::checkpoint(StreamCheckpoint& out) {
  if (!assembler_->checkpoint(out.windows)) return false;
  out.reference_ids = references_.ids();
  out.waiting = waiting_pieces_.pieces();
  out.late_pending = assembler_->late_counts()[CounterLayout::kEvents] - late_reported_;
  return true;
}

bool StreamRuntime::restore(const StreamCheckpoint& checkpoint, int64_t now_ms) {
  if (!assembler_->valid_pane(checkpoint.windows.first_open_pane)) {
    throw InputError("the window checkpoint's first open pane " +
                     std::to_string(checkpoint.windows.first_open_pane) +
                     " is outside the range of the stream's windows");
  }
  if (window_spec_.is_time_window() && window_spec_.domain() == TimeDomain::event_time) {
    // A watermark beyond the bound ingest now applies came from an event
    // time in the future, before that bound existed: every event after it
    // would be late.
    const PaneId bound = assembler_->clock().pane_of(latest_acceptable_event_time(now_ms));
    const bool beyond =
        checkpoint.windows.first_open_pane > bound ||
        std::ranges::any_of(checkpoint.waiting, [&](const auto& piece) { return piece.pane > bound; });
    if (beyond) {
      throw InputError(
          "its open windows start at " +
          std::to_string(assembler_->clock().pane_bounds(checkpoint.windows.first_open_pane).start) +
          " ms, beyond event_time.max_future from now: an event time from the future raised its "
          "watermark (before driftd bounded event times); the stream's windows start empty");
    }
  }
  const bool same_references = checkpoint.reference_ids == references_.ids();
  if (!same_references) {
    // Counted against other references (imported or promoted since): the
    // counts go, the windows' position stays, so no window already stored
    // (its start is its key) is emitted again: events of closed windows are
    // late, count windows go on from the first open one's sequence number.
    WindowCheckpoint position;
    position.first_pane = checkpoint.windows.first_open_pane;
    position.first_open_pane = checkpoint.windows.first_open_pane;
    if (!window_spec_.is_time_window()) {
      position.next_sequence =
          checkpoint.windows.first_open_pane * window_spec_.events_per_window();
    }
    assembler_->restore(position);
    restore_late_pending(checkpoint.late_pending);
    return false;
  }
  for (const PanePiece& piece : checkpoint.waiting) {
    if (!assembler_->valid_pane(piece.pane)) {
      throw InputError("a waiting piece of the window checkpoint is in pane " +
                       std::to_string(piece.pane) + ", outside the range of the stream's windows");
    }
    if (piece.deltas.size() != assembler_->counters()) {
      throw InputError("a waiting piece of the window checkpoint has " +
                       std::to_string(piece.deltas.size()) + " counters, not " +
                       std::to_string(assembler_->counters()));
    }
  }
  assembler_->restore(checkpoint.windows);
  waiting_pieces_.assign(checkpoint.waiting);
  restore_late_pending(checkpoint.late_pending);
  return true;
}

void StreamRuntime::restore_late_pending(uint64_t late_pending) {
  // The fresh assembler's late count starts at 0: the next window reports
  // late_now + late_pending (unsigned, modular arithmetic).
  late_reported_ = 0 - late_pending;
}

}  // namespace driftd
