// Per-target SIMD kernels of BatchBinner (see batch_binner.h for what they
// compute and batch_binner.cc for the dispatch). batch_binner.cc includes
// this file once per Highway target through hwy/foreach_target.h; the guard
// below toggles so that each inclusion compiles the kernels again.
//
// The search is RadixIndex's (radix_index.h), in two stages per block of
// values: vectors compute the buckets (clamp, integer key, shift), then
// scalar code reads each bucket's entry and compares the value with its one
// or two candidate edges. Values whose bucket has a sub-level go through it
// after the block: those that share the first such value's sub-level in
// vectors again, the others one by one. No gathers: AVX2's are microcoded
// on AMD's AVX2-only cores (Zen 1 to 3: tens of micro-ops per 4-lane
// gather), and on Zen 4 the scalar second stage beat gathering the entries
// and candidates in vectors too, for AVX2 and AVX3 alike
// (docs/performance.md).
//
// Bit-exact with scalar_binner.cc: only comparisons of a value with edges
// decide its bin; the bucket arithmetic only chooses which edges.

// Per-target include guard, as in Highway's skeleton-inl.h.
#if defined(DRIFTD_HISTOGRAM_BATCH_BINNER_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef DRIFTD_HISTOGRAM_BATCH_BINNER_INL_H_
#undef DRIFTD_HISTOGRAM_BATCH_BINNER_INL_H_
#else
#define DRIFTD_HISTOGRAM_BATCH_BINNER_INL_H_
#endif

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#include "histogram/batch_binner.h"
#include "histogram/radix_index.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace driftd {
namespace HWY_NAMESPACE {

namespace hn = hwy::HWY_NAMESPACE;

// Values whose buckets the vector stage computes before the scalar stage
// finishes them: keeping the two apart is faster than interleaving them per
// vector.
constexpr std::size_t kBlockSize = 256;

// A level's f(x) of radix_index.h, lane-wise, for x not NaN.
template <class D>
class LevelScale {
 public:
  using V = hn::Vec<D>;
  using DU = hn::RebindToUnsigned<D>;

  LevelScale(D d, const RadixLevel& level)
      : offset_(hn::Set(d, level.offset)),
        low_(hn::Set(d, level.low)),
        high_(hn::Set(d, level.high)),
        first_key_(hn::Set(DU(), level.first_key)),
        shift_(static_cast<int>(level.shift)) {}

  hn::Vec<DU> BucketOf(V x) const {
    const DU du;
    const hn::RebindToSigned<D> di;
    const V y = hn::Min(hn::Max(hn::Add(x, offset_), low_), high_);
    const auto bits = hn::BitCast(du, y);
    // key(): flip all bits of negative doubles, the sign bit of the others.
    const auto flip = hn::Or(hn::BitCast(du, hn::BroadcastSignBit(hn::BitCast(di, bits))),
                             hn::Set(du, std::uint64_t{1} << 63));
    return hn::Sub(hn::ShiftRightSame(hn::Xor(bits, flip), shift_), first_key_);
  }

 private:
  const V offset_, low_, high_;
  const hn::Vec<DU> first_key_;
  const int shift_;
};

// The bins of up to kBlockSize values, added a vector at a time: Add()
// runs the vector stage of the search, ForEachBin() the scalar stage.
template <class D>
class BlockSearch {
 public:
  using V = hn::Vec<D>;

  BlockSearch(D d, const RadixIndexView& index)
      : index_(index),
        root_(d, index.levels[0]),
        nan_bucket_(hn::Set(DU(), index.levels[0].bucket_count)) {}

  std::size_t size() const { return size_; }
  void Clear() { size_ = 0; }

  // REQUIRES: size() + Lanes(d) <= kBlockSize.
  void Add(D d, V x) {
    const hn::Rebind<std::uint32_t, D> du32;
    const auto bucket =
        hn::IfThenElse(hn::RebindMask(DU(), hn::IsNaN(x)), nan_bucket_, root_.BucketOf(x));
    hn::Store(hn::TruncateTo(du32, bucket), du32, buckets_ + size_);
    hn::Store(x, d, values_ + size_);
    size_ += hn::Lanes(d);
  }

