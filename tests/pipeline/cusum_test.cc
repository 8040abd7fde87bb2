// The CUSUM's threshold against Siegmund's approximation and against the run
// lengths of simulated N(0, 1) evidence (fixed seed), and the z of p-values.
#include "pipeline/cusum.h"

#include <algorithm>
#include <random>

#include <catch2/catch.hpp>

namespace driftd {
namespace {

TEST_CASE("evidence_z is the normal quantile of 1 - p, clamped") {
  CHECK_THAT(evidence_z(0.5), Catch::Matchers::WithinAbs(0.0, 1e-12));
  CHECK_THAT(evidence_z(0.025), Catch::Matchers::WithinAbs(1.959963984540054, 1e-9));
  CHECK_THAT(evidence_z(0.975), Catch::Matchers::WithinAbs(-1.959963984540054, 1e-9));
  CHECK(evidence_z(1.0) == -8);
  CHECK(evidence_z(0.0) == 8);
  CHECK(evidence_z(1e-300) == 8);
}

TEST_CASE("cusum_threshold inverts Siegmund's run length") {
  // The textbook case: k = 0.5, h = 5 gives an in-control ARL of about 938.
  CHECK_THAT(cusum_average_run_length(0.5, 5.0), Catch::Matchers::WithinRel(938.2, 1e-3));
  CHECK_THAT(cusum_threshold(cusum_average_run_length(0.5, 5.0), 0.5),
             Catch::Matchers::WithinAbs(5.0, 1e-6));
  for (const double arl : {10.0, 100.0, 1000.0, 1e6}) {
    for (const double k : {0.25, 0.5, 1.0}) {
      CHECK_THAT(cusum_average_run_length(k, cusum_threshold(arl, k)),
                 Catch::Matchers::WithinRel(arl, 1e-6));
    }
  }
}

TEST_CASE("simulated N(0, 1) evidence runs about ARL windows between signals") {
  constexpr double kArl = 200;
  constexpr double kK = 0.5;
  const double h = cusum_threshold(kArl, kK);
  std::mt19937_64 rng(31);
  std::normal_distribution<double> z;
  constexpr int kRuns = 2000;
  double total = 0;
  for (int run = 0; run < kRuns; ++run) {
    double s = 0;
    int length = 0;
    do {
      s = std::max(0.0, s + z(rng) - kK);
      ++length;
    } while (s < h);
    total += length;
  }
  // Siegmund's approximation is within a few percent; the mean of 2000 runs
  // has a standard error of about 2%.
  CHECK_THAT(total / kRuns, Catch::Matchers::WithinRel(kArl, 0.1));
}

}  // namespace
}  // namespace driftd
