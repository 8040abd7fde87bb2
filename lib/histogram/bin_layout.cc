#include "histogram/bin_layout.h"

#include <bit>

namespace driftd {
namespace {

constexpr std::uint64_t kFnvOffsetBasis = 14695981039346656037ULL;
constexpr std::uint64_t kFnvPrime = 1099511628211ULL;

}  // namespace

LayoutFingerprint::LayoutFingerprint(BinKind kind) : hash_(kFnvOffsetBasis) {
  add_byte(static_cast<std::uint8_t>(kind));
}

void LayoutFingerprint::add_byte(std::uint8_t byte) {
  hash_ = (hash_ ^ byte) * kFnvPrime;
}

void LayoutFingerprint::add(std::uint64_t value) {
  for (int shift = 0; shift < 64; shift += 8) {  // little-endian on every host
    add_byte(static_cast<std::uint8_t>(value >> shift));
  }
}

void LayoutFingerprint::add(double value) { add(std::bit_cast<std::uint64_t>(value)); }

void LayoutFingerprint::add(std::string_view text) {
  add(static_cast<std::uint64_t>(text.size()));
  for (char c : text) add_byte(static_cast<std::uint8_t>(c));
}

}  // namespace driftd
