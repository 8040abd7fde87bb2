#include "store/drift_store.h"

#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>

#include <sqlite3.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "histogram/histogram_snapshot.h"
#include "pipeline/alert_evidence.h"
#include "pipeline/measure_json.h"
#include "store/joint_reference_store.h"
#include "store/joint_window_rows.h"
#include "store/migrations.h"

namespace driftd::store {
namespace {

constexpr int kFirstMeasureParameter = 10;
constexpr int kFirstSignificanceParameter =
    kFirstMeasureParameter + static_cast<int>(kMeasureFields.size());
constexpr int kFirstGaussianParameter =
    kFirstSignificanceParameter + static_cast<int>(std::tuple_size_v<decltype(kSignificanceFields)>);
constexpr int kInsertWindowParameters = kFirstGaussianParameter + 4 + 4 - 1;

std::vector<std::byte> histogram_blob(const FeatureBins& bins, std::span<const uint64_t> counts,
                                      uint64_t missing, uint64_t invalid) {
  HistogramSnapshot snapshot(bins.layout());
  std::vector<uint64_t> binned(counts.begin(), counts.end());
  binned.push_back(missing);
  snapshot.add_binned(binned);
  snapshot.add_invalid(invalid);
  return snapshot.serialize();
}

std::string stream_json(const config::StreamConfig& stream) {
  nlohmann::json json;
  json["window"] = config::to_string(stream.window.type);
  json["reference"] = config::to_string(stream.reference.type);
  json["smoothing_alpha"] = stream.smoothing_alpha;
  for (const auto& feature : stream.features) {
    json["features"].push_back(
        {{"name", feature.name}, {"path", feature.path}, {"type", config::to_string(feature.type)}});
  }
  return json.dump();
}

double threshold_for(const config::AlertRule& rule, Severity severity) {
  return severity == Severity::kCritical ? rule.critical : rule.warn;
}

// One window_metrics row: the window, every measure and significance value
// (named by kMeasureFields and kSignificanceFields, in their order), the
// Gaussian KL and the evidence.
std::string insert_window_sql() {
  std::string columns =
      "stream, feature, window_start, window_end, reference_id, n, missing, invalid, late";
  for (const auto& field : kMeasureFields) columns += ", " + std::string(field.key);
  std::apply([&](const auto&... field) { ((columns += ", " + std::string(field.key)), ...); },
             kSignificanceFields);
  columns +=
      ", gaussian_kl, gaussian_location, gaussian_shape, gaussian_scale, infinite, top_bins, "
      "histogram, closed_at";
  std::string values;
  for (int i = 1; i <= kInsertWindowParameters; ++i) {
    values += (i == 1 ? "?" : ", ?") + std::to_string(i);
  }
  return "INSERT INTO window_metrics (" + columns + ") VALUES (" + values + ")";
}

}  // namespace

// The statements of every window commit, prepared once.
struct DriftStore::Statements {
  explicit Statements(Database& db)
      : insert_window(db.prepare(insert_window_sql())),
        open_alert(db.prepare(
            "INSERT INTO alerts (stream, feature, rule, metric, value, threshold, severity, "
            "state, window_start, window_end, opened_at, evidence, id) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'firing', ?8, ?9, ?10, ?11, ?12)")),
        find_open_alert(db.prepare(
            "SELECT id, severity FROM alerts "
            "WHERE stream = ?1 AND feature = ?2 AND rule = ?3 AND state = 'firing'")),
        // AUTOINCREMENT's high-water mark: ids are never reused, even once
        // retention deleted the newest rows.
        last_event_id(db.prepare(
            "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'alert_events'), 0)")),
        update_alert(db.prepare(
            "UPDATE alerts SET value = ?2, threshold = ?3, severity = coalesce(?4, severity), "
            "evidence = ?5, state = ?6, resolved_at = ?7 WHERE id = ?1")),
        insert_event(db.prepare(
            "INSERT INTO alert_events (id, alert_id, transition, severity, at, payload, "
            "delivered_here) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")),
        joint_windows(db) {}

  Statement insert_window;
  Statement open_alert;
  Statement find_open_alert;
  Statement last_event_id;
  Statement update_alert;
  Statement insert_event;
  JointWindowRows joint_windows;

