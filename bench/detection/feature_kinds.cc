#include "detection/feature_kinds.h"

#include <cmath>
#include <vector>

namespace driftd::detection {
namespace {

std::discrete_distribution<std::size_t> zipf(std::size_t categories, double exponent) {
  std::vector<double> weights(categories);
  for (std::size_t k = 0; k < categories; ++k) {
    weights[k] = 1 / std::pow(static_cast<double>(k + 1), exponent);
  }
  return {weights.begin(), weights.end()};
}

std::discrete_distribution<std::size_t> categories_of(Kind kind) {
  switch (kind) {
    case Kind::kFiveCategories: return {1, 1, 1, 1, 1};
    case Kind::kFiveSkewed: return {60, 20, 10, 7, 3};
    case Kind::kBinary: return {90, 10};
    case Kind::kZipf50: return zipf(50, 1.1);
    case Kind::kZipf500: return zipf(500, 1.1);
    default: return {1};
  }
}

}  // namespace

std::string_view name_of(Kind kind) {
  switch (kind) {
    case Kind::kNormal: return "normal";
    case Kind::kLognormal: return "lognormal";
    case Kind::kUniform: return "uniform";
    case Kind::kStudentT3: return "student_t3";
    case Kind::kRounded: return "rounded_0.1";
    case Kind::kPoisson30: return "poisson_30";
    case Kind::kPoisson3: return "poisson_3";
    case Kind::kZeroInflated: return "zeros_95";
    case Kind::kFiveCategories: return "categories_5";
    case Kind::kFiveSkewed: return "categories_5_skewed";
    case Kind::kBinary: return "binary_90_10";
    case Kind::kZipf50: return "zipf_50";
    case Kind::kZipf500: return "zipf_500_capped_50";
  }
  return "?";
}

bool is_categorical(Kind kind) { return kind >= Kind::kFiveCategories; }

std::size_t category_count(Kind kind) { return categories_of(kind).probabilities().size(); }

void draw(Kind kind, const Drift& drift, std::mt19937_64& rng, std::span<double> out) {
  std::normal_distribution<double> normal(drift.shift_sd, 1.0);
  switch (kind) {
    case Kind::kNormal:
      for (double& value : out) value = normal(rng);
      return;
    case Kind::kLognormal:
      for (double& value : out) value = std::exp(normal(rng));
      return;
    case Kind::kUniform: {
      std::uniform_real_distribution<double> uniform(drift.shift_sd, 1.0 + drift.shift_sd);
      for (double& value : out) value = uniform(rng);
      return;
    }
    case Kind::kStudentT3: {
      std::student_t_distribution<double> t(3.0);
      for (double& value : out) value = t(rng) + drift.shift_sd;
      return;
    }
    case Kind::kRounded:
      for (double& value : out) value = std::round(normal(rng) * 10) / 10;
      return;
    case Kind::kPoisson30:
    case Kind::kPoisson3: {
      std::poisson_distribution<int> poisson(kind == Kind::kPoisson30 ? 30.0 : 3.0);
      for (double& value : out) value = poisson(rng) + drift.shift_sd;
      return;
    }
    case Kind::kZeroInflated: {
      std::bernoulli_distribution zero(drift.zero_share);
      for (double& value : out) value = zero(rng) ? 0.0 : std::exp(normal(rng));
      return;
    }
    default: break;
  }
  std::discrete_distribution<std::size_t> category = categories_of(kind);
  std::bernoulli_distribution moved(drift.moved_mass);
  for (double& value : out) {
    value = static_cast<double>(drift.moved_mass > 0 && moved(rng) ? drift.moved_to
                                                                   : category(rng));
  }
}

}  // namespace driftd::detection
