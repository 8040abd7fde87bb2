// Highway's per-target compilation of divergence_kernels-inl.h, and the
// dispatching entry points of divergence_kernels.h.
#include "divergence/divergence_kernels.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "divergence/divergence_kernels.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "divergence/divergence_kernels-inl.h"
#include "hwy/highway.h"

#if HWY_ONCE
namespace driftd {

HWY_EXPORT(ProbabilitySums);
HWY_EXPORT(CountSums);

BinSums simd_probability_sums(std::span<const double> p, std::span<const double> q,
                              const Normalisation& normalisation) {
  return HWY_DYNAMIC_DISPATCH(ProbabilitySums)(p, q, normalisation);
}

BinSums simd_count_sums(std::span<const uint64_t> p, std::span<const uint64_t> q,
                        const Normalisation& normalisation, const RawTotals& totals) {
  return HWY_DYNAMIC_DISPATCH(CountSums)(p, q, normalisation, totals);
}

}  // namespace driftd
#endif  // HWY_ONCE