  // After a failed commit a statement may be left mid-step: start clean.
  void reset() {
    for (Statement* statement : {&insert_window, &open_alert, &find_open_alert, &last_event_id,
                                 &update_alert, &insert_event}) {
      statement->reset();
    }
    joint_windows.reset();
  }
};

DriftStore::~DriftStore() = default;

DriftStore::DriftStore(const config::StorageConfig& storage)
    : db_(storage.path, Database::Mode::kReadWrite) {
  db_.execute("PRAGMA journal_mode = WAL");
  db_.execute(storage.synchronous == config::SyncMode::full ? "PRAGMA synchronous = FULL"
                                                            : "PRAGMA synchronous = NORMAL");
  db_.execute("PRAGMA foreign_keys = ON");
  apply_migrations(db_, bundled_migrations());
  file_identity_ = identity_of(db_.path());
  if (!file_identity_) throw SqliteError("cannot stat " + db_.path().string(), SQLITE_IOERR);
}

std::optional<DriftStore::FileIdentity> DriftStore::identity_of(const std::filesystem::path& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) return std::nullopt;
  return FileIdentity{status.st_dev, status.st_ino};
}

void DriftStore::verify_file() const {
  if (identity_of(db_.path()) != file_identity_) {
    throw SqliteError("the database file " + db_.path().string() +
                          " was deleted or replaced while driftd had it open; nothing more is "
                          "committed until the original file is back at that path (restart "
                          "driftd to start a new database)",
                      SQLITE_IOERR);
  }
}

void DriftStore::sync_stream(const config::StreamConfig& stream) {
  const int64_t now = Clock::system().wall_ms();
  db_.prepare(
         "INSERT INTO streams (name, source_type, config_json, created_at, updated_at) "
         "VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (name) DO UPDATE SET "
         "source_type = excluded.source_type, config_json = excluded.config_json, "
         "updated_at = excluded.updated_at")
      .bind(1, std::string_view(stream.name))
      .bind(2, config::to_string(stream.source.type))
      .bind(3, std::string_view(stream_json(stream)))
      .bind(4, now)
      .run();
}

std::optional<StreamReferences> DriftStore::load_active_references(
    const config::StreamConfig& stream) {
  StreamReferences loaded;
  std::vector<FeatureReference>& references = loaded.features;
  bool any = false;
  Statement query = db_.prepare(
      "SELECT id, version, feature_type, bins_json, histogram, moments_json "
      "FROM reference_distributions WHERE stream = ?1 AND feature = ?2 AND active = 1");
  for (const config::FeatureConfig& feature : stream.features) {
    query.bind(1, std::string_view(stream.name)).bind(2, std::string_view(feature.name));
    if (!query.step()) {
      // A file reference is read again; a captured one ended without it.
      if (stream.reference.type == config::ReferenceType::file) return std::nullopt;
      query.reset();
      references.emplace_back();
      continue;
    }
    any = true;
    const bool numeric = query.column_text(2) == "numeric";
    if (numeric != (feature.type == config::FeatureType::numeric)) return std::nullopt;
    FeatureReference reference;
    reference.id = query.column_int(0);
    reference.version = query.column_int(1);
    reference.bins = FeatureBins::from_json(query.column_text(3));
    const HistogramSnapshot histogram = HistogramSnapshot::deserialize(query.column_blob(4));
    if (!(histogram.layout() == reference.bins.layout())) return std::nullopt;
    reference.counts.assign(histogram.counts().begin(), histogram.counts().end());
    reference.missing = histogram.missing();
    if (!query.is_null(5)) {
      const auto moments = nlohmann::json::parse(query.column_text(5));
      reference.moments = MeanVariance{moments.at("mean").get<double>(),
                                       moments.at("variance").get<double>()};
    }
    query.reset();
    references.push_back(std::move(reference));
  }
  if (!any) return std::nullopt;  // never captured
  load_joint_references(db_, stream, loaded);
  return loaded;
}

