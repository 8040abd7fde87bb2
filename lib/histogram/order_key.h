// The order-preserving unsigned form of a double, shared by the quantile
// edges' radix selection (numeric_binning.cc) and BatchBinner's radix index
// (radix_index.h).
//
// Promise: for non-NaN a and b, a < b implies order_key(a) < order_key(b);
// -0.0 maps just below +0.0 (the two compare equal as doubles, so a caller
// that needs them together adds +0.0 first). The sign bit is flipped for
// x >= 0 (sign clear), every bit for x < 0.
//
// Thread safety: a pure function.
#pragma once

#include <bit>
#include <cstdint>

namespace driftd {

inline std::uint64_t order_key(double value) {
  const auto bits = std::bit_cast<std::uint64_t>(value);
  return (bits >> 63) != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
}

}  // namespace driftd
