// The 13 kinds of features the detection benchmark feeds through driftd's
// binning, comparison and alert rule, and the drifts it applies to them
// (docs/detection.md). Each kind is a generator of values: numbers for
// numeric kinds, category indices for categorical ones (bench code turns
// them into names "c0", "c1", ...).
//
// Thread safety: FeatureKind is an immutable description; draw() uses only
// the generator it is given.
#pragma once

#include <array>
#include <cstddef>
#include <random>
#include <span>
#include <string_view>

namespace driftd::detection {

enum class Kind {
  kNormal,         // N(0, 1)
  kLognormal,      // exp(N(0, 1))
  kUniform,        // U(0, 1)
  kStudentT3,      // heavy tails, 3 degrees of freedom
  kRounded,        // N(0, 1) rounded to 0.1: point masses everywhere
  kPoisson30,      // counts around 30
  kPoisson3,       // a few small counts
  kZeroInflated,   // 95% zeros, else lognormal
  kFiveCategories, // 5 equally likely categories
  kFiveSkewed,     // 5 categories, 60/20/10/7/3 %
  kBinary,         // 2 categories, 90/10 %
  kZipf50,         // 50 categories, Zipf(1.1)
  kZipf500,        // 500 categories, Zipf(1.1), capped at 50 by max_categories
};

inline constexpr std::array<Kind, 13> kAllKinds{
    Kind::kNormal,  Kind::kLognormal,     Kind::kUniform,        Kind::kStudentT3,
    Kind::kRounded, Kind::kPoisson30,     Kind::kPoisson3,       Kind::kZeroInflated,
    Kind::kFiveCategories, Kind::kFiveSkewed, Kind::kBinary, Kind::kZipf50, Kind::kZipf500};

std::string_view name_of(Kind kind);
bool is_categorical(Kind kind);
// Categories a categorical kind draws from without drift.
std::size_t category_count(Kind kind);

// What changes in a drifted window.
struct Drift {
  double shift_sd = 0;        // numeric: added to every value (kind's sd = 1 for normal)
  double zero_share = 0.95;   // kZeroInflated: share of zeros
  double moved_mass = 0;      // categorical: share of values moved to moved_to
  std::size_t moved_to = 0;   // a category index (>= category_count: a new category)
};

// Fills out with independent values of the kind under the drift.
void draw(Kind kind, const Drift& drift, std::mt19937_64& rng, std::span<double> out);

}  // namespace driftd::detection