  // Calls sink(k, bin) with the bin of each of the size() values added
  // since Clear(), in order (k = 0, 1, ...).
  template <class Sink>
  void ForEachBin(const Sink& sink) {
    // A copy whose address the loops do not give away: its fields stay in
    // registers across the stores.
    const RadixIndexView index = index_;
    if (index.level_count == 1) {  // every entry is a first(b)
      for (std::size_t k = 0; k < size_; ++k) {
        sink(k, radix_bin_in_bucket(index, index.entries[buckets_[k]], values_[k]));
      }
      return;
    }
    // Branch-free over all values, noting those whose bucket has a
    // sub-level, searched again after: in a mixture of far clusters values
    // of both kinds interleave, and a branch per value would mispredict.
    std::size_t deferred = 0;
    for (std::size_t k = 0; k < size_; ++k) {
      const std::uint16_t entry = index.entries[buckets_[k]];
      bins_[k] = radix_bin_unless_sub_level(index, entry, values_[k]);
      deferred_[deferred] = static_cast<std::uint16_t>(k);
      deferred += entry >> 15;
    }
    if (deferred > 0) SearchDeferred(index, deferred);
    for (std::size_t k = 0; k < size_; ++k) sink(k, bins_[k]);
  }

 private:
  using DU = hn::RebindToUnsigned<D>;

  // The bins of the values deferred_[0, deferred). Those whose bucket
  // names the same sub-level as the first one's (a far cluster's values,
  // typically all of them) get their buckets in that level in vectors too,
  // then the scalar finish; the others, one by one.
  void SearchDeferred(const RadixIndexView& index, std::size_t deferred) {
    const std::uint16_t shared = index.entries[buckets_[deferred_[0]]];
    std::size_t same = 0;
    for (std::size_t j = 0; j < deferred; ++j) {
      const std::size_t k = deferred_[j];
      const std::uint16_t entry = index.entries[buckets_[k]];
      if (entry == shared) {
        deferred_[same] = static_cast<std::uint16_t>(k);
        shared_values_[same++] = values_[k];
      } else {
        bins_[k] = radix_bin_in_sub_level(index, entry, values_[k]);
      }
    }
    const RadixLevel& level = index.levels[shared & ~kRadixSubLevel];
    if (level.bucket_count == 0) {  // bisected
      for (std::size_t j = 0; j < same; ++j) {
        bins_[deferred_[j]] = radix_bin_in_sub_level(index, shared, shared_values_[j]);
      }
      return;
    }
    const D d;
    const hn::Rebind<std::uint32_t, D> du32;
    const std::size_t lanes = hn::Lanes(d);
    // Whole vectors: the last one padded with copies of a value it holds.
    for (std::size_t j = same; j % lanes != 0; ++j) shared_values_[j] = shared_values_[0];
    const LevelScale<D> scale(d, level);
    for (std::size_t j = 0; j < same; j += lanes) {
      hn::Store(hn::TruncateTo(du32, scale.BucketOf(hn::Load(d, shared_values_ + j))), du32,
                sub_buckets_ + j);
    }
    for (std::size_t j = 0; j < same; ++j) {
      const std::uint16_t entry = index.entries[level.entries_begin + sub_buckets_[j]];
      bins_[deferred_[j]] = (entry & kRadixSubLevel) != 0
                                ? radix_bin_in_sub_level(index, entry, shared_values_[j])
                                : radix_bin_in_bucket(index, entry, shared_values_[j]);
    }
  }