void DriftStore::save_references(const config::StreamConfig& stream,
                                 std::vector<FeatureReference>& references,
                                 const std::string& origin) {
  Transaction transaction(db_);
  Statement deactivate = db_.prepare(
      "UPDATE reference_distributions SET active = 0 WHERE stream = ?1 AND feature = ?2");
  Statement next_version = db_.prepare(
      "SELECT coalesce(max(version), 0) + 1 FROM reference_distributions "
      "WHERE stream = ?1 AND feature = ?2");
  Statement insert = db_.prepare(
      "INSERT INTO reference_distributions (stream, feature, version, feature_type, origin, "
      "bins_json, histogram, n, missing, moments_json, active, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11)");
  const int64_t now = Clock::system().wall_ms();
  for (std::size_t f = 0; f < references.size(); ++f) {
    const std::string& feature = stream.features[f].name;
    FeatureReference& reference = references[f];
    if (!reference.present()) continue;  // no reference to store: id stays 0
    deactivate.bind(1, std::string_view(stream.name)).bind(2, std::string_view(feature)).run();
    next_version.bind(1, std::string_view(stream.name)).bind(2, std::string_view(feature));
    next_version.step();
    reference.version = next_version.column_int(0);
    next_version.reset();
    insert.bind(1, std::string_view(stream.name))
        .bind(2, std::string_view(feature))
        .bind(3, reference.version)
        .bind(4, std::string_view(reference.bins.is_numeric() ? "numeric" : "categorical"))
        .bind(5, std::string_view(origin))
        .bind(6, std::string_view(reference.bins.to_json()))
        .bind_blob(7, histogram_blob(reference.bins, reference.counts, reference.missing, 0))
        .bind(8, static_cast<int64_t>(reference.n()))
        .bind(9, static_cast<int64_t>(reference.missing));
    if (reference.moments) {
      insert.bind(10, std::string_view(nlohmann::json{{"mean", reference.moments->mean},
                                                      {"variance", reference.moments->variance}}
                                           .dump()));
    } else {
      insert.bind_null(10);
    }
    insert.bind(11, now).run();
    reference.id = db_.last_insert_rowid();
  }
  transaction.commit();
}

void DriftStore::save_references(const config::StreamConfig& stream,
                                 StreamReferences& references, const std::string& origin) {
  Transaction transaction(db_);
  save_references(stream, references.features, origin);
  save_joint_references(db_, stream, references, origin, Clock::system().wall_ms());
  transaction.commit();
}

std::vector<AlertEvent> DriftStore::commit_windows(const config::StreamConfig& stream,
                                                   const StreamReferences& references,
                                                   std::span<const WindowCommit> windows,
                                                   const std::vector<std::byte>* checkpoint,
                                                   std::span<const SourcePosition> positions) {
  published_.clear();
  statements().reset();
  if (checkpoint == nullptr && !positions.empty()) {
    throw std::logic_error("source positions are only stored with the checkpoint they cover");
  }
  const int64_t now = Clock::system().wall_ms();
  Transaction transaction(db_);
  for (const WindowCommit& commit : windows) {
    insert_metrics(stream, references.features, commit, now);
    statements().joint_windows.insert(stream, references, commit.window, commit.late, now);
    record_alert_changes(stream, references, commit, now, nullptr);
  }
  if (checkpoint != nullptr) {
    db_.prepare(
           "INSERT INTO window_checkpoints (stream, state, updated_at) VALUES (?1, ?2, ?3) "
           "ON CONFLICT (stream) DO UPDATE SET state = excluded.state, "
           "updated_at = excluded.updated_at")
        .bind(1, std::string_view(stream.name))
        .bind_blob(2, *checkpoint)
        .bind(3, now)
        .run();
  } else if (!windows.empty()) {
    db_.prepare("DELETE FROM window_checkpoints WHERE stream = ?1")
        .bind(1, std::string_view(stream.name))
        .run();
  }
  Statement position = db_.prepare(
      "INSERT INTO source_positions (stream, topic, partition, next_offset, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (stream, topic, partition) DO UPDATE SET "
      "next_offset = excluded.next_offset, updated_at = excluded.updated_at");
  for (const SourcePosition& at : positions) {
    position.bind(1, std::string_view(stream.name))
        .bind(2, std::string_view(at.topic))
        .bind(3, int64_t{at.partition})
        .bind(4, at.next_offset)
        .bind(5, now)
        .run();
  }
  transaction.commit();
  return std::move(published_);
}

std::vector<AlertEvent> DriftStore::commit_result(const config::StreamConfig* stream,
                                                  const StreamReferences* references,
                                                  const WindowCommit* window,
                                                  const ResultOrigin& origin) {
  published_.clear();
  statements().reset();
  Transaction transaction(db_);
  if (stream != nullptr) {
    insert_metrics(*stream, references->features, *window, origin.at);
    statements().joint_windows.insert(*stream, *references, window->window, window->late, origin.at);
    record_alert_changes(*stream, *references, *window, origin.at, &origin);
  }
  db_.prepare(
         "INSERT INTO cluster_result_positions (topic, partition, next_offset, updated_at) "
         "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (topic, partition) DO UPDATE SET "
         "next_offset = excluded.next_offset, updated_at = excluded.updated_at")
      .bind(1, std::string_view(origin.topic))
      .bind(2, int64_t{origin.partition})
      .bind(3, origin.offset + 1)
      .bind(4, origin.at)
      .run();
  transaction.commit();
  return std::move(published_);
}

