// The Highway targets a benchmark times its SIMD paths on, several in one
// process, so that their figures and the scalar baselines share one run.
//
// bench_targets() lists every target this CPU supports and the library was
// compiled for, best first ("AVX3", "AVX2", "SSE4", ...), or, when the
// environment variable DRIFTD_BENCH_TARGETS is set, only the ones it names
// (comma-separated, e.g. DRIFTD_BENCH_TARGETS=AVX2 or AVX3,AVX2): the way to
// time the AVX2 code path on an AVX-512 machine (bench/compare_numpy.py
// --targets). A name this CPU cannot run is an error (std::runtime_error),
// not silently skipped.
//
// run_per_target_benchmarks() is such a benchmark's main().
//
// A TargetScope restricts Highway's dispatch, process-wide, to one target for
// its lifetime (hwy::SetSupportedTargetsForTest) and restores the normal
// choice afterwards; the benchmark body builds one before its timing loop.
//
// Thread safety: none; benchmarks here run one at a time on one thread.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "hwy/targets.h"

namespace driftd::bench {

struct BenchTarget {
  std::int64_t target;  // one HWY_* bit
  std::string name;     // hwy::TargetName(target)
};

inline std::vector<BenchTarget> bench_targets() {
  std::vector<BenchTarget> available;
  for (const std::int64_t target : hwy::SupportedAndGeneratedTargets()) {
    available.push_back({target, hwy::TargetName(target)});
  }
  const char* wanted = std::getenv("DRIFTD_BENCH_TARGETS");
  if (wanted == nullptr || *wanted == '\0') return available;
  std::vector<BenchTarget> chosen;
  std::istringstream names(wanted);
  for (std::string name; std::getline(names, name, ',');) {
    bool found = false;
    for (const BenchTarget& target : available) {
      if (target.name == name) {
        chosen.push_back(target);
        found = true;
      }
    }
    if (!found) {
      std::string known;
      for (const BenchTarget& target : available) known += " " + target.name;
      throw std::runtime_error("DRIFTD_BENCH_TARGETS: this CPU and build cannot run \"" + name +
                               "\"; available:" + known);
    }
  }
  return chosen;
}

class TargetScope {
 public:
  explicit TargetScope(std::int64_t target) { hwy::SetSupportedTargetsForTest(target); }
  ~TargetScope() { hwy::SetSupportedTargetsForTest(0); }
  TargetScope(const TargetScope&) = delete;
  TargetScope& operator=(const TargetScope&) = delete;
};

// main() of a benchmark that registers its benchmarks per target at run
// time: Google Benchmark's flags, then `register_benchmarks` (a target
// name this CPU cannot run: its message and exit 2), then the run.
inline int run_per_target_benchmarks(int argc, char** argv, void (*register_benchmarks)()) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  try {
    register_benchmarks();
  } catch (const std::runtime_error& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 2;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace driftd::bench
