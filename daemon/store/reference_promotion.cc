#include "store/reference_promotion.h"

#include <algorithm>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/clock.h"
#include "histogram/histogram_snapshot.h"
#include "store/joint_reference_store.h"

namespace driftd::store {
namespace {

// The stream's feature names, in its configured order, as driftd last
// stored them (streams.config_json).
std::vector<std::string> stream_features(Database& db, const std::string& stream) {
  Statement query = db.prepare("SELECT config_json FROM streams WHERE name = ?1");
  query.bind(1, std::string_view(stream));
  if (!query.step()) throw InputError("the database has no stream '" + stream + "'");
  const nlohmann::json config = nlohmann::json::parse(query.column_text(0));
  std::vector<std::string> names;
  for (const auto& feature : config.at("features")) {
    names.push_back(feature.at("name").get<std::string>());
  }
  return names;
}

// A pair or group with an active reference, as the store knows it.
struct JointSubject {
  std::string name;
  std::string kind;
  std::vector<std::string> features;  // [x, y], or the group's
};

std::vector<JointSubject> stream_joint_subjects(Database& db, const std::string& stream) {
  Statement query = db.prepare(
      "SELECT name, kind, features FROM joint_references WHERE stream = ?1 AND active = 1 "
      "ORDER BY name");
  query.bind(1, std::string_view(stream));
  std::vector<JointSubject> out;
  while (query.step()) {
    out.push_back({query.column_text(0), query.column_text(1),
                   nlohmann::json::parse(query.column_text(2)).get<std::vector<std::string>>()});
  }
  return out;
}

// The names to promote, each a feature or a pair or group: `requested`, or
// all of them (`known`: the features, then the pairs and groups).
std::vector<std::string> subjects_to_promote(const std::vector<std::string>& known,
                                             bool has_joint,
                                             std::span<const std::string> requested,
                                             const std::string& stream) {
  if (requested.empty()) return known;
  const std::string kinds = has_joint ? "feature, pair or group" : "feature";
  std::vector<std::string> chosen;
  for (const std::string& name : requested) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (const std::string& subject : known) list += (list.empty() ? "" : ", ") + subject;
      throw InputError("stream '" + stream + "' has no " + kinds + " '" + name + "' (its " +
                       (has_joint ? "features, pairs and groups" : "features") + ": " + list +
                       ")");
    }
    if (std::find(chosen.begin(), chosen.end(), name) != chosen.end()) {
      throw InputError(kinds + " '" + name + "' is named twice");
    }
    chosen.push_back(name);
  }
  return chosen;
}

// The window's histogram over the bins of the active reference it was
// compared with, checked as the header promises.
PromotedReference window_as_reference(Database& db, const std::string& stream,
                                      const std::string& feature, int64_t window_start) {
  // One row answers both "is there such a window" and "was it compared with
  // the active reference".
  Statement query = db.prepare(
      "SELECT w.reference_id, compared.version, active.id, active.version, active.bins_json, "
      "active.moments_json IS NOT NULL, w.histogram "
      "FROM window_metrics w JOIN reference_distributions compared ON compared.id = w.reference_id "
      "LEFT JOIN reference_distributions active ON active.stream = w.stream AND "
      "active.feature = w.feature AND active.active = 1 "
      "WHERE w.stream = ?1 AND w.feature = ?2 AND w.window_start = ?3");
  query.bind(1, std::string_view(stream))
      .bind(2, std::string_view(feature))
      .bind(3, window_start);
  const std::string window =
      "the window starting at " + std::to_string(window_start) + " of feature '" + feature + "'";
  if (!query.step()) {
    throw InputError("stream '" + stream + "' has no closed window starting at " +
                     std::to_string(window_start) + " for feature '" + feature + "'");
  }
  const int64_t compared_version = query.column_int(1);
  if (query.is_null(2) || query.column_int(0) != query.column_int(2)) {
    throw InputError(window + " was compared with reference version " +
                     std::to_string(compared_version) + ", which is no longer active" +
                     (query.is_null(2) ? std::string()
                                       : " (version " + std::to_string(query.column_int(3)) +
                                             " is)"));
  }
  PromotedReference promoted;
  promoted.feature = feature;
  promoted.previous_id = query.column_int(0);
  promoted.previous_version = compared_version;
  promoted.previous_had_moments = query.column_int(5) == 1;
  FeatureReference& reference = promoted.reference;
  reference.bins = FeatureBins::from_json(query.column_text(4));
  const HistogramSnapshot histogram = HistogramSnapshot::deserialize(query.column_blob(6));
  if (!(histogram.layout() == reference.bins.layout())) {
    throw InputError(window + ": its histogram does not match the bins of its reference");
  }
  reference.counts.assign(histogram.counts().begin(), histogram.counts().end());
  reference.missing = histogram.missing();
  if (reference.n() == 0) throw InputError(window + " holds no value: a reference needs one");
  return promoted;
}

