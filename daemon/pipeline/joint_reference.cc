#include "pipeline/joint_reference.h"

#include <cmath>
#include <numeric>

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
  GroupReference out;
  out.moments = MomentAccumulator(d);
  std::vector<double> row(d);
  for (std::size_t r = 0; r < columns[0].size(); ++r) {
    bool complete = true;
    for (std::size_t i = 0; i < d; ++i) {
      row[i] = columns[i][r];
      complete = complete && std::isfinite(row[i]);
    }
    if (complete) out.moments.add(row);
  }
  if (out.moments.count() < d + 1) return out;  // no covariance: no reference
  const std::vector<double> mean = out.moments.mean();
  const std::vector<double> covariance = out.moments.covariance();
  for (std::size_t i = 0; i < d; ++i) {
    const double deviation = std::sqrt(covariance[i * d + i]);
    out.standards.push_back({mean[i], deviation > 0 ? deviation : 1.0});
  }
  return out;
}

}  // namespace driftd
