// Test data that a large offset leaves exact, for the large-offset tests of
// lib/gaussian: values on a grid of 2^-12, the ulp of doubles in
// [2^40, 2^41), which holds 1.7e12 (a timestamp in ms). Adding such an
// offset to them, or 1e6, rounds nothing, so the shifted rows hold the same
// information as the originals and any difference in a result is the
// computation's.
#pragma once

#include <cmath>
#include <vector>

namespace driftd {

// Rounds every value of every row to the nearest multiple of 2^-12.
inline void round_to_offset_grid(std::vector<std::vector<double>>& rows) {
  for (auto& row : rows) {
    for (double& v : row) v = std::round(std::ldexp(v, 12)) * std::ldexp(1.0, -12);
  }
}

}  // namespace driftd
