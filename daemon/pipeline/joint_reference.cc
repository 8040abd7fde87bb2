#include "pipeline/joint_reference.h"

#include <array>
#include <cmath>
#include <numeric>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace driftd {

PairReference pair_reference(std::span<const uint32_t> x_rows, std::span<const uint32_t> y_rows,
                             std::size_t x_bins, std::size_t y_bins) {
  PairReference out;
  out.x_bins = x_bins;
  out.y_bins = y_bins;
  std::vector<uint64_t> cells(x_bins * y_bins, 0);
  for (std::size_t row = 0; row < x_rows.size(); ++row) {
    if (x_rows[row] >= x_bins || y_rows[row] >= y_bins) {
      ++out.incomplete;
      continue;
    }
    ++cells[static_cast<std::size_t>(x_rows[row]) * y_bins + y_rows[row]];
  }
  if (std::accumulate(cells.begin(), cells.end(), uint64_t{0}) > 0) out.cells = std::move(cells);
  return out;
}

GroupReference group_reference(std::span<const std::span<const double>> columns) {
  const std::size_t d = columns.size();
  MomentAccumulator moments(d);
  std::vector<double> row(d);
  for (std::size_t r = 0; r < columns[0].size(); ++r) {
    bool complete = true;
    for (std::size_t i = 0; i < d; ++i) {
      row[i] = columns[i][r];
      complete = complete && std::isfinite(row[i]);
    }
    if (complete) moments.add(row);
  }
  return group_reference(moments);
}

GroupReference group_reference(const MomentAccumulator& moments) {
  const std::size_t d = moments.dimension();
  GroupReference out;
  out.moments = moments;
  if (out.moments.count() < d + 1) return out;  // no covariance: no reference
  const std::vector<double> mean = out.moments.mean();
  const std::vector<double> covariance = out.moments.covariance();
  for (std::size_t i = 0; i < d; ++i) {
    const double deviation = std::sqrt(covariance[i * d + i]);
    out.standards.push_back({mean[i], deviation > 0 ? deviation : 1.0});
  }
  return out;
}

namespace {

// Reads `key` of `json` as T, naming the key when it is absent or of
// another type.
template <class T>
T member(const nlohmann::json& json, const char* key) {
  try {
    return json.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw InputError(std::string("a stored joint reference has no valid \"") + key + "\"");
  }
}

nlohmann::json parse(std::string_view text) {
  try {
    nlohmann::json json = nlohmann::json::parse(text);
    if (!json.is_object()) throw InputError("a stored joint reference is not a JSON object");
    return json;
  } catch (const nlohmann::json::parse_error& error) {
    throw InputError(std::string("a stored joint reference is not JSON: ") + error.what());
  }
}

}  // namespace

std::string pair_reference_json(const PairReference& reference) {
  return nlohmann::json{{"x_bins", reference.x_bins},
                        {"y_bins", reference.y_bins},
                        {"cells", reference.cells},
                        {"incomplete", reference.incomplete}}
      .dump();
}

PairReference pair_reference_from_json(std::string_view text, std::size_t x_bins,
                                       std::size_t y_bins) {
  const nlohmann::json json = parse(text);
  PairReference out;
  out.x_bins = member<std::size_t>(json, "x_bins");
  out.y_bins = member<std::size_t>(json, "y_bins");
  out.cells = member<std::vector<uint64_t>>(json, "cells");
  out.incomplete = member<uint64_t>(json, "incomplete");
  if (out.x_bins != x_bins || out.y_bins != y_bins || out.cells.size() != x_bins * y_bins) {
    throw InputError("a stored pair reference of " + std::to_string(out.x_bins) + " x " +
                     std::to_string(out.y_bins) + " bins (" + std::to_string(out.cells.size()) +
                     " cells) does not fit its features' " + std::to_string(x_bins) + " x " +
                     std::to_string(y_bins) + " bins");
  }
  if (std::accumulate(out.cells.begin(), out.cells.end(), uint64_t{0}) == 0) {
    throw InputError("a stored pair reference has no event in its cells");
  }
  return out;
}

std::string group_reference_json(const GroupReference& reference) {
  nlohmann::json standards = nlohmann::json::array();
  for (const Standardisation& standard : reference.standards) {
    standards.push_back({standard.shift, standard.scale});
  }
  return nlohmann::json{{"count", reference.moments.count()},
                        {"shift", reference.moments.shift()},
                        {"shifted_mean", reference.moments.shifted_mean()},
                        {"comoment", reference.moments.comoment()},
                        {"standards", standards}}
      .dump();
}

GroupReference group_reference_from_json(std::string_view text, std::size_t d) {
  const nlohmann::json json = parse(text);
  auto shift = member<std::vector<double>>(json, "shift");
  auto shifted_mean = member<std::vector<double>>(json, "shifted_mean");
  auto comoment = member<std::vector<double>>(json, "comoment");
  const auto standards = member<std::vector<std::array<double, 2>>>(json, "standards");
  const auto count = member<uint64_t>(json, "count");
  if (shift.size() != d || standards.size() != d || count < d + 1) {
    throw InputError("a stored group reference does not describe " + std::to_string(d) +
                     " features with at least " + std::to_string(d + 1) + " rows");
  }
  GroupReference out;
  out.moments = MomentAccumulator::from_moments(count, std::move(shift), std::move(shifted_mean),
                                                std::move(comoment));
  for (const auto& [shift_value, scale] : standards) {
    if (!std::isfinite(shift_value) || !(scale > 0) || !std::isfinite(scale)) {
      throw InputError("a stored group reference has an unusable standardisation");
    }
    out.standards.push_back({shift_value, scale});
  }
  return out;
}

}  // namespace driftd
