#include "cli/value_grid.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace driftd::cli {

bool GridTally::empty() const {
  for (const uint64_t count : counts) {
    if (count > 0) return false;
  }
  return true;
}

void GridTally::merge(const GridTally& other) {
  if (other.empty()) return;
  range = empty() ? other.range
                  : ValueRange{std::min(range.min, other.range.min), std::max(range.max, other.range.max)};
  for (std::size_t k = 0; k < counts.size(); ++k) {
    counts[k] += other.counts[k];
    offsets[k] += other.offsets[k];
  }
}

ValueGrid::ValueGrid(NumericBinning cells) : cells_(std::move(cells)), binner_(cells_) {
  for (std::size_t k = 0; k < cells_.bin_count(); ++k) anchors_.push_back(grid_anchor(cells_.edges(), k));
}

GridTally ValueGrid::empty_tally() const {
  return {std::vector<uint64_t>(cells_.bin_count(), 0), std::vector<double>(cells_.bin_count(), 0.0),
          {0, 0}};
}

void ValueGrid::tally(std::span<const double> values, std::span<const uint32_t> cells,
                      GridTally& tally) const {
  bool any = !tally.empty();
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double value = values[i];
    if (!std::isfinite(value)) continue;
    ++tally.counts[cells[i]];
    tally.offsets[cells[i]] += value - anchors_[cells[i]];
    if (!any) {
      tally.range = {value, value};
      any = true;
    } else {
      tally.range.min = std::min(tally.range.min, value);
      tally.range.max = std::max(tally.range.max, value);
    }
  }
}

void ValueGrid::tally(std::span<const double> values, GridTally& tally) const {
  std::vector<uint32_t> cells(values.size());
  binner_.assign(values, cells);
  this->tally(values, cells, tally);
}

}  // namespace driftd::cli
