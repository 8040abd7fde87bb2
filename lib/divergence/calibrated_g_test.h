// The calibrated p-value of a window against its reference: the G-test of
// homogeneity on a table whose sparse bins are pooled, with Williams'
// correction (docs/metrics.md, "Significance"; the calibration is measured in
// docs/detection.md).
//
// The plain G-test (Significance::p_value) reads G against a chi-square
// distribution, which holds only when every expected count is large. With
// sparse bins (many bins, a small window, rare categories) it rejects up to
// 10x more often than nominal under no drift. Here, before testing:
//   1. Pooling: bins are merged with their neighbours, in bin order (numeric
//      bins by value, categories in dictionary order, most frequent first),
//      greedily from the first bin, until each group's smaller expected count
//      min(n, m) * C_g / (n + m) is at least kMinExpectedCount (C_g: the
//      group's column total); a last group short of it joins the group before.
//      The groups depend only on the column totals, the statistic the
//      homogeneity test conditions on, so pooling spends no significance.
//   2. G of the pooled 2 x g table, 2 sum O ln(O/E), divided by Williams'
//      (1976) factor q = 1 + (N (1/n + 1/m) - 1) (N sum_g 1/C_g - 1) / (6 N (g - 1)).
//   3. p = chi-square survival of G / q with g - 1 degrees of freedom; 1 when
//      everything pooled into one group (too little data to test anything).
// pooled_g_statistic() stops before step 3: G / q and g - 1 are what a
// stratified test adds up over strata (joint/conditional_g_test.h).
// Under no drift the type-I error is within [0.76, 1.52] x nominal at alpha
// = 0.001 and 0.01 (the plain G-test: up to 10x) for 10 and 64 bins,
// equal-mass and Zipf-skewed (bins down to 0.05% mass), windows of 100 to
// 10,000 and references of 1,000 and 10,000 events; the one cell above 1.5 is
// sampling noise of 50,000 tables (bench/detection, docs/detection.md).
//
// Thread safety: pure functions; they allocate nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace driftd {

// Cochran's rule of thumb for chi-square approximations, per cell.
inline constexpr double kMinExpectedCount = 5.0;

struct PooledGStatistic {
  double g_corrected;  // G of the pooled table / Williams' q, >= 0; 0 when dof = 0
  int dof;             // pooled groups - 1
};

struct CalibratedGTest {
  int dof;         // pooled groups - 1
  double p_value;  // in [0, 1]
};

// Steps 1 and 2: the pooled, Williams-corrected statistic.
// REQUIRES: p.size() == q.size(); n = sum of p > 0, m = sum of q > 0 (the
// caller has validated the counts). plain_g, when given, is G of the unpooled
// table (Significance::g_statistic): when no bin needs pooling the pooled
// table is that table, and its G is taken instead of computed again.
PooledGStatistic pooled_g_statistic(std::span<const uint64_t> p, std::span<const uint64_t> q,
                                    double n, double m,
                                    std::optional<double> plain_g = std::nullopt);

// All three steps: pooled_g_statistic() read against chi-square.
// REQUIRES: as pooled_g_statistic().
CalibratedGTest calibrated_g_test(std::span<const uint64_t> p, std::span<const uint64_t> q,
                                  double n, double m,
                                  std::optional<double> plain_g = std::nullopt);

}  // namespace driftd
