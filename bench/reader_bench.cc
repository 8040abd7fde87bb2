// Record scanner throughput on one CSV or NDJSON file (bench/compare_pandas.py
// generates one and times pandas.read_csv on it in the same run):
//   Scan/<projection>/threads:T       scan_records, map touching every cell
//   ScanParse/<projection>/threads:T  the same, map running parse_number on
//                                     every present cell (what a numeric
//                                     column costs driftctl compare)
//   ReadTable                         read_table, every cell a std::string
// with <projection> all (every column) or one (the header's middle column),
// T 1 and 2. bytes_per_second is the file's size per scan, items_per_second
// projected cells (values) per second, process_cpu_ms the CPU time of every
// thread of the process per scan (on a loaded machine, where a second
// thread may find no free core, it shows whether the work split without
// overhead). The label names the CSV byte classifier's SIMD target.
//
//   build/bin/reader_bench FILE [--benchmark_... flags]
#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "dataset/csv_masks.h"
#include "dataset/data_file.h"
#include "dataset/record_scanner.h"
#include "dataset/table.h"

namespace driftd {
namespace {

struct Totals {
  std::uint64_t cells = 0;
  std::uint64_t bytes = 0;  // cell bytes, or numbers seen: keeps the work observable
};

// User and system CPU time of every thread of the process so far, in ms.
double process_cpu_ms() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) * 1e-3; };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

template <class MapCells>
void scan(benchmark::State& state, const DataFile& file, const std::vector<std::string>& columns,
          unsigned threads, MapCells map_cells) {
  Totals totals;
  const double cpu_before = process_cpu_ms();
  for (auto _ : state) {
    totals = {};
    scan_records<Totals>(
        file, columns, ScanOptions{ScanOptions{}.chunk_bytes, threads},
        [&](const RecordBatch& batch) {
          Totals chunk;
          for (std::size_t row = 0; row < batch.rows(); ++row) {  // cells are row-major
            for (std::size_t column = 0; column < batch.columns(); ++column) {
              map_cells(batch.cell(row, column), chunk);
            }
          }
          return chunk;
        },
        [&](Totals&& chunk) {
          totals.cells += chunk.cells;
          totals.bytes += chunk.bytes;
        });
    benchmark::DoNotOptimize(totals);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(file.bytes().size()));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(totals.cells));
  state.counters["process_cpu_ms"] =
      (process_cpu_ms() - cpu_before) / static_cast<double>(state.iterations());
  state.SetLabel(std::string(csv_masks_implementation()));
}

struct CountBytes {
  void operator()(std::optional<std::string_view> cell, Totals& totals) const {
    ++totals.cells;
    if (cell) totals.bytes += cell->size();
  }
};

struct CountNumbers {
  void operator()(std::optional<std::string_view> cell, Totals& totals) const {
    ++totals.cells;
    if (cell && parse_number(*cell)) ++totals.bytes;
  }
};

}  // namespace
}  // namespace driftd

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc != 2) {
    std::fprintf(stderr, "usage: reader_bench FILE [--benchmark_... flags]\n");
    return 64;
  }
  using namespace driftd;
  static const DataFile file = DataFile::open(argv[1]);
  static const std::vector<std::string> all = column_names(file, 2);
  static const std::vector<std::string> one{all[all.size() / 2]};
  for (const auto& [projection, columns] :
       {std::pair{"all", &all}, std::pair{"one", &one}}) {
    for (const unsigned threads : {1U, 2U}) {
      const std::string suffix = std::string("/") + projection + "/threads:" + std::to_string(threads);
      benchmark::RegisterBenchmark(("Scan" + suffix).c_str(), [=](benchmark::State& state) {
        scan(state, file, *columns, threads, CountBytes{});
      })->Unit(benchmark::kMillisecond)->UseRealTime();
      benchmark::RegisterBenchmark(("ScanParse" + suffix).c_str(), [=](benchmark::State& state) {
        scan(state, file, *columns, threads, CountNumbers{});
      })->Unit(benchmark::kMillisecond)->UseRealTime();
    }
  }
  benchmark::RegisterBenchmark("ReadTable", [](benchmark::State& state) {
    std::size_t rows = 0;
    for (auto _ : state) rows = read_table(file.path()).row_count();
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(file.bytes().size()));
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows * all.size()));
  })->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