  const RadixIndexView& index_;
  const LevelScale<D> root_;
  const hn::Vec<DU> nan_bucket_;
  std::size_t size_ = 0;
  HWY_ALIGN std::uint32_t buckets_[kBlockSize];
  HWY_ALIGN double values_[kBlockSize];
  // With sub-levels only: the bins; the positions searched again; the values
  // and sub-level buckets of those that share the first one's sub-level.
  std::uint32_t bins_[kBlockSize];
  std::uint16_t deferred_[kBlockSize];
  HWY_ALIGN double shared_values_[kBlockSize];
  HWY_ALIGN std::uint32_t sub_buckets_[kBlockSize];
};

// Searches the last `remaining` values (fewer than one vector), zero-padded
// to one vector, alone in the block; only the first `remaining` of its bins
// are theirs.
template <class D>
HWY_INLINE void SearchTail(D d, BlockSearch<D>& block, const double* values,
                           std::size_t remaining) {
  HWY_ALIGN double tail[hn::MaxLanes(d)] = {};
  std::memcpy(tail, values, remaining * sizeof(double));
  block.Clear();
  block.Add(d, hn::Load(d, tail));
}

// counts[bin of x] += 1 for each of the `size` values; counts has
// edge_count + 2 slots, the last for NaN.
HWY_NOINLINE void CountBins(const detail::BinnerTables& tables, const double* HWY_RESTRICT values,
                            std::size_t size, std::uint64_t* HWY_RESTRICT counts) {
  using D = hn::ScalableTag<double>;
  const D d;
  const std::size_t lanes = hn::Lanes(d);
  const std::size_t missing_slot = tables.index.edge_count + 1;
  BlockSearch<D> block(d, tables.index);

  // The bin of the last value of the last block searched, unless NaN, and
  // its bounds: a vector entirely inside it is counted without searching
  // (constant or slowly moving features). NaN bounds match nothing before
  // the first search.
  std::size_t run_bin = 0;
  auto run_lower = hn::Set(d, std::numeric_limits<double>::quiet_NaN());
  auto run_upper = run_lower;

  std::size_t i = 0;
  while (i + lanes <= size) {
    block.Clear();
    for (; block.size() < kBlockSize && i + lanes <= size; i += lanes) {
      const auto x = hn::LoadU(d, values + i);
      if (hn::AllTrue(d, hn::And(hn::Ge(x, run_lower), hn::Lt(x, run_upper)))) {
        counts[run_bin] += lanes;
        continue;
      }
      block.Add(d, x);
    }
    std::size_t last_bin = missing_slot;
    block.ForEachBin([&](std::size_t /* k */, std::uint32_t bin) HWY_ATTR {
      ++counts[bin];
      last_bin = bin;
    });
    if (last_bin != missing_slot) {
      run_bin = last_bin;
      run_lower = hn::Set(d, tables.bin_bounds[run_bin]);
      run_upper = hn::Set(d, tables.bin_bounds[run_bin + 1]);
    }
  }
  if (i < size) {
    const std::size_t remaining = size - i;
    SearchTail(d, block, values + i, remaining);
    block.ForEachBin([&](std::size_t k, std::uint32_t bin) HWY_ATTR {
      if (k < remaining) ++counts[bin];
    });
  }
}

// bins_out[k] = bin of values[k] for each of the `size` values.
HWY_NOINLINE void AssignBins(const detail::BinnerTables& tables,
                             const double* HWY_RESTRICT values, std::size_t size,
                             std::uint32_t* HWY_RESTRICT bins_out) {
  using D = hn::ScalableTag<double>;
  const D d;
  const std::size_t lanes = hn::Lanes(d);
  BlockSearch<D> block(d, tables.index);
  std::size_t i = 0;
  while (i + lanes <= size) {
    std::uint32_t* out = bins_out + i;
    block.Clear();
    for (; block.size() < kBlockSize && i + lanes <= size; i += lanes) {
      block.Add(d, hn::LoadU(d, values + i));
    }
    block.ForEachBin([out](std::size_t k, std::uint32_t bin) HWY_ATTR { out[k] = bin; });
  }
  if (i < size) {
    // The tail's bins go to a whole vector's room, then the real ones out.
    HWY_ALIGN std::uint32_t tail_bins[hn::MaxLanes(d)];
    SearchTail(d, block, values + i, size - i);
    block.ForEachBin([&](std::size_t k, std::uint32_t bin) HWY_ATTR { tail_bins[k] = bin; });
    std::memcpy(bins_out + i, tail_bins, (size - i) * sizeof(std::uint32_t));
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace driftd
HWY_AFTER_NAMESPACE();

#endif  // DRIFTD_HISTOGRAM_BATCH_BINNER_INL_H_
