// Per-target SIMD kernel of csv_masks.h; csv_masks.cc includes this file
// once per Highway target through hwy/foreach_target.h (the guard below
// toggles so that each inclusion compiles the kernel again).

// Per-target include guard, as in Highway's skeleton-inl.h.
#if defined(DRIFTD_DATASET_CSV_MASKS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef DRIFTD_DATASET_CSV_MASKS_INL_H_
#undef DRIFTD_DATASET_CSV_MASKS_INL_H_
#else
#define DRIFTD_DATASET_CSV_MASKS_INL_H_
#endif

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "dataset/csv_masks.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace driftd {
namespace HWY_NAMESPACE {

namespace hn = hwy::HWY_NAMESPACE;

// The bits of one vector's mask, lane i at bit i. Vectors hold 1 (the
// HWY_SCALAR target) to 64 bytes; StoreMaskBits writes ceil(lanes / 8)
// bytes.
template <class D>
HWY_INLINE std::uint64_t MaskWord(D d, hn::Mask<D> mask) {
  std::uint8_t bytes[8] = {};
  hn::StoreMaskBits(d, mask, bytes);
  std::uint64_t word;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}

void CsvBlockMasksKernel(const char* data, std::size_t blocks, CsvBlockMasks* out) {
  const hn::CappedTag<std::uint8_t, kCsvBlockBytes> d;
  const std::size_t lanes = hn::Lanes(d);
  const auto quote = hn::Set(d, std::uint8_t{'"'});
  const auto comma = hn::Set(d, std::uint8_t{','});
  const auto newline = hn::Set(d, std::uint8_t{'\n'});
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(data);
  for (std::size_t block = 0; block < blocks; ++block) {
    CsvBlockMasks masks;
    for (std::size_t i = 0; i < kCsvBlockBytes; i += lanes) {
      const auto v = hn::LoadU(d, bytes + block * kCsvBlockBytes + i);
      masks.quotes |= MaskWord(d, hn::Eq(v, quote)) << i;
      masks.commas |= MaskWord(d, hn::Eq(v, comma)) << i;
      masks.newlines |= MaskWord(d, hn::Eq(v, newline)) << i;
    }
    out[block] = masks;
  }
}

const char* CsvMasksTargetName() { return hwy::TargetName(HWY_TARGET); }

}  // namespace HWY_NAMESPACE
}  // namespace driftd
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
