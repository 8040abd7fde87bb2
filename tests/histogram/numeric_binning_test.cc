// NumericBinning: validation, edge cases of the factories (point masses
// among them), labels and layout identity. Agreement with numpy is in
// binning_oracle_test.cc.
#include "histogram/numeric_binning.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "common/error.h"
#include "histogram/batch_binner.h"

namespace driftd {
namespace {

using Catch::Matchers::Message;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMax = std::numeric_limits<double>::max();

std::vector<double> edges_of(const NumericBinning& binning) {
  return {binning.edges().begin(), binning.edges().end()};
}

TEST_CASE("bin counts must be between 1 and 4096", "[numeric_binning]") {
  const std::vector<double> reference = {1.0, 2.0, 3.0};
  CHECK_THROWS_MATCHES(NumericBinning::quantile(reference, 0), InputError,
                       Message("bins must be between 1 and 4096, got 0"));
  CHECK_THROWS_MATCHES(NumericBinning::uniform(reference, 4097), InputError,
                       Message("bins must be between 1 and 4096, got 4097"));
  CHECK(NumericBinning::quantile(reference, 1).bin_count() == 1);
  CHECK(NumericBinning::uniform(reference, 4096).bin_count() == 4096);
}

TEST_CASE("a reference needs a finite value", "[numeric_binning]") {
  for (const std::vector<double>& reference :
       {std::vector<double>{}, std::vector<double>{kNaN, kNaN}, std::vector<double>{kInf, -kInf}}) {
    CHECK_THROWS_MATCHES(NumericBinning::quantile(reference, 4), InputError,
                         Message("reference has no finite values"));
    CHECK_THROWS_MATCHES(NumericBinning::uniform(reference, 4), InputError,
                         Message("reference has no finite values"));
  }
}

TEST_CASE("infinities and NaN in the reference do not shape the edges", "[numeric_binning]") {
  const std::vector<double> finite = {4.0, 1.0, 3.0, 2.0};
  const std::vector<double> with_specials = {kInf, 4.0, kNaN, 1.0, -kInf, 3.0, 2.0, kInf};
  CHECK(edges_of(NumericBinning::quantile(with_specials, 3)) ==
        edges_of(NumericBinning::quantile(finite, 3)));
  CHECK(edges_of(NumericBinning::uniform(with_specials, 3)) ==
        edges_of(NumericBinning::uniform(finite, 3)));
}

TEST_CASE("quantile edges collapse ties, uniform edges of a constant are none",
          "[numeric_binning]") {
  const std::vector<double> constant(50, 7.0);
  const NumericBinning quantile = NumericBinning::quantile(constant, 10);
  CHECK(edges_of(quantile) == std::vector<double>{7.0, std::nextafter(7.0, kInf)});
  CHECK(quantile.label(1) == "[7, 7.000000000000001)");
  CHECK(NumericBinning::uniform(constant, 10).bin_count() == 1);
  CHECK(NumericBinning::uniform(constant, 10).label(0) == "(-inf, +inf)");
}

// 950 zeros and 50 positive values.
std::vector<double> zero_inflated() {
  std::vector<double> values(950, 0.0);
  for (int i = 1; i <= 50; ++i) values.push_back(i);
  return values;
}

TEST_CASE("a point mass gets a bin of its own", "[numeric_binning]") {
  // The 9 deciles are all 0: before the point-mass rule, one edge and every
  // reference value in [0, +inf).
  const NumericBinning binning = NumericBinning::quantile(zero_inflated(), 10);
  CHECK(edges_of(binning) == std::vector<double>{0.0, 5e-324});
  REQUIRE(binning.bin_count() == 3);
  CHECK(binning.label(0) == "(-inf, 0)");
  CHECK(binning.label(1) == "[0, 5e-324)");
  CHECK(binning.label(2) == "[5e-324, +inf)");

  // Both tertiles are 2.
  CHECK(edges_of(NumericBinning::quantile(std::vector<double>{1, 2, 2, 2, 2, 2, 3}, 3)) ==
        std::vector<double>{2.0, std::nextafter(2.0, kInf)});
  // The quintiles are 1, 2, 3, 3: only 3 is hit twice.
  CHECK(edges_of(NumericBinning::quantile(std::vector<double>{1, 1, 1, 2, 2, 3, 3, 3, 3, 10}, 5)) ==
        std::vector<double>{1.0, 2.0, 3.0, std::nextafter(3.0, kInf)});
}

TEST_CASE("windows of 95% and 50% zeros land in different bins", "[numeric_binning]") {
  const NumericBinning binning = NumericBinning::quantile(zero_inflated(), 10);
  const BatchBinner binner(binning);
  const auto counts_of = [&](int zeros, int positives) {
    std::vector<double> window(zeros, 0.0);
    window.insert(window.end(), positives, 3.5);
    std::vector<std::uint64_t> counts(binner.bin_count() + 1);
    binner.count(window, counts);
    return counts;
  };
  // bins (-inf, 0), [0, 5e-324), [5e-324, +inf), then the missing slot
  CHECK(counts_of(95, 5) == std::vector<std::uint64_t>{0, 95, 5, 0});
  CHECK(counts_of(50, 50) == std::vector<std::uint64_t>{0, 50, 50, 0});
}

TEST_CASE("point masses keep the bin count at most B", "[numeric_binning]") {
  // References with ties at every scale: i % distinct for n values.
  for (std::size_t distinct : {1, 2, 3, 5, 8, 13}) {
    for (std::size_t n : {1, 2, 7, 30, 100}) {
      std::vector<double> reference;
      for (std::size_t i = 0; i < n; ++i) reference.push_back(static_cast<double>(i % distinct));
      for (std::size_t bins = 1; bins <= 40; ++bins) {
        INFO(n << " values of " << distinct << ", " << bins << " bins");
        const NumericBinning binning = NumericBinning::quantile(reference, bins);
        CHECK(binning.bin_count() <= bins);
        const auto edges = binning.edges();
        CHECK(std::adjacent_find(edges.begin(), edges.end(), std::greater_equal<>()) ==
              edges.end());
      }
    }
  }
}

TEST_CASE("the edge above a mass is there once when it is the next quantile",
          "[numeric_binning]") {
  const double one_up = std::nextafter(1.0, kInf);
  std::vector<double> reference(50, 1.0);
  reference.insert(reference.end(), 50, one_up);
  CHECK(edges_of(NumericBinning::quantile(reference, 8)) ==
        std::vector<double>{1.0, one_up, std::nextafter(one_up, kInf)});
}

TEST_CASE("point masses at and next to zero give no -0.0 edge", "[numeric_binning]") {
  std::vector<double> negative_zeros(20, -0.0);
  negative_zeros.insert(negative_zeros.end(), {1.0, 2.0, 3.0});
  const NumericBinning at_zero = NumericBinning::quantile(negative_zeros, 4);
  REQUIRE(edges_of(at_zero) == std::vector<double>{0.0, 5e-324});
  CHECK_FALSE(std::signbit(at_zero.edges()[0]));
  CHECK(at_zero.label(1) == "[0, 5e-324)");
  CHECK(at_zero.layout() ==
        NumericBinning::explicit_edges(std::vector<double>{0.0, 5e-324}).layout());

  // nextafter(-5e-324, +inf) is -0.0.
  std::vector<double> below_zero(20, -5e-324);
  below_zero.insert(below_zero.end(), {1.0, 2.0, 3.0});
  const NumericBinning binning = NumericBinning::quantile(below_zero, 4);
  REQUIRE(edges_of(binning) == std::vector<double>{-5e-324, 0.0});
  CHECK_FALSE(std::signbit(binning.edges()[1]));
  CHECK(binning.label(1) == "[-5e-324, 0)");
}

TEST_CASE("a point mass at DBL_MAX gets no edge above it", "[numeric_binning]") {
  const std::vector<double> reference = {1.0, kMax, kMax, kMax};
  const NumericBinning binning = NumericBinning::quantile(reference, 4);
  REQUIRE(binning.bin_count() == 3);
  CHECK(binning.edges()[1] == kMax);
  CHECK(binning.label(2) == "[1.7976931348623157e+308, +inf)");
  // DBL_MAX shares its bin with +inf.
  std::vector<std::uint64_t> counts(binning.bin_count() + 1);
  BatchBinner(binning).count(std::vector<double>{kMax, kInf}, counts);
  CHECK(counts == std::vector<std::uint64_t>{0, 0, 2, 0});
}

TEST_CASE("edges more than DBL_MAX apart stay finite", "[numeric_binning]") {
  const std::vector<double> reference = {-kMax, kMax};
  CHECK(edges_of(NumericBinning::quantile(reference, 2)) == std::vector<double>{0.0});
  const std::vector<double> uniform = edges_of(NumericBinning::uniform(reference, 4));
  REQUIRE(uniform.size() == 3);
  CHECK(uniform[0] == Approx(-kMax / 2));
  CHECK(uniform[1] == 0.0);
  CHECK(uniform[2] == Approx(kMax / 2));
}

TEST_CASE("explicit edges must be sorted and finite, duplicates are allowed",
          "[numeric_binning]") {
  CHECK_THROWS_MATCHES(NumericBinning::explicit_edges(std::vector<double>{0, 1, 2, 1}),
                       InputError, Message("edges are not sorted: edges[3]=1 < edges[2]=2"));
  CHECK_THROWS_MATCHES(NumericBinning::explicit_edges(std::vector<double>{0, kInf}), InputError,
                       Message("edges must be finite: edges[1]=inf"));
  CHECK_THROWS_MATCHES(NumericBinning::explicit_edges(std::vector<double>{kNaN}), InputError,
                       Message("edges must be finite: edges[0]=nan"));
  CHECK_THROWS_MATCHES(NumericBinning::explicit_edges(std::vector<double>(4096, 1.0)), InputError,
                       Message("too many edges: 4096 edges make 4097 bins, at most 4096 are "
                               "allowed"));

  const NumericBinning duplicated =
      NumericBinning::explicit_edges(std::vector<double>{1.0, 2.0, 2.0, 3.0});
  CHECK(duplicated.bin_count() == 5);
  CHECK(duplicated.label(2) == "[2, 2)");
  CHECK(NumericBinning::explicit_edges(std::vector<double>(4095, 1.0)).bin_count() == 4096);
  CHECK(NumericBinning::explicit_edges(std::vector<double>{}).bin_count() == 1);
}

TEST_CASE("labels show each bin's interval in shortest round-trip form", "[numeric_binning]") {
  const NumericBinning binning =
      NumericBinning::explicit_edges(std::vector<double>{0.1 + 0.2, 1.5, 2.25, 1e300});
  CHECK(binning.label(0) == "(-inf, 0.30000000000000004)");
  CHECK(binning.label(1) == "[0.30000000000000004, 1.5)");
  CHECK(binning.label(2) == "[1.5, 2.25)");
  CHECK(binning.label(3) == "[2.25, 1e+300)");
  CHECK(binning.label(4) == "[1e+300, +inf)");
  CHECK_THROWS_AS(binning.label(5), std::out_of_range);
}

TEST_CASE("negative zero edges become +0.0: same bins, same label, same layout", "[numeric_binning]") {
  const NumericBinning negative = NumericBinning::explicit_edges(std::vector<double>{-0.0});
  const NumericBinning positive = NumericBinning::explicit_edges(std::vector<double>{0.0});
  CHECK_FALSE(std::signbit(negative.edges()[0]));
  CHECK(negative.label(1) == "[0, +inf)");
  CHECK(negative.layout() == positive.layout());
}

TEST_CASE("the layout identifies the edges", "[numeric_binning]") {
  const auto layout_of = [](std::vector<double> edges) {
    return NumericBinning::explicit_edges(edges).layout();
  };
  const BinLayout layout = layout_of({1.0, 2.0});
  CHECK(layout.kind == BinKind::numeric);
  CHECK(layout.bins == 3);
  CHECK(layout == layout_of({1.0, 2.0}));
  CHECK(layout.fingerprint != layout_of({1.0, std::nextafter(2.0, 3.0)}).fingerprint);
  CHECK(layout.fingerprint != layout_of({1.0, 2.0, 2.0}).fingerprint);
  CHECK(layout.fingerprint != layout_of({1.0}).fingerprint);
  CHECK(layout_of({}).bins == 1);
}



// numpy.quantile's linear method on a full sort of the finite values,
// written out again: the reference for the selection that
// NumericBinning::quantile makes instead of a sort.
std::vector<double> sorted_quantiles(std::vector<double> values, std::size_t bins) {
  values.erase(std::remove_if(values.begin(), values.end(),
                              [](double x) { return !std::isfinite(x); }),
               values.end());
  std::sort(values.begin(), values.end());
  std::vector<double> out;
  const double last = static_cast<double>(values.size() - 1);
  for (std::size_t i = 1; i < bins; ++i) {
    const double position = last * (static_cast<double>(i) / static_cast<double>(bins));
    if (position >= last) {
      out.push_back(values.back());
      continue;
    }
    const auto below = static_cast<std::size_t>(position);
    const double a = values[below], b = values[below + 1], t = position - std::floor(position);
    const double difference = b - a;
    out.push_back(t >= 0.5 ? b - difference * (1 - t) : a + difference * t);
  }
  return out;
}

TEST_CASE("quantile edges by selection equal those of a full sort", "[numeric_binning]") {
  std::mt19937_64 random(11);
  std::normal_distribution<double> normal(0.0, 1.0);
  const std::vector<std::function<double()>> shapes = {
      [&] { return normal(random); },                                    // spread over buckets
      [&] { return 1.0 + 1e-9 * normal(random); },                       // all in one bucket
      [&] { return static_cast<double>(random() % 5) - 2.0; },           // heavy ties, +-0
      [&] { return random() % 3 == 0 ? -0.0 : std::ldexp(normal(random), static_cast<int>(random() % 40) - 20); },
      [&] { return random() % 10 == 0 ? std::numeric_limits<double>::infinity() : normal(random); },
  };
  for (const auto& shape : shapes) {
    for (const std::size_t n : {1, 2, 3, 17, 1000, 20000}) {
      std::vector<double> values(n);
      for (double& value : values) value = shape();
      values[0] = 0.5;  // one finite value at least
      for (const std::size_t bins : {1, 2, 3, 7, 10, 64, 4096}) {
        const NumericBinning binning = NumericBinning::quantile(values, bins);
        const std::vector<double> expected = sorted_quantiles(values, bins);
        // Every expected quantile is an edge (the point-mass rule only adds
        // edges), and every edge is a quantile or the one just above one.
        for (const double quantile : expected) {
          const double edge = quantile == 0 ? 0.0 : quantile;
          CHECK(std::binary_search(binning.edges().begin(), binning.edges().end(), edge));
        }
        for (const double edge : binning.edges()) {
          const bool quantile_or_above = std::any_of(expected.begin(), expected.end(), [&](double q) {
            return edge == q || edge == std::nextafter(q, std::numeric_limits<double>::infinity());
          });
          CHECK(quantile_or_above);
        }
      }
    }
  }
}

}  // namespace
}  // namespace driftd
