// Natural logarithms of double vectors for the divergence kernels: ln x and
// ln(a / b), each with one division and no int64 -> double conversion (AVX2
// has none: Highway emulates it in several instructions per call), from
// reductions x = 2^k m, m in [sqrt(2)/2, sqrt(2)), that a kernel computes
// once per value and shares between the logarithms of one bin.
//
// ln m = 2 atanh(s), s = (m - 1) / (m + 1), by the polynomial of musl's
// log.c (Highway's Log, whose LogPoly is reused). For a ratio, the two
// mantissas are first brought within a factor sqrt(2) of each other (by
// doubling one of them, which moves k), then s = (m_a - m_b) / (m_a + m_b):
// the subtraction is exact (Sterbenz), so ln(a / b) is as accurate when
// a is close to b as ln of an exactly known quotient, and no quotient is
// ever formed, so none overflows or underflows.
//
// Promises: for finite positive inputs, normal or subnormal, within 2 ulp
// of the exact value (tests/divergence/vector_log_test.cc, against long
// double on every target: at most 1.2 ulp for ln x, 1.8 for ln(a / b)), and
// ln 1 = 0 exactly. Not for 0, negative, infinite or NaN inputs: the
// kernels put 1 in lanes they mask off.
//
// Included by divergence_kernels-inl.h inside its per-target toggle, hence
// the same kind of guard.

#if defined(DRIFTD_DIVERGENCE_VECTOR_LOG_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef DRIFTD_DIVERGENCE_VECTOR_LOG_INL_H_
#undef DRIFTD_DIVERGENCE_VECTOR_LOG_INL_H_
#else
#define DRIFTD_DIVERGENCE_VECTOR_LOG_INL_H_
#endif

#include <cstdint>
#include <limits>

#include "hwy/contrib/math/math-inl.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace driftd {
namespace HWY_NAMESPACE {

namespace hn = hwy::HWY_NAMESPACE;

// x = 2^k m: m in [sqrt(2)/2, sqrt(2)), and k as a double (exact).
template <class D>
struct Reduced {
  hn::Vec<D> mantissa;
  hn::Vec<D> exponent;
};

// REQUIRES: x finite and > 0 in every lane; normal unless kSubnormals.
template <bool kSubnormals, class D>
HWY_INLINE Reduced<D> Reduce(D d, hn::Vec<D> x) {
  const hn::RebindToUnsigned<D> du;
  // Subnormals first scaled into the normal range: 2^54 x, 54 off k.
  const auto subnormal = hn::Lt(x, hn::Set(d, std::numeric_limits<double>::min()));
  if constexpr (kSubnormals) x = hn::IfThenElse(subnormal, hn::Mul(x, hn::Set(d, 0x1p54)), x);
  // As musl's log.c: adding 1.0's high bits minus those of sqrt(2)/2 carries
  // into the exponent field exactly when the mantissa is >= sqrt(2)/2.
  const auto bits = hn::Add(hn::BitCast(du, x),
                            hn::Set(du, std::uint64_t{0x3FF0000000000000 - 0x3FE6A09E00000000}));
  // k + 1023 is that exponent field; set in the mantissa of 2^52 it gives
  // the double 2^52 + k + 1023 exactly.
  const auto shifted_exponent =
      hn::BitCast(d, hn::Or(hn::ShiftRight<52>(bits), hn::Set(du, std::uint64_t{0x4330000000000000})));
  auto exponent = hn::Sub(shifted_exponent, hn::Set(d, 0x1p52 + 1023.0));
  if constexpr (kSubnormals) {
    exponent = hn::Sub(exponent, hn::IfThenElseZero(subnormal, hn::Set(d, 54.0)));
  }
  const auto mantissa_bits =
      hn::Or(hn::And(hn::BitCast(du, x), hn::Set(du, std::uint64_t{0xFFFFFFFF})),
             hn::Add(hn::And(bits, hn::Set(du, std::uint64_t{0x000FFFFF00000000})),
                     hn::Set(du, std::uint64_t{0x3FE6A09E00000000})));
  return {hn::BitCast(d, mantissa_bits), exponent};
}

// The reduction of 2x, given that of x.
template <class D>
HWY_INLINE Reduced<D> Twice(D d, const Reduced<D>& x) {
  return {x.mantissa, hn::Add(x.exponent, hn::Set(d, 1.0))};
}

// k ln 2 + log_m, with ln 2 split so that k ln2_hi is exact.
template <class D>
HWY_INLINE hn::Vec<D> AddExponent(D d, hn::Vec<D> k, hn::Vec<D> log_m) {
  const auto ln2_hi = hn::Set(d, 0.693147180369123816490);
  const auto ln2_lo = hn::Set(d, 1.90821492927058770002e-10);
  return hn::MulAdd(k, ln2_hi, hn::MulAdd(k, ln2_lo, log_m));
}

// ln x from its reduction: m - 1 is exact, and ln m = f - s (f - R(s)), f
// = m - 1, as in Highway's Log.
template <class D>
HWY_INLINE hn::Vec<D> ReducedLog(D d, const Reduced<D>& x) {
  const auto f = hn::Sub(x.mantissa, hn::Set(d, 1.0));
  const auto s = hn::Div(f, hn::Add(x.mantissa, hn::Set(d, 1.0)));
  const auto r = hn::impl::LogImpl<double>().LogPoly(d, s);
  return AddExponent(d, x.exponent, hn::NegMulAdd(s, hn::Sub(f, r), f));
}

// ln(a / b) from the reductions of a and b.
template <class D>
HWY_INLINE hn::Vec<D> ReducedLogRatio(D d, const Reduced<D>& a, const Reduced<D>& b) {
  const auto sqrt2 = hn::Set(d, 1.41421356237309504880);
  const auto one = hn::Set(d, 1.0);
  auto m_a = a.mantissa;
  auto m_b = b.mantissa;
  // m_a / m_b is in (1/2, 2); bring it to about [sqrt(2)/2, sqrt(2)].
  const auto above = hn::Gt(m_a, hn::Mul(m_b, sqrt2));
  const auto below = hn::Gt(m_b, hn::Mul(m_a, sqrt2));
  m_b = hn::IfThenElse(above, hn::Add(m_b, m_b), m_b);
  m_a = hn::IfThenElse(below, hn::Add(m_a, m_a), m_a);
  const auto k = hn::Sub(hn::Add(hn::Sub(a.exponent, b.exponent), hn::IfThenElseZero(above, one)),
                         hn::IfThenElseZero(below, one));
  const auto s = hn::Div(hn::Sub(m_a, m_b), hn::Add(m_a, m_b));
  const auto r = hn::impl::LogImpl<double>().LogPoly(d, s);
  // ln(m_a / m_b) = 2 s + s R(s).
  return AddExponent(d, k, hn::MulAdd(s, r, hn::Add(s, s)));
}

}  // namespace HWY_NAMESPACE
}  // namespace driftd
HWY_AFTER_NAMESPACE();

#endif  // include toggle