std::map<int32_t, int64_t> DriftStore::load_result_positions(const std::string& topic) {
  std::map<int32_t, int64_t> out;
  Statement query = db_.prepare(
      "SELECT partition, next_offset FROM cluster_result_positions WHERE topic = ?1");
  query.bind(1, std::string_view(topic));
  while (query.step()) out[static_cast<int32_t>(query.column_int(0))] = query.column_int(1);
  return out;
}

std::vector<SourcePosition> DriftStore::load_positions(const config::StreamConfig& stream) {
  std::vector<SourcePosition> out;
  Statement query = db_.prepare(
      "SELECT topic, partition, next_offset FROM source_positions WHERE stream = ?1 "
      "ORDER BY topic, partition");
  query.bind(1, std::string_view(stream.name));
  while (query.step()) {
    out.push_back({query.column_text(0), static_cast<int32_t>(query.column_int(1)),
                   query.column_int(2)});
  }
  return out;
}

std::optional<std::vector<std::byte>> DriftStore::load_checkpoint(
    const config::StreamConfig& stream) {
  Statement query = db_.prepare("SELECT state FROM window_checkpoints WHERE stream = ?1");
  query.bind(1, std::string_view(stream.name));
  if (!query.step()) return std::nullopt;
  const auto blob = query.column_blob(0);
  return std::vector<std::byte>(blob.begin(), blob.end());
}

void DriftStore::insert_metrics(const config::StreamConfig& stream,
                                std::span<const FeatureReference> references,
                                const WindowCommit& commit, int64_t now) {
  const WindowEvaluation& window = commit.window;
  const uint64_t late = commit.late;
  Statement& insert = statements().insert_window;
  for (std::size_t f = 0; f < window.features.size(); ++f) {
    const FeatureEvaluation& feature = window.features[f];
    if (!feature.evaluated) continue;  // a feature without reference
    insert.bind(1, std::string_view(stream.name))
        .bind(2, std::string_view(stream.features[f].name))
        .bind(3, window.bounds.start)
        .bind(4, window.bounds.end)
        .bind(5, references[f].id)
        .bind(6, static_cast<int64_t>(feature.n))
        .bind(7, static_cast<int64_t>(feature.missing))
        .bind(8, static_cast<int64_t>(feature.invalid))
        .bind(9, static_cast<int64_t>(late));
    nlohmann::json infinite = nlohmann::json::array();
    if (feature.comparison) {
      int index = kFirstMeasureParameter;
      for (const auto& field : kMeasureFields) {
        const double value = feature.comparison->measures.*field.member;
        if (std::isinf(value)) infinite.push_back(field.key);
        insert.bind(index++, value);  // +inf binds as NULL
      }
      const Significance& s = feature.comparison->significance;
      const auto bind_significance = [&](const auto& field) {
        const auto value = s.*field.member;
        if constexpr (std::is_same_v<decltype(value), const int>) {
          insert.bind(index++, int64_t{value});
        } else {
          if (std::isinf(value)) infinite.push_back(field.key);
          insert.bind(index++, value);
        }
      };
      std::apply([&](const auto&... field) { (bind_significance(field), ...); },
                 kSignificanceFields);
    }
    int index = kFirstGaussianParameter;
    if (feature.gaussian) {
      insert.bind(index, feature.gaussian->total)
          .bind(index + 1, feature.gaussian->location)
          .bind(index + 2, feature.gaussian->shape)
          .bind(index + 3, feature.gaussian->scale);
    }
    index += 4;
    insert.bind(index, std::string_view(infinite.dump()))
        .bind(index + 1, std::string_view(top_bins_json(feature.top_bins).dump()))
        .bind_blob(index + 2, histogram_blob(references[f].bins, feature.counts, feature.missing,
                                             feature.invalid))
        .bind(index + 3, now)
        .run();
  }
}

