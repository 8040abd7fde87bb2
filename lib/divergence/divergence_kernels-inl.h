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
#include <span>

#include "divergence/bin_sums.h"
#include "hwy/contrib/math/math-inl.h"
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

// ln(x) where `positive` holds and 0 elsewhere. The masked-off lanes take
// ln(1) instead of ln(0) or ln(0/0), so x ln x terms give 0 ln 0 = 0 without
// a NaN ever entering a sum.
HWY_INLINE DoubleVec LogWherePositive(DoubleTag d, DoubleMask positive, DoubleVec x) {
  return hn::Log(d, hn::IfThenElse(positive, x, hn::Set(d, 1.0)));
}

// Adds one vector of bins of the normalised distributions p and q (zero in
// lanes past the last bin) to every sum but g_half.
HWY_INLINE void AddDistributionTerms(DoubleTag d, DoubleVec p, DoubleVec q, LaneSums& sums) {
  const DoubleVec zero = hn::Zero(d);
  const DoubleVec inf = hn::Set(d, HUGE_VAL);
  const DoubleMask p_positive = hn::Gt(p, zero);
  const DoubleMask q_positive = hn::Gt(q, zero);
  const DoubleMask p_only = hn::AndNot(q_positive, p_positive);  // p > 0 = q
  const DoubleMask q_only = hn::AndNot(p_positive, q_positive);  // q > 0 = p

  const DoubleVec log_p = LogWherePositive(d, p_positive, p);
  const DoubleVec log_q = LogWherePositive(d, q_positive, q);
  // ln(p/q) rather than ln p - ln q: accurate when p is close to q. p/q
  // overflows only for a subnormal q, where ln p - ln q is accurate enough.
  const DoubleVec ratio = hn::Div(p, q);
  const DoubleVec log_p_over_q =
      hn::IfThenElse(hn::IsInf(ratio), hn::Sub(log_p, log_q),
                     LogWherePositive(d, hn::And(p_positive, q_positive), ratio));
  // q ln(q/p) = -q ln(p/q). A +inf lane stays +inf: later terms are finite.
  sums.p_log_p_over_q =
      hn::IfThenElse(p_only, inf, hn::MulAdd(p, log_p_over_q, sums.p_log_p_over_q));
  sums.q_log_q_over_p =
      hn::IfThenElse(q_only, inf, hn::NegMulAdd(q, log_p_over_q, sums.q_log_q_over_p));

  // p/m = p * 2/(p+q): one division for both ratios (divisions dominate the
  // cost of this loop). Lanes with p + q = 0 are masked off.
  const DoubleVec two_over_sum = hn::Div(hn::Set(d, 2.0), hn::Add(p, q));
  sums.p_log_p_over_m = hn::MulAdd(
      p, LogWherePositive(d, p_positive, hn::Mul(p, two_over_sum)), sums.p_log_p_over_m);
  sums.q_log_q_over_m = hn::MulAdd(
      q, LogWherePositive(d, q_positive, hn::Mul(q, two_over_sum)), sums.q_log_q_over_m);

  sums.abs_difference = hn::Add(sums.abs_difference, hn::Abs(hn::Sub(p, q)));
  const DoubleVec root_difference = hn::Sub(hn::Sqrt(p), hn::Sqrt(q));
  sums.root_difference_squared =
      hn::MulAdd(root_difference, root_difference, sums.root_difference_squared);

  sums.p_log_p = hn::MulAdd(p, log_p, sums.p_log_p);
  sums.q_log_q = hn::MulAdd(q, log_q, sums.q_log_q);
  sums.p_log_q = hn::IfThenElse(p_only, hn::Neg(inf), hn::MulAdd(p, log_q, sums.p_log_q));
}

