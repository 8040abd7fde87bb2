#include "binning_stress.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace driftd::testing {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMax = std::numeric_limits<double>::max();
constexpr double kMinNormal = std::numeric_limits<double>::min();
constexpr double kMinSubnormal = std::numeric_limits<double>::denorm_min();

// `count` edges from `start`, each `ulps` ulps above the one before.
std::vector<double> ulp_run(double start, std::size_t count, int ulps = 1) {
  std::vector<double> run;
  double x = start;
  for (std::size_t i = 0; i < count; ++i) {
    run.push_back(x);
    for (int step = 0; step < ulps; ++step) x = std::nextafter(x, kInf);
  }
  return run;
}

NumericBinning sorted_edges(std::vector<double> edges) {
  std::sort(edges.begin(), edges.end());
  return NumericBinning::explicit_edges(edges);
}

}  // namespace

std::vector<StressBinning> stress_binnings() {
  std::vector<StressBinning> binnings;
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  std::exponential_distribution<double> exponential;
  std::uniform_real_distribution<double> unit;
  const char* const shapes[] = {"normal", "lognormal", "exponential", "zero-inflated", "cauchy",
                                "two clusters 1000 apart"};
  for (std::size_t shape = 0; shape < std::size(shapes); ++shape) {
    std::vector<double> reference(20'000);
    for (double& x : reference) {
      const double z = normal(rng);
      switch (shape) {
        case 0: x = z; break;
        case 1: x = std::exp(2 * z); break;
        case 2: x = exponential(rng); break;
        case 3: x = unit(rng) < 0.5 ? 0.0 : exponential(rng); break;
        case 4: x = z / normal(rng); break;
        default: x = unit(rng) < 0.5 ? z : 1000 + z; break;
      }
    }
    for (std::size_t bins : {1, 2, 3, 5, 16, 17, 64, 256, 1024, 4096}) {
      binnings.push_back({std::string(shapes[shape]) + " quantiles, " + std::to_string(bins) +
                              " bins",
                          NumericBinning::quantile(reference, bins)});
    }
  }

  // Explicit edges built against the index.
  std::vector<double> one_bucket = ulp_run(1.0, 100);  // 100 edges in 100 ulps
  one_bucket.insert(one_bucket.end(), {-1e6, 1e6});
  binnings.push_back({"100 edges one ulp apart among far ones", sorted_edges(one_bucket)});

  std::vector<double> nested;  // clusters inside clusters inside clusters
  for (const double far : {0.0, 1e3, 1e9}) {
    for (const double near : {0.0, 1e-3, 2e-3}) {
      const auto run = ulp_run(far + near + 0.5, 20, 3);
      nested.insert(nested.end(), run.begin(), run.end());
    }
  }
  binnings.push_back({"ulp runs inside clusters inside far clusters", sorted_edges(nested)});

  std::vector<double> clusters;  // 8 far clusters of 400 edges each
  for (int cluster = 0; cluster < 8; ++cluster) {
    for (int i = 0; i < 400; ++i) clusters.push_back(std::ldexp(1.0 + i * 1e-3, 10 * cluster));
  }
  binnings.push_back({"8 clusters of 400 edges, 1024x apart", sorted_edges(clusters)});

  binnings.push_back({"9 equal edges", NumericBinning::explicit_edges(std::vector<double>(9, 1.0))});
  binnings.push_back(
      {"4095 equal edges", NumericBinning::explicit_edges(std::vector<double>(4095, -2.5))});
  std::vector<double> triples;
  for (int value = -50; value < 50; ++value) triples.insert(triples.end(), 3, value * 0.25);
  binnings.push_back({"every edge three times", sorted_edges(triples)});
  binnings.push_back({"duplicates around a gap",
                      NumericBinning::explicit_edges(std::vector<double>{
                          -1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 2.0})});

  binnings.push_back(
      {"extremes of double",
       NumericBinning::explicit_edges(std::vector<double>{
           -kMax, -1e300, -1.0, -kMinNormal, -kMinSubnormal, 0.0, kMinSubnormal, kMinNormal, 1.0,
           1e300, kMax})});
  binnings.push_back({"subnormals", sorted_edges(ulp_run(kMinSubnormal, 50))});
  std::vector<double> around_zero = ulp_run(0.0, 40);  // 0 and the 39 smallest subnormals
  for (std::size_t i = 1; i < 40; ++i) around_zero.push_back(-around_zero[i]);
  binnings.push_back({"ulps around zero on both sides", sorted_edges(around_zero)});
  binnings.push_back({"-DBL_MAX and DBL_MAX",
                      NumericBinning::explicit_edges(std::vector<double>{-kMax, kMax})});
  binnings.push_back(
      {"one edge at zero", NumericBinning::explicit_edges(std::vector<double>{0.0})});

  std::vector<double> random_bits;  // any finite doubles
  while (random_bits.size() < 3000) {
    const double x = std::bit_cast<double>(rng());
    if (std::isfinite(x)) random_bits.push_back(x == 0 ? 0.0 : x);
  }
  binnings.push_back({"3000 random finite doubles", sorted_edges(random_bits)});
  return binnings;
}

std::vector<double> probe_values(std::span<const double> edges, std::mt19937_64& rng,
                                 std::size_t random_values) {
  std::vector<double> values = {0.0,           -0.0,           kInf,           -kInf,
                                kNaN,          -kNaN,          kMinSubnormal,  -kMinSubnormal,
                                kMinNormal / 2, kMax,          -kMax,          kMinNormal,
                                -kMinNormal,   std::bit_cast<double>(std::uint64_t{0x7FF0000000000001}),
                                std::bit_cast<double>(std::uint64_t{0xFFF8000000000123})};
  for (double edge : edges) {
    values.insert(values.end(), {edge, std::nextafter(edge, -kInf), std::nextafter(edge, kInf)});
  }
  const double low = edges.empty() ? -1.0 : std::max(edges.front(), -1e300);
  const double high = edges.empty() ? 1.0 : std::min(edges.back(), 1e300);
  const double margin = std::max(high - low, 1.0) / 4;
  std::uniform_real_distribution<double> uniform(low - margin, high + margin);
  for (std::size_t i = 0; i < random_values; ++i) {
    values.push_back(uniform(rng));
    values.push_back(std::bit_cast<double>(rng()));
  }
  std::shuffle(values.begin(), values.end(), rng);
  return values;
}

}  // namespace driftd::testing
