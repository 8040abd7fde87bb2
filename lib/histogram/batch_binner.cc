// BatchBinner: the dispatch-free part, plus the per-target entry points,
// laid out as Highway's skeleton.cc. This file is compiled once and
// re-includes itself through hwy/foreach_target.h, once per target.
#include "histogram/batch_binner.h"

#include <bit>
#include <limits>
#include <stdexcept>
#include <string>

#include "common/simd_target.h"
#include "histogram/scalar_binner.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "histogram/batch_binner.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "histogram/batch_binner-inl.h"

HWY_BEFORE_NAMESPACE();
namespace driftd {
namespace HWY_NAMESPACE {

const char* KernelTargetName() { return hwy::TargetName(HWY_TARGET); }

}  // namespace HWY_NAMESPACE
}  // namespace driftd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE

namespace driftd {

HWY_EXPORT(CountBins);
HWY_EXPORT(AssignBins);
HWY_EXPORT(KernelTargetName);

namespace {

// Extra +inf entries after the tree: loading a shallow level into whole
// vectors reads up to lanes - 1 entries past the tree. 16 cover vectors up
// to 1024 bits; kernels for wider vectors gather those levels instead.
constexpr std::size_t kTreeSlack = 16;

}  // namespace

BatchBinner::BatchBinner(const NumericBinning& binning)
    : edges_(binning.edges().begin(), binning.edges().end()),
      // The smallest complete tree with at least one node per edge.
      tree_levels_(static_cast<std::size_t>(std::bit_width(edges_.size()))) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const std::size_t tree_nodes = (std::size_t{1} << tree_levels_) - 1;
  tree_.assign(tree_nodes + kTreeSlack, kInf);
  for (std::size_t level = 0; level < tree_levels_; ++level) {
    const std::size_t level_size = std::size_t{1} << level;
    const std::size_t stride = std::size_t{1} << (tree_levels_ - level - 1);
    for (std::size_t node = 0; node < level_size; ++node) {
      const std::size_t position = (2 * node + 1) * stride - 1;
      if (position < edges_.size()) tree_[level_size - 1 + node] = edges_[position];
    }
  }
  bin_bounds_.reserve(edges_.size() + 2);
  bin_bounds_.push_back(-kInf);
  bin_bounds_.insert(bin_bounds_.end(), edges_.begin(), edges_.end());
  bin_bounds_.push_back(kInf);
}

detail::BinSearchTables BatchBinner::tables() const {
  return {tree_.data(), tree_.size(), tree_levels_, bin_bounds_.data(), edges_.size()};
}

void BatchBinner::count(std::span<const double> values, std::span<std::uint64_t> counts) const {
  if (counts.size() != bin_count() + 1) {
    throw std::invalid_argument("BatchBinner::count: counts has " + std::to_string(counts.size()) +
                                " slots, " + std::to_string(bin_count() + 1) + " expected");
  }
  if (simd_forced_scalar()) {
    scalar_count_bins(edges_, values, counts);
  } else {
    HWY_DYNAMIC_DISPATCH(CountBins)(tables(), values.data(), values.size(), counts.data());
  }
}

void BatchBinner::assign(std::span<const double> values, std::span<std::uint32_t> bins_out) const {
  if (bins_out.size() != values.size()) {
    throw std::invalid_argument("BatchBinner::assign: " + std::to_string(values.size()) +
                                " values but " + std::to_string(bins_out.size()) + " outputs");
  }
  if (simd_forced_scalar()) {
    scalar_assign_bins(edges_, values, bins_out);
  } else {
    HWY_DYNAMIC_DISPATCH(AssignBins)(tables(), values.data(), values.size(), bins_out.data());
  }
}

std::string_view BatchBinner::implementation() {
  return simd_forced_scalar() ? "scalar" : HWY_DYNAMIC_DISPATCH(KernelTargetName)();
}

}  // namespace driftd

#endif  // HWY_ONCE