void DriftStore::record_alert_changes(const config::StreamConfig& stream,
                                      const StreamReferences& references,
                                      const WindowCommit& commit, int64_t now,
                                      const ResultOrigin* origin) {
  const WindowEvaluation& window = commit.window;
  Statements& sql = statements();
  Statement& open = sql.open_alert;
  Statement& find_open = sql.find_open_alert;
  Statement& last_event_id = sql.last_event_id;
  Statement& update = sql.update_alert;
  Statement& event = sql.insert_event;
  for (std::size_t c = 0; c < commit.changes.size(); ++c) {
    const AlertChange& change = commit.changes[c];
    const config::AlertRule& rule = stream.alerts[change.rule];
    // The event's id: the result's (the same on every cluster instance),
    // else the next of this database's. Taken here, inside the single
    // writer's transaction, so it can be part of it.
    int64_t event_id = 0;
    if (origin != nullptr) {
      event_id = origin->first_event_id + static_cast<int64_t>(c);
    } else {
      last_event_id.step();
      event_id = last_event_id.column_int(0) + 1;
      last_event_id.reset();
    }
    const std::string& feature_name = config::subject_name(stream, change.subject);
    const double threshold = change.transition == Transition::kResolved
                                 ? rule.resolve_below
                                 : threshold_for(rule, change.severity);
    const nlohmann::json evidence = alert_evidence(stream, references, window, change, threshold);
    const std::string evidence_text = evidence.dump();
    std::string severity = to_string(change.severity);  // resolved: the episode's last

    int64_t alert_id = 0;
    if (change.transition == Transition::kFired) {
      open.bind(1, std::string_view(stream.name))
          .bind(2, std::string_view(feature_name))
          .bind(3, static_cast<int64_t>(change.rule))
          .bind(4, config::to_string(rule.metric))
          .bind(5, change.value)
          .bind(6, threshold)
          .bind(7, severity)
          .bind(8, window.bounds.start)
          .bind(9, window.bounds.end)
          .bind(10, now)
          .bind(11, std::string_view(evidence_text));
      // A cluster alert is named after the event that fired it; else NULL:
      // the next rowid.
      if (origin != nullptr) {
        open.bind(12, event_id);
      } else {
        open.bind_null(12);
      }
      open.run();
      alert_id = db_.last_insert_rowid();
    } else {
      find_open.bind(1, std::string_view(stream.name))
          .bind(2, std::string_view(feature_name))
          .bind(3, static_cast<int64_t>(change.rule));
      if (!find_open.step()) {
        find_open.reset();
        continue;  // no open alert row (state restored without one): nothing to update
      }
      alert_id = find_open.column_int(0);
      if (change.transition == Transition::kResolved) severity = find_open.column_text(1);
      find_open.reset();
      const bool resolved = change.transition == Transition::kResolved;
      update.bind(1, alert_id)
          .bind(2, change.value)
          .bind(3, threshold);
      if (resolved) {
        update.bind_null(4);  // an episode keeps the severity it ended with
      } else {
        update.bind(4, std::string_view(severity));
      }
      update.bind(5, std::string_view(evidence_text))
          .bind(6, std::string_view(resolved ? "resolved" : "firing"));
      if (resolved) {
        update.bind(7, now);
      } else {
        update.bind_null(7);
      }
      update.run();
    }
    // The event as every subscriber gets it (docs/api.md).
    nlohmann::json payload = evidence;
    payload["event_id"] = event_id;
    payload["alert_id"] = alert_id;
    payload["at"] = now;
    payload["stream"] = stream.name;
    payload["feature"] = feature_name;
    payload["kind"] = config::to_string(config::subject_kind(stream, change.subject));
    payload["rule"] = change.rule;
    payload["transition"] = to_string(change.transition);
    payload["state"] = change.transition == Transition::kResolved ? "resolved" : "firing";
    payload["severity"] = severity;
    AlertEvent published{event_id,
                         stream.name,
                         feature_name,
                         severity,
                         to_string(change.transition),
                         payload.dump(),
                         origin == nullptr || origin->delivered_here};
    event.bind(1, event_id)
        .bind(2, alert_id)
        .bind(3, std::string_view(published.transition))
        .bind(4, std::string_view(severity))
        .bind(5, now)
        .bind(6, std::string_view(published.json))
        .bind(7, int64_t{published.delivered_here ? 1 : 0})
        .run();
    published_.push_back(std::move(published));
  }
}

DriftStore::Statements& DriftStore::statements() {
  if (!statements_) statements_ = std::make_unique<Statements>(db_);
  return *statements_;
}

std::vector<OpenAlert> DriftStore::open_alerts(const config::StreamConfig& stream) {
  std::vector<OpenAlert> out;
  Statement query = db_.prepare(
      "SELECT feature, rule, severity FROM alerts WHERE stream = ?1 AND state = 'firing'");
  query.bind(1, std::string_view(stream.name));
  while (query.step()) {
    const std::string feature = query.column_text(0);
    const auto rule = static_cast<std::size_t>(query.column_int(1));
    const std::optional<std::size_t> subject = config::find_subject(stream, feature);
    if (subject && rule < stream.alerts.size()) {
      out.push_back({*subject, rule, query.column_text(2) == "critical" ? Severity::kCritical
                                                                        : Severity::kWarn});
    }
  }
  return out;
}

}  // namespace driftd::store
