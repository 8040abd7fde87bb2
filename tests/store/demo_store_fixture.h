// Test fixture: a fresh driftd database holding the "demo" stream and its
// first references, as driftd stores them -- amount over (-inf,10) [10,20)
// [20,+inf) with moments, country over US, DE, __other__. For the store
// tests that read or change stored windows and references.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/feature_reference.h"
#include "store/drift_store.h"

namespace driftd::test {

// One database file per suite, test case and process (ctest runs cases in
// parallel), removed first if a previous run left it.
inline config::StorageConfig fresh_storage(const std::string& suite, const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("driftd_" + suite + "." + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  config::StorageConfig storage;
  storage.path = dir / (name + ".db");
  std::filesystem::remove(storage.path);
  return storage;
}

inline config::StreamConfig demo_stream() {
  config::StreamConfig stream;
  stream.name = "demo";
  config::FeatureConfig& amount = stream.features.emplace_back();
  amount.name = "amount";
  amount.binning = config::Binning::edges;
  amount.edges = {10, 20};
  amount.bins = 3;
  config::FeatureConfig& country = stream.features.emplace_back();
  country.name = "country";
  country.type = config::FeatureType::categorical;
  country.gaussian = false;
  return stream;
}

// Stores the stream and a new version of both features' references (the
// first call: version 1).
inline void store_first_references(store::DriftStore& store, const config::StreamConfig& stream) {
  store.sync_stream(stream);
  const std::vector<double> amounts = {5, 15, 25, 12};
  const std::vector<std::string_view> countries = {"US", "US", "DE"};
  std::vector<FeatureReference> references = {
      numeric_reference(stream.features[0], amounts),
      categorical_reference(stream.features[1], countries, 1)};
  store.save_references(stream, references, "capture");
}

}  // namespace driftd::test
