#include "divergence/validation.h"

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

#include "common/error.h"

namespace driftd {
namespace {

// The shortest text that reads back as `value` ("-0.1", "nan", "inf").
std::string exact_text(double value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

// A sum rounded to 12 significant digits: enough to show an error above the
// 1e-6 tolerance, without the rounding noise of the additions
// ("1.000002", not "1.0000019999999998").
std::string sum_text(double sum) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, sum, std::chars_format::general, 12);
  return std::string(text, result.ptr);
}

void check_lengths(std::size_t p_size, std::size_t q_size) {
  if (p_size != q_size) {
    throw InputError("p and q have different lengths (" + std::to_string(p_size) + " vs " +
                     std::to_string(q_size) + ")");
  }
  if (p_size == 0) throw InputError("p and q are empty");
}

// The sum of one distribution, after checking each of its values.
double checked_sum(std::span<const double> values, char name) {
  double sum = 0;
  for (std::size_t k = 0; k < values.size(); ++k) {
    const double value = values[k];
    if (!std::isfinite(value) || value < 0) {
      const char* problem = std::isfinite(value) ? " is negative (" : " is not finite (";
      throw InputError(std::string(1, name) + "[" + std::to_string(k) + "]" + problem +
                       exact_text(value) + ")");
    }
    sum += value;
  }
  if (std::abs(sum - 1) > 1e-6) {
    throw InputError(std::string(1, name) + " sums to " + sum_text(sum) + ", not 1");
  }
  return sum;
}

// A sum of counts that notices overflow: `wraps` counts the additions that
// wrapped past 2^64 - 1. Branch-free, so one pass can sum both sides.
struct CountSum {
  uint64_t value = 0;
  uint64_t wraps = 0;

  void add(uint64_t count) {
    value += count;
    wraps += value < count ? 1 : 0;
  }
};

// The total of a CountSum, which `name` ("p counts") describes in messages.
uint64_t checked_total(const CountSum& sum, std::string_view name) {
  if (sum.wraps != 0) throw InputError(std::string(name) + " sum past 2^64 - 1");
  if (sum.value == 0) throw InputError(std::string(name) + " are all zero");
  return sum.value;
}

}  // namespace

ProbabilityTotals check_probabilities(std::span<const double> p, std::span<const double> q) {
  check_lengths(p.size(), q.size());
  return {checked_sum(p, 'p'), checked_sum(q, 'q')};
}

CountTotals check_counts(std::span<const uint64_t> p, std::span<const uint64_t> q) {
  check_lengths(p.size(), q.size());
  CountSum p_sum, q_sum;
  std::size_t occupied_bins = 0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    p_sum.add(p[k]);
    q_sum.add(q[k]);
    occupied_bins += (p[k] | q[k]) != 0 ? 1 : 0;
  }
  return {checked_total(p_sum, "p counts"), checked_total(q_sum, "q counts"), occupied_bins};
}

uint64_t check_count_vector(std::span<const uint64_t> counts) {
  if (counts.empty()) throw InputError("counts are empty");
  CountSum sum;
  for (const uint64_t count : counts) sum.add(count);
  return checked_total(sum, "counts");
}

void check_alpha(double alpha) {
  if (!std::isfinite(alpha)) throw InputError("alpha is not finite (" + exact_text(alpha) + ")");
  if (alpha < 0) throw InputError("alpha is negative (" + exact_text(alpha) + ")");
}

}  // namespace driftd
