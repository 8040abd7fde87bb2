#include "store/reference_promotion.h"

#include <algorithm>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "histogram/histogram_snapshot.h"

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

std::vector<std::string> features_to_promote(const std::vector<std::string>& known,
                                             std::span<const std::string> requested,
                                             const std::string& stream) {
  if (requested.empty()) return known;
  std::vector<std::string> chosen;
  for (const std::string& name : requested) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (const std::string& feature : known) list += (list.empty() ? "" : ", ") + feature;
      throw InputError("stream '" + stream + "' has no feature '" + name + "' (its features: " +
                       list + ")");
    }
    if (std::find(chosen.begin(), chosen.end(), name) != chosen.end()) {
      throw InputError("feature '" + name + "' is named twice");
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

}  // namespace

Promotion promote_window(DriftStore& store, const std::string& stream, int64_t window_start,
                         std::span<const std::string> features) {
  Database& db = store.database();
  Transaction transaction(db);  // the checks and the write see one state
  config::StreamConfig promoted_features;  // the names save_references stores under
  promoted_features.name = stream;
  Promotion promotion{"window:" + std::to_string(window_start), {}};
  for (const std::string& feature :
       features_to_promote(stream_features(db, stream), features, stream)) {
    promotion.features.push_back(window_as_reference(db, stream, feature, window_start));
    promoted_features.features.emplace_back().name = feature;
  }
  std::vector<FeatureReference> references;
  for (PromotedReference& feature : promotion.features) {
    references.push_back(std::move(feature.reference));
  }
  store.save_references(promoted_features, references, promotion.origin);  // nested
  transaction.commit();
  for (std::size_t f = 0; f < references.size(); ++f) {
    promotion.features[f].reference = std::move(references[f]);
  }
  return promotion;
}

}  // namespace driftd::store
