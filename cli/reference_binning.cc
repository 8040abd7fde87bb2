#include "cli/reference_binning.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <functional>
#include <span>
#include <thread>
#include <utility>

#include "common/error.h"
#include "histogram/rank_refinement.h"

namespace driftd::cli {
namespace {

// Runs task(0) ... task(count - 1) on up to `threads` threads. When tasks
// throw, the exception of the lowest index is rethrown, as one thread would
// have thrown it.
void for_each_index(std::size_t count, unsigned threads,
                    const std::function<void(std::size_t)>& task) {
  std::vector<std::exception_ptr> errors(count);
  std::atomic<std::size_t> next{0};  // the next index to take; relaxed: tasks share nothing
  const auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < count;) {
      try {
        task(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < std::min<std::size_t>(threads, count); ++t) helpers.emplace_back(work);
  work();
  for (std::thread& helper : helpers) helper.join();
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

// The counts per bin of a gridded column from its refined ranks, when the
// reads told every edge's count (RankRefinement::count_below).
std::optional<NumericCounts> counts_from_ranks(const NumericBinning& binning,
                                               const RankRefinement& refinement,
                                               const ColumnScan& scan) {
  const NumericProfile& profile = scan.profile();
  NumericCounts out;
  out.counts.assign(binning.bin_count() + 1, 0);
  uint64_t previous = 0;
  for (std::size_t e = 0; e < binning.edges().size(); ++e) {
    const std::optional<uint64_t> below = refinement.count_below(binning.edges()[e]);
    if (!below) return std::nullopt;
    out.counts[e] = *below - previous;
    previous = *below;
  }
  const std::size_t last = binning.bin_count() - 1;
  out.counts[last] = profile.finite - previous;
  out.counts[0] += profile.negative_infinite;
  out.counts[last] += profile.positive_infinite;
  out.counts.back() = scan.missing();
  return out;
}

std::string no_finite_values(const std::string& column) {
  return "column '" + column + "': reference has no finite values";
}

// What a refinement read's plan and value grid take per column: binners
// of up to 4,095 edges, counts and tallies per bin (measured: about
// 150 KiB).
constexpr std::size_t kPlanBytesPerColumn = std::size_t{192} << 10;

}  // namespace

ValueBudget first_read_budget(std::size_t memory) { return {memory / 2, kGridCells}; }

std::vector<std::optional<NumericReference>> bin_reference(
    const DataFile& reference, const std::vector<std::string>& names, FileScan& first_read,
    const std::vector<std::size_t>& columns, const std::vector<bool>& with_rows,
    const ColumnBinningOptions& binning, const ScanOptions& scan, std::size_t memory,
    unsigned& reads) {
  std::vector<std::optional<NumericReference>> out(names.size());
  std::vector<std::size_t> kept, gridded;
  for (const std::size_t i : columns) {
    const ColumnScan& column = *first_read.columns[i];
    if (!column.gridded()) {
      kept.push_back(i);
    } else if (column.profile().finite == 0) {
      throw InputError(no_finite_values(names[i]));
    } else {
      gridded.push_back(i);
    }
  }

  for_each_index(kept.size(), scan.threads, [&](std::size_t k) {
    const std::size_t i = kept[k];
    const std::vector<double>& values = first_read.columns[i]->values();
    NumericBinning column_binning = numeric_binning(names[i], values, binning);
    auto binner = std::make_unique<BatchBinner>(column_binning);
    NumericCounts counts = count_values(*binner, values, with_rows[i]);
    auto grid = std::make_shared<const ValueGrid>(grid_from_values(values, kGridCells));
    GridTally tally = grid->empty_tally();
    grid->tally(values, tally);
    out[i] = NumericReference{std::move(column_binning), std::move(binner), std::move(counts),
                              std::move(grid), std::move(tally)};
  });

  // The gridded columns' quantile ranks, from their grid counts, over as
  // many further reads as they take.
  std::vector<std::optional<RankRefinement>> refinements(names.size());
  std::vector<std::shared_ptr<const ValueGrid>> grids(names.size());
  std::vector<GridTally> tallies(names.size());
  // Half the budget, less what each column's plan and grid take beside
  // what it collects; an eighth at least.
  const std::size_t collect_bytes =
      std::max(memory / 8, memory / 2 - std::min(memory / 2, gridded.size() * kPlanBytesPerColumn));
  const std::size_t max_collected = std::max<std::size_t>(
      1, collect_bytes / sizeof(double) / std::max<std::size_t>(1, gridded.size()));
  for (const std::size_t i : gridded) {
    ColumnScan& column = *first_read.columns[i];
    grids[i] = column.take_grid();
    tallies[i] = column.grid_tally();
    if (binning.method != NumericBinningMethod::kQuantile) continue;
    const NumericProfile& profile = column.profile();
    const std::vector<std::size_t> ranks = NumericBinning::quantile_ranks(profile.finite, binning.bins);
    const std::span<const double> edges = grids[i]->cells().edges();
    refinements[i].emplace(profile.finite, profile.min, profile.max,
                           std::vector<uint64_t>(ranks.begin(), ranks.end()),
                           std::vector<double>(edges.begin(), edges.end()), tallies[i].counts,
                           max_collected);
  }
  for (;;) {
    std::vector<std::optional<ColumnRequest>> requests(names.size());
    std::vector<std::unique_ptr<ValueGrid>> plan_grids(names.size());
    for (const std::size_t i : gridded) {
      if (!refinements[i] || refinements[i]->done()) continue;
      const RefinementPlan& plan = refinements[i]->plan();
      plan_grids[i] = std::make_unique<ValueGrid>(NumericBinning::explicit_edges(plan.edges));
      requests[i] = ColumnRequest{ScanMode::kRefine, nullptr, false, plan_grids[i].get(), false,
                                  &plan.collect, max_collected};
    }
    if (std::none_of(requests.begin(), requests.end(), [](const auto& r) { return r.has_value(); })) {
      break;
    }
    FileScan read = scan_file(reference, names, requests, {}, scan);
    ++reads;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (!requests[i]) continue;
      ColumnScan& column = *read.columns[i];
      const std::span<const uint64_t> counts(column.bin_counts());
      refinements[i]->absorb(counts.first(counts.size() - 1), column.take_collected());
    }
  }

  // The gridded columns' bins, and their counts: from the ranks where they
  // tell them, else by one more read.
  std::vector<std::optional<NumericBinning>> binnings(names.size());
  std::vector<std::size_t> recount;
  for (const std::size_t i : gridded) {
    const ColumnScan& column = *first_read.columns[i];
    const NumericProfile& profile = column.profile();
    binnings[i] = binning.method == NumericBinningMethod::kQuantile
                      ? NumericBinning::quantile_at_ranks(profile.finite, binning.bins,
                                                          refinements[i]->values())
                      : NumericBinning::uniform_between(profile.min, profile.max, binning.bins);
    std::optional<NumericCounts> counts;
    if (!with_rows[i] && binning.method == NumericBinningMethod::kQuantile) {
      counts = counts_from_ranks(*binnings[i], *refinements[i], column);
    }
    if (!counts) {
      recount.push_back(i);
      continue;
    }
    auto binner = std::make_unique<BatchBinner>(*binnings[i]);
    out[i] = NumericReference{std::move(*binnings[i]), std::move(binner), std::move(*counts),
                              std::move(grids[i]), std::move(tallies[i])};
  }
  if (recount.empty()) return out;
  std::vector<std::optional<ColumnRequest>> requests(names.size());
  std::vector<std::unique_ptr<BatchBinner>> binners(names.size());
  for (const std::size_t i : recount) {
    binners[i] = std::make_unique<BatchBinner>(*binnings[i]);
    requests[i] = ColumnRequest{ScanMode::kBin, binners[i].get(), with_rows[i]};
  }
  FileScan read = scan_file(reference, names, requests, {}, scan);
  ++reads;
  for (const std::size_t i : recount) {
    out[i] = NumericReference{std::move(*binnings[i]), std::move(binners[i]),
                              counts_of_scan(*read.columns[i]), std::move(grids[i]),
                              std::move(tallies[i])};
  }
  return out;
}

}  // namespace driftd::cli