// A pair's or group's window row at `window_start`, checked like a
// feature's: compared with the active reference; its detail and that
// reference's body.
struct JointWindow {
  int64_t previous_version;
  nlohmann::json detail;
  std::string reference_body;
  uint64_t incomplete;
};

JointWindow joint_window(Database& db, const std::string& stream, const JointSubject& subject,
                         int64_t window_start) {
  Statement query = db.prepare(
      "SELECT w.reference_id, compared.version, active.id, active.version, w.detail, "
      "active.body, w.incomplete FROM joint_window_metrics w "
      "JOIN joint_references compared ON compared.id = w.reference_id "
      "LEFT JOIN joint_references active ON active.stream = w.stream AND "
      "active.name = w.name AND active.active = 1 "
      "WHERE w.stream = ?1 AND w.name = ?2 AND w.window_start = ?3");
  query.bind(1, std::string_view(stream))
      .bind(2, std::string_view(subject.name))
      .bind(3, window_start);
  if (!query.step()) {
    throw InputError("stream '" + stream + "' has no closed window starting at " +
                     std::to_string(window_start) + " for " + subject.kind + " '" + subject.name +
                     "'");
  }
  if (query.is_null(2) || query.column_int(0) != query.column_int(2)) {
    throw InputError("the window starting at " + std::to_string(window_start) + " of " +
                     subject.kind + " '" + subject.name + "' was compared with reference version " +
                     std::to_string(query.column_int(1)) + ", which is no longer active");
  }
  return {query.column_int(1), nlohmann::json::parse(query.column_text(4)),
          query.column_text(5), static_cast<uint64_t>(query.column_int(6))};
}

// The active reference id of each feature, by name.
int64_t active_feature_id(Database& db, const std::string& stream, const std::string& feature) {
  Statement query = db.prepare(
      "SELECT id FROM reference_distributions WHERE stream = ?1 AND feature = ?2 AND active = 1");
  query.bind(1, std::string_view(stream)).bind(2, std::string_view(feature));
  return query.step() ? query.column_int(0) : 0;
}

// The pair's or group's window as its new reference, not stored yet.
PromotedJoint joint_as_reference(Database& db, const std::string& stream,
                                 const JointSubject& subject, int64_t window_start) {
  const JointWindow window = joint_window(db, stream, subject, window_start);
  const std::string what = "the window starting at " + std::to_string(window_start) + " of " +
                           subject.kind + " '" + subject.name + "'";
  PromotedJoint promoted{subject.name, subject.kind, subject.features, window.previous_version,
                         0, 0, {}, {}};
  if (subject.kind == "pair") {
    const auto shape = nlohmann::json::parse(window.reference_body);
    PairReference& reference = promoted.pair;
    reference.x_bins = shape.at("x_bins").get<std::size_t>();
    reference.y_bins = shape.at("y_bins").get<std::size_t>();
    for (const auto& row : window.detail.at("cells")) {
      for (const auto& cell : row) reference.cells.push_back(cell.get<uint64_t>());
    }
    reference.incomplete = window.incomplete;
    promoted.n = window.detail.at("n").get<uint64_t>();
    if (promoted.n == 0) throw InputError(what + " holds no event with both values");
    return promoted;
  }
  const std::size_t d = subject.features.size();
  const uint64_t count = window.detail.at("n").get<uint64_t>();
  if (count < d + 1 || window.detail.at("covariance").is_null()) {
    throw InputError(what + " holds " + std::to_string(count) + " complete rows; a reference of " +
                     std::to_string(d) + " features needs " + std::to_string(d + 1));
  }
  // The window's moments as stored: mean, and covariance times (n - 1).
  std::vector<double> comoment;
  for (const auto& row : window.detail.at("covariance")) {
    for (const auto& value : row) {
      comoment.push_back(value.get<double>() * static_cast<double>(count - 1));
    }
  }
  promoted.group = group_reference(MomentAccumulator::from_moments(
      count, window.detail.at("mean").get<std::vector<double>>(), std::vector<double>(d, 0.0),
      std::move(comoment)));
  promoted.n = count;
  return promoted;
}

