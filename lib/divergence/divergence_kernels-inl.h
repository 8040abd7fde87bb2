// Per-target bodies of the divergence kernels (divergence_kernels.h).
//
// Included once per Highway target by divergence_kernels.cc through
// hwy/foreach_target.h, hence the toggle instead of a plain include guard.
// Every function lives in driftd::HWY_NAMESPACE and is compiled for each
// target.

#if defined(DRIFTD_DIVERGENCE_DIVERGENCE_KERNELS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef DRIFTD_DIVERGENCE_DIVERGENCE_KERNELS_INL_H_
#undef DRIFTD_DIVERGENCE_DIVERGENCE_KERNELS_INL_H_
#else
#define DRIFTD_DIVERGENCE_DIVERGENCE_KERNELS_INL_H_
#endif

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "divergence/bin_sums.h"
#include "divergence/vector_log-inl.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace driftd {
namespace HWY_NAMESPACE {

namespace hn = hwy::HWY_NAMESPACE;

using DoubleTag = hn::ScalableTag<double>;
using DoubleVec = hn::Vec<DoubleTag>;
using DoubleMask = hn::Mask<DoubleTag>;

// Lane-wise partial sums, one per BinSums member.
struct LaneSums {
  explicit LaneSums(DoubleTag d)
      : p_log_p_over_q(hn::Zero(d)),
        q_log_q_over_p(hn::Zero(d)),
        p_log_p_over_m(hn::Zero(d)),
        q_log_q_over_m(hn::Zero(d)),
        abs_difference(hn::Zero(d)),
        root_difference_squared(hn::Zero(d)),
        p_log_p(hn::Zero(d)),
        q_log_q(hn::Zero(d)),
        p_log_q(hn::Zero(d)),
        g_half(hn::Zero(d)) {}

  BinSums Reduce(DoubleTag d) const {
    const auto total = [d](DoubleVec lanes) HWY_ATTR {
      return hn::GetLane(hn::SumOfLanes(d, lanes));
    };
    return BinSums{total(p_log_p_over_q), total(q_log_q_over_p), total(p_log_p_over_m),
                   total(q_log_q_over_m), total(abs_difference),  total(root_difference_squared),
                   total(p_log_p),        total(q_log_q),         total(p_log_q),
                   total(g_half)};
  }

