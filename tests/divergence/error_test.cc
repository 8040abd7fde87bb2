// Every InputError of the divergence module, with its exact message.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "common/error.h"
#include "divergence/contributions.h"
#include "divergence/divergence.h"

namespace driftd {
namespace {

using Probabilities = std::vector<double>;
using Counts = std::vector<uint64_t>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr uint64_t kMaxCount = std::numeric_limits<uint64_t>::max();

TEST_CASE("probability vectors are validated", "[errors]") {
  const Probabilities valid{0.5, 0.5};
  CHECK_THROWS_MATCHES(measures_from_probabilities(valid, Probabilities{0.2, 0.3, 0.5}),
                       InputError, Catch::Message("p and q have different lengths (2 vs 3)"));
  CHECK_THROWS_MATCHES(measures_from_probabilities(Probabilities{}, Probabilities{}), InputError,
                       Catch::Message("p and q are empty"));
  CHECK_THROWS_MATCHES(measures_from_probabilities(Probabilities{0.6, 0.5, -0.1},
                                                   Probabilities{0.6, 0.5, -0.1}),
                       InputError, Catch::Message("p[2] is negative (-0.1)"));
  CHECK_THROWS_MATCHES(measures_from_probabilities(Probabilities{0.2, 0.3, 0.5},
                                                   Probabilities{0.6, 0.5, -0.1}),
                       InputError, Catch::Message("q[2] is negative (-0.1)"));
  CHECK_THROWS_MATCHES(measures_from_probabilities(Probabilities{0.5, kNaN}, valid), InputError,
                       Catch::Message("p[1] is not finite (nan)"));
  CHECK_THROWS_MATCHES(measures_from_probabilities(valid, Probabilities{kInf, 0.0}), InputError,
                       Catch::Message("q[0] is not finite (inf)"));
  CHECK_THROWS_MATCHES(measures_from_probabilities(Probabilities{0.5, 0.4}, valid), InputError,
                       Catch::Message("p sums to 0.9, not 1"));
  CHECK_THROWS_MATCHES(measures_from_probabilities(valid, Probabilities{0.5, 0.500002}),
                       InputError, Catch::Message("q sums to 1.000002, not 1"));
  // Within 1e-6 of 1 is accepted, and renormalised.
  CHECK(measures_from_probabilities(Probabilities{0.5, 0.5000005}, valid).kl_pq > 0);
}

TEST_CASE("every probability entry point validates", "[errors]") {
  const Probabilities valid{0.5, 0.5};
  const Probabilities short_sum{0.5, 0.4};
  CHECK_THROWS_MATCHES(kl_divergence(short_sum, valid), InputError,
                       Catch::Message("p sums to 0.9, not 1"));
  CHECK_THROWS_MATCHES(kl_contributions(valid, short_sum), InputError,
                       Catch::Message("q sums to 0.9, not 1"));
  CHECK_THROWS_MATCHES(top_kl_contributions(short_sum, valid, 1), InputError,
                       Catch::Message("p sums to 0.9, not 1"));
}

TEST_CASE("count vectors and alpha are validated", "[errors]") {
  const Counts valid{3, 4};
  CHECK_THROWS_MATCHES(compare_counts(valid, Counts{1, 2, 3}, 0.5), InputError,
                       Catch::Message("p and q have different lengths (2 vs 3)"));
  CHECK_THROWS_MATCHES(compare_counts(Counts{}, Counts{}, 0.5), InputError,
                       Catch::Message("p and q are empty"));
  CHECK_THROWS_MATCHES(compare_counts(Counts{0, 0}, valid, 0.5), InputError,
                       Catch::Message("p counts are all zero"));
  CHECK_THROWS_MATCHES(compare_counts(valid, Counts{0, 0}, 0.5), InputError,
                       Catch::Message("q counts are all zero"));
  CHECK_THROWS_MATCHES(compare_counts(Counts{kMaxCount, 1}, valid, 0.5), InputError,
                       Catch::Message("p counts sum past 2^64 - 1"));
  CHECK_THROWS_MATCHES(compare_counts(valid, valid, -0.5), InputError,
                       Catch::Message("alpha is negative (-0.5)"));
  CHECK_THROWS_MATCHES(compare_counts(valid, valid, kNaN), InputError,
                       Catch::Message("alpha is not finite (nan)"));
  CHECK_THROWS_MATCHES(compare_counts(valid, valid, kInf), InputError,
                       Catch::Message("alpha is not finite (inf)"));
  // The largest total that fits is accepted.
  CHECK(compare_counts(Counts{kMaxCount - 1, 1}, valid, 0.5).n_p == kMaxCount);
}

TEST_CASE("smoothed_probabilities validates its counts and alpha", "[errors]") {
  CHECK_THROWS_MATCHES(smoothed_probabilities(Counts{}, 0.5), InputError,
                       Catch::Message("counts are empty"));
  CHECK_THROWS_MATCHES(smoothed_probabilities(Counts{0, 0, 0}, 0.5), InputError,
                       Catch::Message("counts are all zero"));
  CHECK_THROWS_MATCHES(smoothed_probabilities(Counts{kMaxCount, kMaxCount}, 0.5), InputError,
                       Catch::Message("counts sum past 2^64 - 1"));
  CHECK_THROWS_MATCHES(smoothed_probabilities(Counts{1, 2}, -1.0), InputError,
                       Catch::Message("alpha is negative (-1)"));
}

TEST_CASE("the batch names the feature that failed", "[errors]") {
  const Counts valid{3, 4};
  const Counts empty_side{0, 0};
  const std::vector<FeatureCounts> features{{valid, valid}, {valid, empty_side}};
  std::vector<CountComparison> out(features.size());
  CHECK_THROWS_MATCHES(compare_counts_batch(features, 0.5, out), InputError,
                       Catch::Message("feature 1: q counts are all zero"));
  CHECK_THROWS_MATCHES(compare_counts_batch(features, -2.0, out), InputError,
                       Catch::Message("alpha is negative (-2)"));
  std::vector<CountComparison> too_small(1);
  CHECK_THROWS_MATCHES(compare_counts_batch(features, 0.5, too_small), InputError,
                       Catch::Message("out has 1 entries for 2 features"));
}

}  // namespace
}  // namespace driftd
