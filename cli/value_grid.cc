#include "cli/value_grid.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace driftd::cli {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr std::size_t kSamplePerCell = 8;

// Edges at the quantiles of a sorted sample, one cell per kSamplePerCell
// sampled values up to max_cells, plus nextafter(v) for a value v that fills
// a cell on its own, so that it has the cell [v, nextafter(v)) alone.
std::vector<double> sample_quantile_edges(std::span<const double> sorted, std::size_t max_cells) {
  const std::size_t size = sorted.size();
  const std::size_t bins = std::clamp<std::size_t>(size / kSamplePerCell, 1, std::min<std::size_t>(max_cells, 2047));
  std::vector<double> edges;
  for (std::size_t j = 1; j < bins; ++j) {
    const double value = sorted[j * size / bins] + 0.0;
    edges.push_back(value);
    // A value that fills a cell of the sample on its own.
    const auto [first, last] = std::equal_range(sorted.begin(), sorted.end(), value);
    if (static_cast<std::size_t>(last - first) >= size / bins && std::isfinite(std::nextafter(value, kInfinity))) {
      edges.push_back(std::nextafter(value, kInfinity));
    }
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

}  // namespace

ValueGrid grid_from_values(std::span<const double> values, std::size_t max_cells) {
  const std::size_t stride = std::max<std::size_t>(1, values.size() / (kSamplePerCell * max_cells));
  std::vector<double> sample;
  sample.reserve(values.size() / stride + 1);
  for (std::size_t i = 0; i < values.size(); i += stride) {
    if (std::isfinite(values[i])) sample.push_back(values[i]);
  }
  std::sort(sample.begin(), sample.end());
  return ValueGrid(NumericBinning::explicit_edges(sample_quantile_edges(sample, max_cells)));
}

ValueGrid::ValueGrid(NumericBinning cells) : cells_(std::move(cells)), binner_(cells_) {
  for (std::size_t k = 0; k < cells_.bin_count(); ++k) anchors_.push_back(grid_anchor(cells_.edges(), k));
}

GridTally ValueGrid::empty_tally() const {
  return {std::vector<uint64_t>(cells_.bin_count(), 0), std::vector<double>(cells_.bin_count(), 0.0),
          {0, 0}, 0};
}

void ValueGrid::tally(std::span<const double> values, std::span<const uint32_t> cells,
                      GridTally& tally) const {
  uint64_t* const counts = tally.counts.data();
  double* const offsets = tally.offsets.data();
  const double* const anchors = anchors_.data();
  uint64_t added = 0;
  double low = std::numeric_limits<double>::infinity();
  double high = -low;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double value = values[i];
    if (!(std::fabs(value) <= std::numeric_limits<double>::max())) continue;  // NaN, +-inf
    const uint32_t cell = cells[i];
    ++counts[cell];
    offsets[cell] += value - anchors[cell];
    low = std::min(low, value);
    high = std::max(high, value);
    ++added;
  }
  if (added == 0) return;
  tally.range = tally.empty() ? ValueRange{low, high}
                              : ValueRange{std::min(tally.range.min, low), std::max(tally.range.max, high)};
  tally.values += added;
}

void ValueGrid::tally(std::span<const double> values, GridTally& tally) const {
  thread_local std::vector<uint32_t> cells;  // reused: a read tallies chunk after chunk
  cells.resize(values.size());
  binner_.assign(values, cells);
  this->tally(values, cells, tally);
}

}  // namespace driftd::cli
