// The logarithms of vector_log-inl.h on every compiled Highway target,
// against long double: positive doubles of every exponent (random bit
// patterns), subnormals, values next to 1 and to powers of two, and ratios
// a / b with a next to b, a equal to b, and quotients past the double range.
// This file re-includes itself through hwy/foreach_target.h, once per
// target, as divergence_kernels.cc does.
#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "vector_log_test.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "divergence/vector_log-inl.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace driftd {
namespace HWY_NAMESPACE {

// log_x[i] = ln x[i], log_ratio[i] = ln(a[i] / b[i]) with Reduce<kSubnormals>.
// REQUIRES: size a multiple of every target's lanes.
template <bool kSubnormals>
void VectorLogs(const double* x, const double* a, const double* b, std::size_t size,
                double* log_x, double* log_ratio) {
  const hn::ScalableTag<double> d;
  for (std::size_t i = 0; i < size; i += hn::Lanes(d)) {
    hn::StoreU(ReducedLog(d, Reduce<kSubnormals>(d, hn::LoadU(d, x + i))), d, log_x + i);
    hn::StoreU(ReducedLogRatio(d, Reduce<kSubnormals>(d, hn::LoadU(d, a + i)),
                               Reduce<kSubnormals>(d, hn::LoadU(d, b + i))),
               d, log_ratio + i);
  }
}

void VectorLogsWithSubnormals(const double* x, const double* a, const double* b,
                              std::size_t size, double* log_x, double* log_ratio) {
  VectorLogs<true>(x, a, b, size, log_x, log_ratio);
}

void VectorLogsOfNormals(const double* x, const double* a, const double* b, std::size_t size,
                         double* log_x, double* log_ratio) {
  VectorLogs<false>(x, a, b, size, log_x, log_ratio);
}

}  // namespace HWY_NAMESPACE
}  // namespace driftd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace driftd {
namespace {

HWY_EXPORT(VectorLogsWithSubnormals);
HWY_EXPORT(VectorLogsOfNormals);

constexpr double kMinNormal = std::numeric_limits<double>::min();
constexpr double kMax = std::numeric_limits<double>::max();
constexpr double kMinSubnormal = std::numeric_limits<double>::denorm_min();

// Restores Highway's own choice of target when a test ends, even a failed one.
struct RestoreTargetsAtExit {
  ~RestoreTargetsAtExit() { hwy::SetSupportedTargetsForTest(0); }
};

// The exact values come from long double, which must be wider than double
// (x86's 80-bit format; under valgrind, which computes it as a double, the
// comparison fails).
static_assert(std::numeric_limits<long double>::digits >= 64);

// ln(a / b) in long double from a and b themselves: log1p of the exact
// difference when a is within a factor 2 of b (Sterbenz), else a difference
// of logarithms that cancels nothing.
long double exact_log_ratio(double a, double b) {
  if (a <= 2 * b && b <= 2 * a) {
    return std::log1p(static_cast<long double>(a - b) / static_cast<long double>(b));
  }
  return std::log(static_cast<long double>(a)) - std::log(static_cast<long double>(b));
}

// |computed - exact| in units of the last place of the exact value as a
// double (of the smallest normal for results that small).
double ulps(double computed, long double exact) {
  const double rounded = static_cast<double>(exact);
  const double magnitude = std::max(std::abs(rounded), kMinNormal);
  const double ulp = std::nextafter(magnitude, HUGE_VAL) - magnitude;
  return static_cast<double>(std::abs(static_cast<long double>(computed) - exact)) / ulp;
}

struct Inputs {
  std::vector<double> x, a, b;
};

// Padded to a multiple of 16 lanes with 1.0.
Inputs make_inputs(bool with_subnormals) {
  std::mt19937_64 rng(29);
  Inputs in;
  const auto add = [&](double x, double a, double b) {
    in.x.push_back(x);
    in.a.push_back(a);
    in.b.push_back(b);
  };
  const auto random_positive = [&] {
    for (;;) {
      const double value = std::bit_cast<double>(rng() >> 1);  // sign bit clear
      if (std::isfinite(value) && value > 0 && (with_subnormals || value >= kMinNormal)) {
        return value;
      }
    }
  };
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  // Every random draw is its own statement: the order in which a call's
  // arguments are evaluated differs between compilers (GCC right to left,
  // clang left to right), and the inputs must not.
  // near(a, r): a scaled by (1 + r), kept finite (a may be close to the
  // largest double).
  const auto near = [](double a, double r) { return std::min(a * (1 + r), kMax); };
  for (int i = 0; i < 4000; ++i) {
    const double a = random_positive();
    const double x = random_positive();
    add(x, a, random_positive());
    // b within a few ulp, a few millionths, a few tenths of a.
    const double next = std::nextafter(a, (i % 2 == 0) ? HUGE_VAL : 0.0);
    add(1.0 + unit(rng) * 1e-6, a, std::min(next, kMax));
    const double x_near_one = 1.0 + unit(rng) * 0.4;
    add(x_near_one, a, near(a, unit(rng) * 1e-6));
    const double x_scaled = std::ldexp(1.0 + unit(rng) * 1e-3, i % 200 - 100);
    add(x_scaled, a, near(a, unit(rng) * 0.4));
  }
  for (int step = -8; step <= 8; ++step) {  // next to 1 and to sqrt(2)/2, sqrt(2)
    add(1.0 + step * 0x1p-52, 1.0 + step * 0x1p-52, 1.0);
    add(std::sqrt(2.0) + step * 0x1p-52, std::sqrt(2.0) + step * 0x1p-52, 1.0);
    add(std::sqrt(0.5) + step * 0x1p-53, 1.0, std::sqrt(2.0) + step * 0x1p-52);
  }
  add(1.0, 1.0, 1.0);
  add(kMax, kMax, kMinNormal);
  add(kMinNormal, kMinNormal, kMax);
  add(2.0, 0.5, 0.5);
  if (with_subnormals) {
    add(kMinSubnormal, kMax, kMinSubnormal);
    add(kMinSubnormal * 3, kMinSubnormal, kMax);
    add(kMinNormal / 3, kMinSubnormal * 7, kMinSubnormal * 5);
    add(kMinNormal - kMinSubnormal, kMinNormal - kMinSubnormal, kMinNormal);
  }
  while (in.x.size() % 16 != 0) add(1.0, 1.0, 1.0);
  return in;
}

void check_logs(bool with_subnormals) {
  const RestoreTargetsAtExit restore;
  const Inputs in = make_inputs(with_subnormals);
  const std::size_t size = in.x.size();
  for (const std::int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    INFO("target " << hwy::TargetName(target));
    std::vector<double> log_x(size), log_ratio(size);
    if (with_subnormals) {
      HWY_DYNAMIC_DISPATCH(VectorLogsWithSubnormals)(in.x.data(), in.a.data(), in.b.data(), size,
                                                     log_x.data(), log_ratio.data());
    } else {
      HWY_DYNAMIC_DISPATCH(VectorLogsOfNormals)(in.x.data(), in.a.data(), in.b.data(), size,
                                                log_x.data(), log_ratio.data());
    }
    double worst_log = 0, worst_ratio = 0;
    for (std::size_t i = 0; i < size; ++i) {
      INFO("x = " << in.x[i] << ", a = " << in.a[i] << ", b = " << in.b[i]);
      const double log_error = ulps(log_x[i], std::log(static_cast<long double>(in.x[i])));
      const double ratio_error = ulps(log_ratio[i], exact_log_ratio(in.a[i], in.b[i]));
      REQUIRE(log_error <= 2);
      REQUIRE(ratio_error <= 2);
      worst_log = std::max(worst_log, log_error);
      worst_ratio = std::max(worst_ratio, ratio_error);
    }
    CHECK(log_x[size - 1] == 0.0);  // padding: ln 1 exactly
    CHECK(log_ratio[size - 1] == 0.0);
    UNSCOPED_INFO(hwy::TargetName(target) << ": worst " << worst_log << " ulp for ln x, "
                                          << worst_ratio << " ulp for ln(a / b)");
  }
}

TEST_CASE("vector logarithms are within 2 ulp on every target, subnormals included",
          "[simd][vector_log]") {
  check_logs(true);
}

TEST_CASE("vector logarithms of normal values are within 2 ulp on every target",
          "[simd][vector_log]") {
  check_logs(false);
}

}  // namespace
}  // namespace driftd
#endif  // HWY_ONCE
