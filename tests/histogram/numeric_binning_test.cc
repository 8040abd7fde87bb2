// NumericBinning: validation, edge cases of the factories, labels and layout
// identity. Agreement with numpy is in binning_oracle_test.cc.
#include "histogram/numeric_binning.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "common/error.h"

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
  CHECK(edges_of(NumericBinning::quantile(constant, 10)) == std::vector<double>{7.0});
  CHECK(NumericBinning::uniform(constant, 10).bin_count() == 1);
  CHECK(NumericBinning::uniform(constant, 10).label(0) == "(-inf, +inf)");
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

}  // namespace
}  // namespace driftd
