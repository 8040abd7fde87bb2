// csv_masks: the dispatch-free part and the per-target entry points, laid
// out as Highway's skeleton.cc. This file is compiled once and re-includes
// itself through hwy/foreach_target.h, once per target.
#include "dataset/csv_masks.h"

#include "common/simd_target.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "dataset/csv_masks.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "dataset/csv_masks-inl.h"

#if HWY_ONCE

namespace driftd {

HWY_EXPORT(CsvBlockMasksKernel);
HWY_EXPORT(CsvMasksTargetName);

void scalar_csv_block_masks(const char* data, std::size_t blocks, CsvBlockMasks* out) {
  for (std::size_t block = 0; block < blocks; ++block) {
    CsvBlockMasks masks;
    for (std::size_t i = 0; i < kCsvBlockBytes; ++i) {
      const char c = data[block * kCsvBlockBytes + i];
      masks.quotes |= std::uint64_t{c == '"'} << i;
      masks.commas |= std::uint64_t{c == ','} << i;
      masks.newlines |= std::uint64_t{c == '\n'} << i;
    }
    out[block] = masks;
  }
}

void csv_block_masks(const char* data, std::size_t blocks, CsvBlockMasks* out) {
  if (simd_forced_scalar()) {
    scalar_csv_block_masks(data, blocks, out);
  } else {
    HWY_DYNAMIC_DISPATCH(CsvBlockMasksKernel)(data, blocks, out);
  }
}

std::string_view csv_masks_implementation() {
  return simd_forced_scalar() ? "scalar" : HWY_DYNAMIC_DISPATCH(CsvMasksTargetName)();
}

}  // namespace driftd

#endif  // HWY_ONCE
