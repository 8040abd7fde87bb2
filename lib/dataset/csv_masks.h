// The byte classes a CSV scan needs, 64 bytes at a time: which bytes of a
// block are double quotes, commas and line feeds, as 64-bit masks (bit i is
// byte i of the block). The record scanner (csv_scan.h) derives the quoted
// regions from the quote masks by prefix XOR and walks the unquoted commas
// and line feeds.
//
// csv_block_masks() runs the best Highway target the CPU supports (runtime
// dispatch, as batch_binner.h), or scalar_csv_block_masks(), the reference
// the SIMD paths are tested against, when DRIFTD_SIMD=scalar
// (common/simd_target.h). Both give identical masks for every input.
//
// Thread safety: stateless; any thread may call these at any time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace driftd {

struct CsvBlockMasks {
  std::uint64_t quotes = 0;
  std::uint64_t commas = 0;
  std::uint64_t newlines = 0;  // '\n' only; a '\r' before it is the scanner's business
  friend bool operator==(const CsvBlockMasks&, const CsvBlockMasks&) = default;
};

inline constexpr std::size_t kCsvBlockBytes = 64;

// The masks of `blocks` consecutive blocks of 64 bytes starting at `data`.
// REQUIRES: data[0, 64 * blocks) is readable; out[0, blocks) writable.
void csv_block_masks(const char* data, std::size_t blocks, CsvBlockMasks* out);
void scalar_csv_block_masks(const char* data, std::size_t blocks, CsvBlockMasks* out);

// "scalar" under DRIFTD_SIMD=scalar, else the Highway target chosen
// ("AVX2", "AVX3", ...).
std::string_view csv_masks_implementation();

}  // namespace driftd
