// The order-preserving unsigned form of a double and its inverse, shared by
// the quantile edges' radix selection (numeric_binning.cc), BatchBinner's
// radix index (radix_index.h) and the bounded-memory rank search
// (rank_refinement.h).
//
// Promise: for non-NaN a and b, a < b implies order_key(a) < order_key(b);
// -0.0 maps just below +0.0 (the two compare equal as doubles, so a caller
// that needs them together adds +0.0 first). The sign bit is flipped for
// x >= 0 (sign clear), every bit for x < 0.
//
// Thread safety: pure functions.
#pragma once

#include <bit>
#include <cstdint>

namespace driftd {

inline std::uint64_t order_key(double value) {
  const auto bits = std::bit_cast<std::uint64_t>(value);
  return (bits >> 63) != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
}

// The double whose order_key is `key`: order_key(from_order_key(k)) == k.
inline double from_order_key(std::uint64_t key) {
  const std::uint64_t bits = (key >> 63) != 0 ? key & ~(std::uint64_t{1} << 63) : ~key;
  return std::bit_cast<double>(bits);
}

}  // namespace driftd
