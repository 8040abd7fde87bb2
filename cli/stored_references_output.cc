#include "cli/stored_references_output.h"

#include <cctype>
#include <cstdio>
#include <string>

namespace driftd::cli {
namespace {

// When the references take effect; the same words in table and JSON.
const char* takes_effect(TakesEffect when) {
  return when == TakesEffect::at_restart
             ? "a running driftd keeps its references until its next restart, which installs "
               "these (windows still open then are dropped: they were counted against the old "
               "references)"
             : "every instance bins the events from the switch on with these and compares their "
               "windows with them; each instance stores them when the first such window comes";
}

}  // namespace

nlohmann::ordered_json stored_reference_json(const std::string& feature,
                                             const FeatureReference& reference) {
  return {{"feature", feature},
          {"version", reference.version > 0 ? nlohmann::ordered_json(reference.version) : nullptr},
          {"n", reference.n()},
          {"missing", reference.missing},
          {"bins", reference.bins.bin_count()}};
}

nlohmann::ordered_json stored_joint_references_json(const config::StreamConfig& stream,
                                                    const StreamReferences& references) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  const auto row = [&](const std::string& name, const char* kind, int64_t version, uint64_t n) {
    rows.push_back({{"name", name},
                    {"kind", kind},
                    {"version", version > 0 ? nlohmann::ordered_json(version) : nullptr},
                    {"n", n}});
  };
  for (std::size_t p = 0; p < stream.pairs.size(); ++p) {
    uint64_t n = 0;
    for (const uint64_t cell : references.pairs[p].cells) n += cell;
    row(stream.pairs[p].name, "pair", references.pairs[p].version, n);
  }
  for (std::size_t g = 0; g < stream.groups.size(); ++g) {
    const GroupReference& group = references.groups[g];
    row(stream.groups[g].name, "group", group.version, group.present() ? group.moments.count() : 0);
  }
  return rows;
}

nlohmann::ordered_json stored_references_document(const std::string& stream,
                                                  const std::string& db,
                                                  const std::string& origin,
                                                  nlohmann::ordered_json rows,
                                                  nlohmann::ordered_json joint_rows,
                                                  TakesEffect when) {
  nlohmann::ordered_json document{
      {"stream", stream}, {"db", db}, {"origin", origin}, {"references", std::move(rows)}};
  if (!joint_rows.empty()) document["joint_references"] = std::move(joint_rows);
  document["takes_effect"] = takes_effect(when);
  return document;
}

void print_stored_references(const nlohmann::ordered_json& rows,
                             const nlohmann::ordered_json& joint_rows, TakesEffect when) {
  std::printf("%-20s %-14s %10s %9s %6s\n", "feature", "version", "n", "missing", "bins");
  for (const auto& row : rows) {
    std::string version =
        row["version"].is_null() ? "-" : std::to_string(row["version"].get<int64_t>());
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
  for (const auto& row : joint_rows) {
    const std::string name = row["name"].get<std::string>();
    const std::string kind = row["kind"].get<std::string>();
    if (row["version"].is_null()) {
      std::printf("%s %s: no reference (no complete row)\n", kind.c_str(), name.c_str());
    } else {
      std::printf("%s %s: version %lld from %llu complete rows\n", kind.c_str(), name.c_str(),
                  static_cast<long long>(row["version"].get<int64_t>()),
                  static_cast<unsigned long long>(row["n"].get<uint64_t>()));
    }
  }
  if (when == TakesEffect::at_restart) {
    std::printf("Earlier versions stay stored, inactive; %s.\n", takes_effect(when));
  } else {
    std::printf("%s%s.\n", std::string(1, static_cast<char>(std::toupper(*takes_effect(when)))).c_str(),
                takes_effect(when) + 1);
  }
}

}  // namespace driftd::cli
