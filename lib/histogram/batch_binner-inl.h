// Per-target SIMD kernels of BatchBinner (see batch_binner.h for what they
// compute and batch_binner.cc for the dispatch). batch_binner.cc includes
// this file once per Highway target through hwy/foreach_target.h; the guard
// below toggles so that each inclusion compiles the kernels again.
//
// Bit-exact with scalar_binner.cc: only comparisons of a value with edges
// decide its bin, no arithmetic on the values.

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

#include "hwy/highway.h"
#include "histogram/batch_binner.h"

HWY_BEFORE_NAMESPACE();
namespace driftd {
namespace HWY_NAMESPACE {

namespace hn = hwy::HWY_NAMESPACE;

// Tree levels of up to this many vectors of nodes are looked up with lane
// permutations; deeper levels are gathered. Measured on Zen 4 (AVX-512):
// four permutations and three blends beat one gather (64 bins: 1.4x the
// values/s of gathering every level past the first vector); eight no longer
// pay.
constexpr std::size_t kMaxVectorsPerLevel = 4;

// Values searched before their counts are incremented. Searching a block
// and then incrementing keeps the vector work and the scalar increments
// apart (faster than interleaving them per vector).
constexpr std::size_t kCountBlock = 256;

// One step down the search tree: node = 2 * node + (pivot <= x).
template <class DI, class V>
HWY_INLINE hn::Vec<DI> Descend(DI di, hn::Vec<DI> node, V pivot, V x) {
  const auto go_right = hn::VecFromMask(di, hn::RebindMask(di, hn::Le(pivot, x)));
  return hn::Sub(hn::Add(node, node), go_right);  // go_right is -1 or 0
}

// The bin of every lane of x: the number of edges <= x, or the missing slot
// (edge_count + 1) for NaN.
template <class D>
HWY_INLINE hn::Vec<hn::RebindToSigned<D>> BinOf(D d, const detail::BinSearchTables& tables,
                                                hn::Vec<D> x) {
  const hn::RebindToSigned<D> di;
  const std::size_t lanes = hn::Lanes(d);
  // Index of the current node within its level; after the last level, the
  // number of padded edges <= x.
  auto node = hn::Zero(di);
  std::size_t level = 0;
  // Levels that fit in one vector: a lane permutation picks each lane's
  // pivot.
  for (; level < tables.levels; ++level) {
    const std::size_t level_size = std::size_t{1} << level;
    const std::size_t level_start = level_size - 1;
    if (level_size > lanes || level_start + lanes > tables.tree_size) break;
    const auto level_nodes = hn::LoadU(d, tables.tree + level_start);
    node = Descend(di, node, hn::TableLookupLanes(level_nodes, hn::IndicesFromVec(d, node)), x);
  }
  // Levels of a few vectors: node n is lane n % lanes of vector n / lanes;
  // permute every vector and keep, per lane, the one holding its node.
  const auto lane_mask = hn::Set(di, static_cast<std::int64_t>(lanes - 1));
  for (; level < tables.levels; ++level) {
    const std::size_t level_size = std::size_t{1} << level;
    const std::size_t level_start = level_size - 1;
    const std::size_t vectors = level_size / lanes;
    // Whole vectors only (level_size is a power of two, so lanes is too).
    if (vectors == 0 || level_size % lanes != 0 || vectors > kMaxVectorsPerLevel ||
        level_start + level_size > tables.tree_size) {
      break;
    }
    const double* level_nodes = tables.tree + level_start;
    const auto lane_of_node = hn::IndicesFromVec(d, hn::And(node, lane_mask));
    auto pivot = hn::TableLookupLanes(hn::LoadU(d, level_nodes), lane_of_node);
    for (std::size_t v = 1; v < vectors; ++v) {
      const auto node_in_v = hn::Gt(node, hn::Set(di, static_cast<std::int64_t>(v * lanes - 1)));
      const auto vector_v = hn::LoadU(d, level_nodes + v * lanes);
      pivot = hn::IfThenElse(hn::RebindMask(d, node_in_v),
                             hn::TableLookupLanes(vector_v, lane_of_node), pivot);
    }
    node = Descend(di, node, pivot, x);
  }
  // Deeper levels: gather each lane's pivot.
  for (; level < tables.levels; ++level) {
    const std::size_t level_start = (std::size_t{1} << level) - 1;
    const auto pivot = hn::GatherIndex(d, tables.tree + level_start, node);
    node = Descend(di, node, pivot, x);
  }
  // The +inf padding counts as <= x for x = +inf: clamp to the real edges.
  const auto bin = hn::Min(node, hn::Set(di, static_cast<std::int64_t>(tables.edge_count)));
  const auto missing = hn::Set(di, static_cast<std::int64_t>(tables.edge_count + 1));
  return hn::IfThenElse(hn::RebindMask(di, hn::IsNaN(x)), missing, bin);
}

// Stores the bins of one vector as uint32 (exact: at most kMaxNumericBins + 1).
template <class D>
HWY_INLINE void StoreBins(D /* d */, hn::Vec<hn::RebindToSigned<D>> bins, std::uint32_t* out) {
  const hn::RebindToUnsigned<D> du64;
  const hn::Rebind<std::uint32_t, D> du32;
  hn::StoreU(hn::TruncateTo(du32, hn::BitCast(du64, bins)), du32, out);
}

// The bins of the last `remaining` values (fewer than one vector), written
// to out[0, remaining); out has room for a whole vector.
template <class D>
HWY_INLINE void StoreTailBins(D d, const detail::BinSearchTables& tables, const double* values,
                              std::size_t remaining, std::uint32_t* out) {
  HWY_ALIGN double tail[hn::MaxLanes(d)] = {};
  std::memcpy(tail, values, remaining * sizeof(double));
  StoreBins(d, BinOf(d, tables, hn::Load(d, tail)), out);
}

// counts[bin of x] += 1 for each of the `size` values; counts has
// edge_count + 2 slots, the last for NaN.
HWY_NOINLINE void CountBins(const detail::BinSearchTables& tables,
                            const double* HWY_RESTRICT values, std::size_t size,
                            std::uint64_t* HWY_RESTRICT counts) {
  const hn::ScalableTag<double> d;
  const hn::RebindToSigned<decltype(d)> di;
  const std::size_t lanes = hn::Lanes(d);
  const std::size_t missing_slot = tables.edge_count + 1;
  // A block, plus room for the last vector to overrun it.
  HWY_ALIGN std::uint32_t block_bins[kCountBlock + hn::MaxLanes(d)];

  // The bin of the last non-NaN value searched so far, and its bounds: a
  // vector entirely inside it is counted without searching (constant or
  // slowly moving features). NaN bounds match nothing before the first
  // search.
  std::size_t run_bin = 0;
  auto run_lower = hn::Set(d, std::numeric_limits<double>::quiet_NaN());
  auto run_upper = run_lower;

  std::size_t i = 0;
  while (i + lanes <= size) {
    std::size_t searched = 0;
    for (; searched < kCountBlock && i + lanes <= size; i += lanes) {
      const auto x = hn::LoadU(d, values + i);
      if (hn::AllTrue(d, hn::And(hn::Ge(x, run_lower), hn::Lt(x, run_upper)))) {
        counts[run_bin] += lanes;
        continue;
      }
      const auto bins = BinOf(d, tables, x);
      StoreBins(d, bins, block_bins + searched);
      searched += lanes;
      const auto last_bin = static_cast<std::size_t>(hn::GetLane(hn::Reverse(di, bins)));
      if (last_bin != missing_slot) {
        run_bin = last_bin;
        run_lower = hn::Set(d, tables.bin_bounds[run_bin]);
        run_upper = hn::Set(d, tables.bin_bounds[run_bin + 1]);
      }
    }
    for (std::size_t k = 0; k < searched; ++k) ++counts[block_bins[k]];
  }
  if (i < size) {
    StoreTailBins(d, tables, values + i, size - i, block_bins);
    for (std::size_t k = 0; k < size - i; ++k) ++counts[block_bins[k]];
  }
}

// bins_out[k] = bin of values[k] for each of the `size` values.
HWY_NOINLINE void AssignBins(const detail::BinSearchTables& tables,
                             const double* HWY_RESTRICT values, std::size_t size,
                             std::uint32_t* HWY_RESTRICT bins_out) {
  const hn::ScalableTag<double> d;
  const std::size_t lanes = hn::Lanes(d);
  std::size_t i = 0;
  for (; i + lanes <= size; i += lanes) {
    StoreBins(d, BinOf(d, tables, hn::LoadU(d, values + i)), bins_out + i);
  }
  if (i < size) {
    HWY_ALIGN std::uint32_t tail_bins[hn::MaxLanes(d)];
    StoreTailBins(d, tables, values + i, size - i, tail_bins);
    std::memcpy(bins_out + i, tail_bins, (size - i) * sizeof(std::uint32_t));
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace driftd
HWY_AFTER_NAMESPACE();

#endif  // DRIFTD_HISTOGRAM_BATCH_BINNER_INL_H_