void save_joint(Database& db, const std::string& stream, PromotedJoint& joint,
                const std::string& origin, int64_t now_ms) {
  if (joint.kind == "pair") {
    save_pair_reference(db, stream, joint.name, joint.features.at(0), joint.features.at(1),
                        {active_feature_id(db, stream, joint.features[0]),
                         active_feature_id(db, stream, joint.features[1])},
                        joint.pair, origin, now_ms);
    joint.version = joint.pair.version;
  } else {
    save_group_reference(db, stream, joint.name, joint.features, joint.group, origin, now_ms);
    joint.version = joint.group.version;
  }
}

}  // namespace

Promotion window_promotion(DriftStore& store, const std::string& stream, int64_t window_start,
                           std::span<const std::string> requested) {
  Database& db = store.database();
  Transaction transaction(db);  // the checks see one state (nested in promote_window's)
  const std::vector<std::string> features = stream_features(db, stream);
  const std::vector<JointSubject> joint = stream_joint_subjects(db, stream);
  std::vector<std::string> known = features;
  for (const JointSubject& subject : joint) known.push_back(subject.name);
  const std::vector<std::string> chosen =
      subjects_to_promote(known, !joint.empty(), requested, stream);

  Promotion promotion{"window:" + std::to_string(window_start), {}, {}};
  for (const std::string& name : chosen) {
    if (std::find(features.begin(), features.end(), name) == features.end()) continue;
    promotion.features.push_back(window_as_reference(db, stream, name, window_start));
  }
  for (const JointSubject& subject : joint) {
    if (std::find(chosen.begin(), chosen.end(), subject.name) == chosen.end()) continue;
    promotion.joint.push_back(joint_as_reference(db, stream, subject, window_start));
  }
  transaction.commit();
  return promotion;
}

Promotion promote_window(DriftStore& store, const std::string& stream, int64_t window_start,
                         std::span<const std::string> requested) {
  Database& db = store.database();
  Transaction transaction(db);  // the checks and the write see one state
  if (db.prepare("SELECT 1 FROM cluster_result_positions LIMIT 1").step()) {
    throw InputError(
        "this database is a cluster-mode instance's (it holds the results topic's windows): a "
        "reference promoted here would reach no other instance; give driftctl the cluster's "
        "configuration (--config), which publishes the promotion to every instance");
  }
  Promotion promotion = window_promotion(store, stream, window_start, requested);
  config::StreamConfig promoted_features;  // the names save_references stores under
  promoted_features.name = stream;
  std::vector<FeatureReference> references;
  for (PromotedReference& feature : promotion.features) {
    promoted_features.features.emplace_back().name = feature.feature;
    references.push_back(std::move(feature.reference));
  }
  store.save_references(promoted_features, references, promotion.origin);  // nested
  for (std::size_t f = 0; f < references.size(); ++f) {
    // Same bins: the pairs over the feature's previous version go on.
    rebase_pairs(db, stream, promotion.features[f].feature, promotion.features[f].previous_id,
                 references[f].id);
    promotion.features[f].reference = std::move(references[f]);
  }
  const int64_t now_ms = Clock::system().wall_ms();
  for (PromotedJoint& joint : promotion.joint) save_joint(db, stream, joint, promotion.origin, now_ms);
  transaction.commit();
  return promotion;
}

}  // namespace driftd::store
