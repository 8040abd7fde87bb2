// The significance of a feature pair's conditional term: is the change in
// sum_x P(x) D(P(Y|x) || Q(Y|x)) (chain_rule.h) more than sampling noise?
// The plug-in conditional KL is biased upwards by about
// (cells - x_bins) / (2n) nats even when nothing changed, so on a small
// window a threshold alone says little; alerts on "the relationship changed"
// use this p-value instead (docs/metrics.md, "Significance").
//
// The test is of H0: P(Y|x) = Q(Y|x) for every x, whatever the marginals P(x)
// and Q(x) (a covariate shift alone is not a rejection). It is stratified by
// x: for each row x where both the window and the reference have mass, the
// 2 x y_bins table (window row, reference row) is tested for homogeneity as a
// single feature is, pooled in y order and corrected by Williams' factor
// (pooled_g_statistic(), divergence/calibrated_g_test.h). Under H0 the rows
// are independent given their totals, so the statistics and their degrees of
// freedom add up: p = chi-square survival of sum_x G_x / q_x with
// sum_x (g_x - 1) degrees of freedom, 1 when that sum is 0 (no row has
// enough data to test anything).
//
// Rows where one side has no mass are not tested: Y|x is not observed on that
// side, and the row's appearance or disappearance is a change of the X
// marginal, which the marginal term and its test cover.
//
// Without pooling, the plain G statistics partition exactly:
// G(joint cells) = G(X marginal) + sum_x G(row x), the likelihood-ratio form
// of the chain rule; tests/joint checks it. Measured type-I error at
// alpha = 0.01 on 16 x 16 tables whose X marginal is shifted and most of
// whose window cells expect fewer than 5 events, windows of 1,000 events
// against references of 10,000: 0.9% of 4,000 tables, 1.09% of 100,000
// (tests/joint/conditional_g_calibration_test.cc).
//
// Thread safety: a pure function; allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "divergence/calibrated_g_test.h"

namespace driftd {

// joint_p is the current window's histogram of raw counts, joint_q the
// reference's, row-major x_bins x y_bins (cell (x, y) at x * y_bins + y).
// dof is the sum of the tested rows' pooled dof.
// REQUIRES (else InputError): both histograms have x_bins * y_bins cells.
CalibratedGTest conditional_g_test(std::span<const std::uint64_t> joint_p,
                                   std::span<const std::uint64_t> joint_q, std::size_t x_bins,
                                   std::size_t y_bins);

}  // namespace driftd