  DoubleVec p_log_p_over_q, q_log_q_over_p, p_log_p_over_m, q_log_q_over_m, abs_difference,
      root_difference_squared, p_log_p, q_log_q, p_log_q, g_half;
};

// x where `positive` holds, else 1 (whose logarithm is 0): every lane a
// logarithm reads is positive and finite.
HWY_INLINE DoubleVec OneUnless(DoubleTag d, DoubleMask positive, DoubleVec x) {
  return hn::IfThenElse(positive, x, hn::Set(d, 1.0));
}

// Adds one vector of bins of the normalised distributions p and q (zero in
// lanes past the last bin) to every sum but g_half.
//
// Four logarithms share three reductions (vector_log-inl.h): ln p, ln q,
// ln(p/m) = ln(2p / (p + q)) and ln(q/m), and ln(p/q) = ln(p/m) - ln(q/m):
// 2p / (p + q) and 2q / (p + q) lie on opposite sides of 1, so their
// logarithms have opposite signs and the difference cancels nothing. A zero
// side reads 1 in them: each logarithm it spoils is then multiplied by that
// zero, or replaced by the conventional value of the term.
// kSubnormals: whether p or q may be subnormal.
template <bool kSubnormals>
HWY_INLINE void AddDistributionTerms(DoubleTag d, DoubleVec p, DoubleVec q, LaneSums& sums) {
  const DoubleVec zero = hn::Zero(d);
  const DoubleVec inf = hn::Set(d, HUGE_VAL);
  const DoubleMask p_positive = hn::Gt(p, zero);
  const DoubleMask q_positive = hn::Gt(q, zero);
  const DoubleMask p_only = hn::AndNot(q_positive, p_positive);  // p > 0 = q
  const DoubleMask q_only = hn::AndNot(p_positive, q_positive);  // q > 0 = p

  const Reduced<DoubleTag> p_reduced = Reduce<kSubnormals>(d, OneUnless(d, p_positive, p));
  const Reduced<DoubleTag> q_reduced = Reduce<kSubnormals>(d, OneUnless(d, q_positive, q));
  const Reduced<DoubleTag> sum_reduced =
      Reduce<kSubnormals>(d, OneUnless(d, hn::Or(p_positive, q_positive), hn::Add(p, q)));
  const DoubleVec log_p = ReducedLog(d, p_reduced);
  const DoubleVec log_q = ReducedLog(d, q_reduced);
  const DoubleVec log_p_over_m = ReducedLogRatio(d, Twice(d, p_reduced), sum_reduced);
  const DoubleVec log_q_over_m = ReducedLogRatio(d, Twice(d, q_reduced), sum_reduced);
  const DoubleVec log_p_over_q = hn::Sub(log_p_over_m, log_q_over_m);

  // q ln(q/p) = -q ln(p/q). A +inf lane stays +inf: later terms are finite.
  sums.p_log_p_over_q =
      hn::IfThenElse(p_only, inf, hn::MulAdd(p, log_p_over_q, sums.p_log_p_over_q));
  sums.q_log_q_over_p =
      hn::IfThenElse(q_only, inf, hn::NegMulAdd(q, log_p_over_q, sums.q_log_q_over_p));
  sums.p_log_p_over_m = hn::MulAdd(p, log_p_over_m, sums.p_log_p_over_m);
  sums.q_log_q_over_m = hn::MulAdd(q, log_q_over_m, sums.q_log_q_over_m);

  sums.abs_difference = hn::Add(sums.abs_difference, hn::Abs(hn::Sub(p, q)));
  const DoubleVec root_difference = hn::Sub(hn::Sqrt(p), hn::Sqrt(q));
  sums.root_difference_squared =
      hn::MulAdd(root_difference, root_difference, sums.root_difference_squared);

  sums.p_log_p = hn::MulAdd(p, log_p, sums.p_log_p);
  sums.q_log_q = hn::MulAdd(q, log_q, sums.q_log_q);
  sums.p_log_q = hn::IfThenElse(p_only, hn::Neg(inf), hn::MulAdd(p, log_q, sums.p_log_q));
}

// Adds the G-test cells O ln(O/E) of one vector of raw count bins, with
// E = row total * column / N, as ln((O * N / row total) / column). Zero
// counts (including lanes past the last bin) add 0.
HWY_INLINE void AddGTestTerms(DoubleTag d, DoubleVec p_count, DoubleVec q_count,
                              DoubleVec total_over_n, DoubleVec total_over_m, LaneSums& sums) {
  const DoubleVec zero = hn::Zero(d);
  const DoubleMask p_positive = hn::Gt(p_count, zero);
  const DoubleMask q_positive = hn::Gt(q_count, zero);
  // Counts are 0 or >= 1, and N / n >= 1: nothing here is subnormal.
  const Reduced<DoubleTag> column =
      Reduce<false>(d, OneUnless(d, hn::Or(p_positive, q_positive), hn::Add(p_count, q_count)));
  const DoubleVec log_p_ratio = ReducedLogRatio(
      d, Reduce<false>(d, OneUnless(d, p_positive, hn::Mul(p_count, total_over_n))), column);
  const DoubleVec log_q_ratio = ReducedLogRatio(
      d, Reduce<false>(d, OneUnless(d, q_positive, hn::Mul(q_count, total_over_m))), column);
  sums.g_half = hn::MulAdd(p_count, log_p_ratio, hn::MulAdd(q_count, log_q_ratio, sums.g_half));
}

// How the kernels read bins as doubles: probabilities as they are, counts
// exactly (Highway's conversion: several instructions on AVX2), or, when
// every count is below 2^52, by setting them in the mantissa of 2^52 (two
// instructions).
enum class Bins { kProbabilities, kCounts, kCountsBelow2To52 };

template <Bins kBins>
HWY_INLINE DoubleVec LoadAsDouble(DoubleTag d, const double* HWY_RESTRICT from) {
  static_assert(kBins == Bins::kProbabilities);
  return hn::LoadU(d, from);
}

template <Bins kBins>
HWY_INLINE DoubleVec LoadAsDouble(DoubleTag d, const uint64_t* HWY_RESTRICT from) {
  const hn::RebindToUnsigned<DoubleTag> du;
  const auto counts = hn::LoadU(du, from);
  if constexpr (kBins == Bins::kCountsBelow2To52) {
    constexpr uint64_t kTwoTo52Bits = 0x4330000000000000;
    return hn::Sub(hn::BitCast(d, hn::Or(counts, hn::Set(du, kTwoTo52Bits))), hn::Set(d, 0x1p52));
  } else {
    static_assert(kBins == Bins::kCounts);
    return hn::ConvertTo(d, counts);
  }
}

// Calls add(raw_p, raw_q, valid) for every vector of bins; `valid` marks the
// lanes that hold bins. The last partial vector is read from a zero-padded
// copy, so no load goes past the end of p or q. The kernels force `add`
// inline (GCC leaves lambdas this large out of line): its constants are
// then set once per call rather than once per vector, 15% of the time on
// AVX2.
template <Bins kBins, typename T, class AddBins>
HWY_INLINE void ForEachBinVector(DoubleTag d, std::span<const T> p, std::span<const T> q,
                                 const AddBins& add) {
  const size_t lanes = hn::Lanes(d);
  const size_t bins = p.size();
  const DoubleMask all_lanes = hn::FirstN(d, lanes);
  size_t i = 0;
  for (; i + lanes <= bins; i += lanes) {
    add(LoadAsDouble<kBins>(d, p.data() + i), LoadAsDouble<kBins>(d, q.data() + i), all_lanes);
  }
  if (i == bins) return;
  constexpr size_t kMaxLanes = hn::MaxLanes(DoubleTag());
  T p_tail[kMaxLanes] = {};
  T q_tail[kMaxLanes] = {};
  std::copy_n(p.data() + i, bins - i, p_tail);
  std::copy_n(q.data() + i, bins - i, q_tail);
  add(LoadAsDouble<kBins>(d, p_tail), LoadAsDouble<kBins>(d, q_tail), hn::FirstN(d, bins - i));
}

// p_k = (raw_p[k] + offset) / p_denominator, likewise q; 0 outside `valid`.
// Multiplies by the reciprocal (within an ulp of the quotient) to keep
// divisions out of the loop.
struct Normaliser {
  Normaliser(DoubleTag d, const Normalisation& normalisation)
      : offset(hn::Set(d, normalisation.offset)),
        p_scale(hn::Set(d, 1.0 / normalisation.p_denominator)),
        q_scale(hn::Set(d, 1.0 / normalisation.q_denominator)) {}