// Adds the G-test cells O ln(O/E) of one vector of raw count bins, with
// E = row total * column / N, computed as ln(O * (N / row total) * (1 / column)).
// Zero counts (including lanes past the last bin) add 0.
HWY_INLINE void AddGTestTerms(DoubleTag d, DoubleVec p_count, DoubleVec q_count,
                              DoubleVec total_over_n, DoubleVec total_over_m, LaneSums& sums) {
  const DoubleVec zero = hn::Zero(d);
  const DoubleVec inverse_column = hn::Div(hn::Set(d, 1.0), hn::Add(p_count, q_count));
  const DoubleVec log_p_ratio =
      LogWherePositive(d, hn::Gt(p_count, zero),
                       hn::Mul(hn::Mul(p_count, total_over_n), inverse_column));
  const DoubleVec log_q_ratio =
      LogWherePositive(d, hn::Gt(q_count, zero),
                       hn::Mul(hn::Mul(q_count, total_over_m), inverse_column));
  sums.g_half = hn::MulAdd(p_count, log_p_ratio, hn::MulAdd(q_count, log_q_ratio, sums.g_half));
}

HWY_INLINE DoubleVec LoadAsDouble(DoubleTag d, const double* HWY_RESTRICT from) {
  return hn::LoadU(d, from);
}

HWY_INLINE DoubleVec LoadAsDouble(DoubleTag d, const uint64_t* HWY_RESTRICT from) {
  return hn::ConvertTo(d, hn::LoadU(hn::RebindToUnsigned<DoubleTag>(), from));
}

// Calls add(raw_p, raw_q, valid) for every vector of bins; `valid` marks the
// lanes that hold bins. The last partial vector is read from a zero-padded
// copy, so no load goes past the end of p or q.
template <typename T, class AddBins>
HWY_INLINE void ForEachBinVector(DoubleTag d, std::span<const T> p, std::span<const T> q,
                                 const AddBins& add) {
  const size_t lanes = hn::Lanes(d);
  const size_t bins = p.size();
  const DoubleMask all_lanes = hn::FirstN(d, lanes);
  size_t i = 0;
  for (; i + lanes <= bins; i += lanes) {
    add(LoadAsDouble(d, p.data() + i), LoadAsDouble(d, q.data() + i), all_lanes);
  }
  if (i == bins) return;
  constexpr size_t kMaxLanes = hn::MaxLanes(DoubleTag());
  T p_tail[kMaxLanes] = {};
  T q_tail[kMaxLanes] = {};
  std::copy_n(p.data() + i, bins - i, p_tail);
  std::copy_n(q.data() + i, bins - i, q_tail);
  add(LoadAsDouble(d, p_tail), LoadAsDouble(d, q_tail), hn::FirstN(d, bins - i));
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
  ForEachBinVector(d, p, q, [&](DoubleVec raw_p, DoubleVec raw_q, DoubleMask valid) HWY_ATTR {
    AddDistributionTerms(d, normalise.P(raw_p, valid), normalise.Q(raw_q, valid), sums);
  });
  return sums.Reduce(d);
}

BinSums CountSums(std::span<const uint64_t> p, std::span<const uint64_t> q,
                  const Normalisation& normalisation, const RawTotals& totals) {
  const DoubleTag d;
  const Normaliser normalise(d, normalisation);
  const DoubleVec total_over_n = hn::Set(d, (totals.n + totals.m) / totals.n);
  const DoubleVec total_over_m = hn::Set(d, (totals.n + totals.m) / totals.m);
  LaneSums sums(d);
  ForEachBinVector(d, p, q, [&](DoubleVec p_count, DoubleVec q_count, DoubleMask valid) HWY_ATTR {
    AddDistributionTerms(d, normalise.P(p_count, valid), normalise.Q(q_count, valid), sums);
    AddGTestTerms(d, p_count, q_count, total_over_n, total_over_m, sums);
  });
  return sums.Reduce(d);
}

}  // namespace HWY_NAMESPACE
}  // namespace driftd
HWY_AFTER_NAMESPACE();

#endif  // include toggle
