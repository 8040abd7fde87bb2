// Benjamini-Hochberg control of the false discovery rate across the
// features of one window (metrics.md, "Significance").
//
// With m p-values sorted ascending p_(1) <= ... <= p_(m), the procedure at
// level q rejects (calls significant) the hypotheses p_(1)..p_(k) for the
// largest k with p_(k) <= k q / m. The expected share of false discoveries
// among the rejections is then at most q (for independent or positively
// dependent tests).
//
// Thread safety: a pure function.
#pragma once

#include <span>
#include <vector>

namespace driftd {

// significant[i] is true when p_values[i] is rejected at level q.
// REQUIRES: 0 < q < 1; p-values in [0, 1].
std::vector<bool> benjamini_hochberg(std::span<const double> p_values, double q);

}  // namespace driftd