  DoubleVec P(DoubleVec raw, DoubleMask valid) const {
    return hn::IfThenElseZero(valid, hn::Mul(hn::Add(raw, offset), p_scale));
  }
  DoubleVec Q(DoubleVec raw, DoubleMask valid) const {
    return hn::IfThenElseZero(valid, hn::Mul(hn::Add(raw, offset), q_scale));
  }

  DoubleVec offset, p_scale, q_scale;
};

BinSums ProbabilitySums(std::span<const double> p, std::span<const double> q,
                        const Normalisation& normalisation) {
  const DoubleTag d;
  const Normaliser normalise(d, normalisation);
  LaneSums sums(d);
  ForEachBinVector<Bins::kProbabilities>(
      d, p, q,
      [&](DoubleVec raw_p, DoubleVec raw_q, DoubleMask valid)
          HWY_ATTR __attribute__((always_inline)) {
            AddDistributionTerms<true>(d, normalise.P(raw_p, valid), normalise.Q(raw_q, valid),
                                       sums);
          });
  return sums.Reduce(d);
}

// CountSums for either kind of count bins; kSubnormals as AddDistributionTerms.
template <Bins kBins, bool kSubnormals>
BinSums CountSumsOf(std::span<const uint64_t> p, std::span<const uint64_t> q,
                    const Normalisation& normalisation, const RawTotals& totals) {
  const DoubleTag d;
  const Normaliser normalise(d, normalisation);
  const DoubleVec total_over_n = hn::Set(d, (totals.n + totals.m) / totals.n);
  const DoubleVec total_over_m = hn::Set(d, (totals.n + totals.m) / totals.m);
  LaneSums sums(d);
  ForEachBinVector<kBins>(
      d, p, q,
      [&](DoubleVec p_count, DoubleVec q_count, DoubleMask valid)
          HWY_ATTR __attribute__((always_inline)) {
            AddDistributionTerms<kSubnormals>(d, normalise.P(p_count, valid),
                                              normalise.Q(q_count, valid), sums);
            AddGTestTerms(d, p_count, q_count, total_over_n, total_over_m, sums);
          });
  return sums.Reduce(d);
}

BinSums CountSums(std::span<const uint64_t> p, std::span<const uint64_t> q,
                  const Normalisation& normalisation, const RawTotals& totals) {
  // The usual case, 7% faster on AVX2 (a cheaper conversion, and no
  // subnormal handling in 3 reductions): every count below 2^52 (as the
  // totals are), and every positive p and q a normal double. Positive p are
  // at least offset / denominator, or 1 / denominator when the offset is 0
  // (counts are whole).
  const double smallest_positive =
      normalisation.offset > 0
          ? normalisation.offset / std::max(normalisation.p_denominator,
                                            normalisation.q_denominator)
          : 1 / std::max(normalisation.p_denominator, normalisation.q_denominator);
  if (totals.n < 0x1p52 && totals.m < 0x1p52 &&
      smallest_positive >= std::numeric_limits<double>::min()) {
    return CountSumsOf<Bins::kCountsBelow2To52, false>(p, q, normalisation, totals);
  }
  return CountSumsOf<Bins::kCounts, true>(p, q, normalisation, totals);
}

}  // namespace HWY_NAMESPACE
}  // namespace driftd
HWY_AFTER_NAMESPACE();

#endif  // include toggle
