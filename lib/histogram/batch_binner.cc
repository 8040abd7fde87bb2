// BatchBinner: the dispatch-free part, plus the per-target entry points,
// laid out as Highway's skeleton.cc. This file is compiled once and
// re-includes itself through hwy/foreach_target.h, once per target.
#include "histogram/batch_binner.h"

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

BatchBinner::BatchBinner(const NumericBinning& binning) : index_(binning.edges()) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  bin_bounds_.reserve(binning.edges().size() + 2);
  bin_bounds_.push_back(-kInf);
  bin_bounds_.insert(bin_bounds_.end(), binning.edges().begin(), binning.edges().end());
  bin_bounds_.push_back(kInf);
}

std::span<const double> BatchBinner::edges() const {
  return std::span<const double>(bin_bounds_).subspan(1, bin_bounds_.size() - 2);
}

detail::BinnerTables BatchBinner::tables() const { return {index_.view(), bin_bounds_.data()}; }

void BatchBinner::count(std::span<const double> values, std::span<std::uint64_t> counts) const {
  if (counts.size() != bin_count() + 1) {
    throw std::invalid_argument("BatchBinner::count: counts has " + std::to_string(counts.size()) +
                                " slots, " + std::to_string(bin_count() + 1) + " expected");
  }
  if (simd_forced_scalar()) {
    scalar_count_bins(edges(), values, counts);
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
    scalar_assign_bins(edges(), values, bins_out);
  } else {
    HWY_DYNAMIC_DISPATCH(AssignBins)(tables(), values.data(), values.size(), bins_out.data());
  }
}

std::string_view BatchBinner::implementation() {
  return simd_forced_scalar() ? "scalar" : HWY_DYNAMIC_DISPATCH(KernelTargetName)();
}

}  // namespace driftd

#endif  // HWY_ONCE
