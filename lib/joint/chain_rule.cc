#include "joint/chain_rule.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include "common/error.h"

namespace driftd {
namespace {

// One term p ln(p / q) of a KL sum, with 0 ln(0 / q) = 0 and p ln(p / 0) = +inf.
double relative_entropy(double p, double q) {
  if (p == 0.0) return 0.0;
  if (q == 0.0) return std::numeric_limits<double>::infinity();
  return p * std::log(p / q);
}

// One side's joint histogram after additive smoothing, kept as unnormalized
// weights c_xy + alpha with their row sums and total: a probability is a
// weight over the total, a conditional a weight over its row's sum.
class SmoothedJoint {
 public:
  SmoothedJoint(std::span<const std::uint64_t> counts, std::size_t x_bins, std::size_t y_bins,
                double alpha)
      : counts_(counts), y_bins_(y_bins), alpha_(alpha), row_weights_(x_bins, 0.0) {
    for (std::size_t x = 0; x < x_bins; ++x) {
      for (std::size_t y = 0; y < y_bins; ++y) row_weights_[x] += cell(x, y);
      total_weight_ += row_weights_[x];
    }
  }

  double cell(std::size_t x, std::size_t y) const {
    return static_cast<double>(counts_[x * y_bins_ + y]) + alpha_;
  }
  double row(std::size_t x) const { return row_weights_[x]; }
  std::size_t y_bins() const { return y_bins_; }
  double total() const { return total_weight_; }

 private:
  std::span<const std::uint64_t> counts_;
  std::size_t y_bins_;
  double alpha_;
  std::vector<double> row_weights_;
  double total_weight_ = 0.0;
};

// P(x) D(P(Y|x) || Q(Y|x)): 0 when the current window has no mass in row x,
// +inf when only the reference has none (Q(Y|x) does not exist).
double conditional_contribution(const SmoothedJoint& p, const SmoothedJoint& q, std::size_t x) {
  if (p.row(x) == 0.0) return 0.0;
  if (q.row(x) == 0.0) return std::numeric_limits<double>::infinity();
  double kl = 0.0;
  for (std::size_t y = 0; y < p.y_bins(); ++y) {
    kl += relative_entropy(p.cell(x, y) / p.row(x), q.cell(x, y) / q.row(x));
  }
  return p.row(x) / p.total() * kl;
}

void check_histogram(std::span<const std::uint64_t> counts, std::size_t x_bins,
                     std::size_t y_bins, std::string_view side) {
  const std::string name = std::string(side) + " joint histogram";
  if (counts.size() != x_bins * y_bins) {
    throw InputError(name + " has " + std::to_string(counts.size()) + " cells; " +
                     std::to_string(x_bins) + " x " + std::to_string(y_bins) + " bins need " +
                     std::to_string(x_bins * y_bins));
  }
  if (std::all_of(counts.begin(), counts.end(), [](std::uint64_t c) { return c == 0; })) {
    throw InputError(name + " is empty (all counts are zero)");
  }
}

void check_arguments(std::span<const std::uint64_t> joint_p,
                     std::span<const std::uint64_t> joint_q, std::size_t x_bins,
                     std::size_t y_bins, double alpha) {
  if (x_bins == 0 || y_bins == 0) {
    throw InputError("x_bins and y_bins must be at least 1 (got " + std::to_string(x_bins) +
                     " x " + std::to_string(y_bins) + ")");
  }
  if (x_bins > std::numeric_limits<std::size_t>::max() / y_bins) {
    throw InputError(std::to_string(x_bins) + " x " + std::to_string(y_bins) +
                     " bins are too many to count");
  }
  if (!std::isfinite(alpha) || alpha < 0.0) {
    throw InputError("alpha must be a finite number >= 0 (got " + std::to_string(alpha) + ")");
  }
  check_histogram(joint_p, x_bins, y_bins, "current");
  check_histogram(joint_q, x_bins, y_bins, "reference");
}

}  // namespace

ChainRuleSplit chain_rule_split(std::span<const std::uint64_t> joint_p,
                                std::span<const std::uint64_t> joint_q, std::size_t x_bins,
                                std::size_t y_bins, double alpha) {
  check_arguments(joint_p, joint_q, x_bins, y_bins, alpha);
  const SmoothedJoint p(joint_p, x_bins, y_bins, alpha);
  const SmoothedJoint q(joint_q, x_bins, y_bins, alpha);

  ChainRuleSplit split{0.0, 0.0, 0.0, std::vector<double>(x_bins, 0.0)};
  for (std::size_t x = 0; x < x_bins; ++x) {
    for (std::size_t y = 0; y < y_bins; ++y) {
      split.joint += relative_entropy(p.cell(x, y) / p.total(), q.cell(x, y) / q.total());
    }
    split.marginal += relative_entropy(p.row(x) / p.total(), q.row(x) / q.total());
    split.conditional_by_x[x] = conditional_contribution(p, q, x);
    split.conditional += split.conditional_by_x[x];
  }
  return split;
}

}  // namespace driftd
