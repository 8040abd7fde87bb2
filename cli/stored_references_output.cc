#include "cli/stored_references_output.h"

#include <cstdio>

namespace driftd::cli {
namespace {

// When the stored references take effect; the same words in table and JSON.
constexpr const char* kTakesEffect =
    "a running driftd keeps its references until its next restart, which installs these "
    "(windows still open then are dropped: they were counted against the old references)";

}  // namespace

nlohmann::ordered_json stored_reference_json(const std::string& feature,
                                             const FeatureReference& reference) {
  return {{"feature", feature},
          {"version", reference.version},
          {"n", reference.n()},
          {"missing", reference.missing},
          {"bins", reference.bins.bin_count()}};
}

nlohmann::ordered_json stored_references_document(const std::string& stream,
                                                  const std::string& db,
                                                  const std::string& origin,
                                                  nlohmann::ordered_json rows) {
  return {{"stream", stream},
          {"db", db},
          {"origin", origin},
          {"references", std::move(rows)},
          {"takes_effect", kTakesEffect}};
}

void print_stored_references(const nlohmann::ordered_json& rows) {
  std::printf("%-20s %-14s %10s %9s %6s\n", "feature", "version", "n", "missing", "bins");
  for (const auto& row : rows) {
    std::string version = std::to_string(row["version"].get<int64_t>());
    if (row.contains("previous_version")) {
      version += " (was " + std::to_string(row["previous_version"].get<int64_t>()) + ")";
    }
    std::printf("%-20s %-14s %10llu %9llu %6llu\n", row["feature"].get<std::string>().c_str(),
                version.c_str(), static_cast<unsigned long long>(row["n"].get<uint64_t>()),
                static_cast<unsigned long long>(row["missing"].get<uint64_t>()),
                static_cast<unsigned long long>(row["bins"].get<uint64_t>()));
  }
  for (const auto& row : rows) {
    if (row.contains("gaussian_moments")) {
      std::printf("%s: Gaussian moments %s.\n", row["feature"].get<std::string>().c_str(),
                  row["gaussian_moments"].get<std::string>().c_str());
    }
  }
  std::printf("Earlier versions stay stored, inactive; %s.\n", kTakesEffect);
}

}  // namespace driftd::cli
