#include "histogram/numeric_binning.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <utility>

#include "common/error.h"
#include "histogram/order_key.h"

namespace driftd {
namespace {

// Shortest text that parses back to the same double ("1.5", "1e+300").
std::string format_shortest(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

void check_bin_request(std::size_t bins) {
  if (bins < 1 || bins > kMaxNumericBins) {
    throw InputError("bins must be between 1 and " + std::to_string(kMaxNumericBins) +
                     ", got " + std::to_string(bins));
  }
}

// The finite reference values, in no particular order.
std::vector<double> finite_values(std::span<const double> reference) {
  std::vector<double> values;
  values.reserve(reference.size());
  std::copy_if(reference.begin(), reference.end(), std::back_inserter(values),
               [](double x) { return std::isfinite(x); });
  if (values.empty()) throw InputError("reference has no finite values");
  return values;
}

// The values a sort of the finite reference values would put at given
// ranks, without the sort: a histogram of the keys' top 16 bits (built
// here) finds the bucket of each rank; values_at() gathers only the buckets
// holding a rank and partially sorts them. Two passes over the values,
// where nested partial sorts of them all take several.
class RankSelector {
 public:
  explicit RankSelector(std::span<const double> reference)
      : reference_(reference), counts_(std::size_t{1} << (64 - kShift), 0) {
    for (const double value : reference_) {
      if (std::isfinite(value)) ++counts_[order_key(value) >> kShift];
    }
    for (const std::size_t count : counts_) size_ += count;
    if (size_ == 0) throw InputError("reference has no finite values");
  }

  std::size_t size() const { return size_; }

  // The value of each rank. REQUIRES: ranks sorted, distinct, < size().
  std::vector<double> values_at(std::span<const std::size_t> ranks) const {
    std::vector<int> slot_of_bucket(counts_.size(), -1);
    std::vector<std::size_t> slot_of_rank, offset_of_rank;
    std::vector<std::vector<double>> gathered;
    std::size_t below = 0;  // finite values in the buckets before `bucket`
    std::size_t next = 0;
    for (std::size_t bucket = 0; bucket < counts_.size() && next < ranks.size(); ++bucket) {
      for (; next < ranks.size() && ranks[next] < below + counts_[bucket]; ++next) {
        if (slot_of_bucket[bucket] < 0) {
          slot_of_bucket[bucket] = static_cast<int>(gathered.size());
          gathered.emplace_back().reserve(counts_[bucket]);
        }
        slot_of_rank.push_back(static_cast<std::size_t>(slot_of_bucket[bucket]));
        offset_of_rank.push_back(ranks[next] - below);
      }
      below += counts_[bucket];
    }
    for (const double value : reference_) {
      if (!std::isfinite(value)) continue;
      const int slot = slot_of_bucket[order_key(value) >> kShift];
      if (slot >= 0) gathered[static_cast<std::size_t>(slot)].push_back(value);
    }
    std::vector<double> out;
    out.reserve(ranks.size());
    for (std::size_t i = 0; i < ranks.size(); ++i) {
      std::vector<double>& bucket = gathered[slot_of_rank[i]];
      const auto at = bucket.begin() + static_cast<std::ptrdiff_t>(offset_of_rank[i]);
      std::nth_element(bucket.begin(), at, bucket.end());
      out.push_back(*at);
    }
    return out;
  }

 private:
  static constexpr int kShift = 48;
  std::span<const double> reference_;
  std::vector<std::size_t> counts_;  // finite values per bucket
  std::size_t size_ = 0;
};

// For a and b so far apart that b - a overflows; each product stays finite.
double weighted_mean(double a, double b, double t) { return a * (1 - t) + b * t; }

// numpy's _lerp, operation for operation, so quantile edges match
// numpy.quantile bit for bit.
double numpy_lerp(double a, double b, double t) {
  const double difference = b - a;
  if (!std::isfinite(difference)) return weighted_mean(a, b, t);
  return t >= 0.5 ? b - difference * (1 - t) : a + difference * t;
}

// numpy.quantile(values, q) with the default method "linear" (Hyndman and
// Fan's method 7): interpolate at virtual index (n - 1) * q, between the
// values of ranks floor and floor + 1.
struct QuantilePosition {
  std::size_t below;  // rank of the value below (or at) the position
  double fraction;    // where between it and the next; none past the end
  bool at_end;
};

QuantilePosition quantile_position(std::size_t n, double q) {
  const double last_index = static_cast<double>(n - 1);
  const double position = last_index * q;
  if (position >= last_index) return {n - 1, 0.0, true};
  const auto below = static_cast<std::size_t>(position);  // floor: position >= 0
  return {below, position - static_cast<double>(below), false};
}

// `value_of_rank`: the value a sort would put at each rank it is asked for.
template <class ValueOfRank>
double numpy_quantile(const QuantilePosition& at, const ValueOfRank& value_of_rank) {
  if (at.at_end) return value_of_rank(at.below);
  return numpy_lerp(value_of_rank(at.below), value_of_rank(at.below + 1), at.fraction);
}

// Quantile and uniform edges are sorted (np.unique sorts too) and
// deduplicated: equal edges would only make empty bins.
std::vector<double> collapse_duplicates(std::vector<double> edges) {
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

// The point-mass rule of docs/metrics.md: each value the quantiles hit more
// than once also gets the edge just above it, nextafter(e, +inf), so that
// [e, nextafter(e)) holds that value alone. In numpy, with u and c the
// unique quantiles and their counts,
//   np.union1d(u, np.nextafter(u[c > 1], np.inf))
// except that a mass at DBL_MAX gets no +inf edge: edges are finite.
std::vector<double> with_point_mass_edges(std::vector<double> quantiles) {
  std::sort(quantiles.begin(), quantiles.end());
  std::vector<double> edges = quantiles;
  for (auto run = quantiles.begin(); run != quantiles.end();) {
    const auto run_end = std::upper_bound(run, quantiles.end(), *run);
    const double above = std::nextafter(*run, std::numeric_limits<double>::infinity());
    if (run_end - run > 1 && std::isfinite(above)) edges.push_back(above);
    run = run_end;
  }
  // above can be the next quantile: the union holds it once.
  return collapse_duplicates(std::move(edges));
}

}  // namespace

NumericBinning::NumericBinning(std::vector<double> edges) : edges_(std::move(edges)) {
  if (edges_.size() >= kMaxNumericBins) {
    throw InputError("too many edges: " + std::to_string(edges_.size()) + " edges make " +
                     std::to_string(edges_.size() + 1) + " bins, at most " +
                     std::to_string(kMaxNumericBins) + " are allowed");
  }
  for (std::size_t i = 0; i < edges_.size(); ++i) {
    if (!std::isfinite(edges_[i])) {
      throw InputError("edges must be finite: edges[" + std::to_string(i) +
                       "]=" + format_shortest(edges_[i]));
    }
    if (i > 0 && edges_[i] < edges_[i - 1]) {
      throw InputError("edges are not sorted: edges[" + std::to_string(i) +
                       "]=" + format_shortest(edges_[i]) + " < edges[" +
                       std::to_string(i - 1) + "]=" + format_shortest(edges_[i - 1]));
    }
    if (edges_[i] == 0) edges_[i] = 0.0;  // -0.0 becomes +0.0
  }
  LayoutFingerprint fingerprint(BinKind::numeric);
  fingerprint.add(static_cast<std::uint64_t>(edges_.size()));
  for (double edge : edges_) fingerprint.add(edge);
  fingerprint_ = fingerprint.value();
}

std::vector<std::size_t> NumericBinning::quantile_ranks(std::size_t finite, std::size_t bins) {
  check_bin_request(bins);
  if (finite == 0) throw InputError("reference has no finite values");
  std::vector<std::size_t> ranks;
  for (std::size_t i = 1; i < bins; ++i) {
    const QuantilePosition position =
        quantile_position(finite, static_cast<double>(i) / static_cast<double>(bins));
    ranks.push_back(position.below);
    if (!position.at_end) ranks.push_back(position.below + 1);
  }
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  return ranks;
}

NumericBinning NumericBinning::quantile_at_ranks(std::size_t finite, std::size_t bins,
                                                 std::span<const double> values) {
  const std::vector<std::size_t> ranks = quantile_ranks(finite, bins);
  if (values.size() != ranks.size()) {
    throw std::invalid_argument("quantile_at_ranks: one value per rank of quantile_ranks()");
  }
  const auto value_of_rank = [&](std::size_t rank) {
    return values[static_cast<std::size_t>(
        std::lower_bound(ranks.begin(), ranks.end(), rank) - ranks.begin())];
  };
  std::vector<double> edges;
  edges.reserve(bins - 1);
  for (std::size_t i = 1; i < bins; ++i) {
    edges.push_back(numpy_quantile(
        quantile_position(finite, static_cast<double>(i) / static_cast<double>(bins)),
        value_of_rank));
  }
  return NumericBinning(with_point_mass_edges(std::move(edges)));
}

NumericBinning NumericBinning::quantile(std::span<const double> reference, std::size_t bins) {
  check_bin_request(bins);
  const RankSelector selector(reference);
  const std::vector<std::size_t> ranks = quantile_ranks(selector.size(), bins);
  return quantile_at_ranks(selector.size(), bins, selector.values_at(ranks));
}

NumericBinning NumericBinning::uniform(std::span<const double> reference, std::size_t bins) {
  check_bin_request(bins);
  const std::vector<double> values = finite_values(reference);
  const auto [min_at, max_at] = std::minmax_element(values.begin(), values.end());
  return uniform_between(*min_at, *max_at, bins);
}

NumericBinning NumericBinning::uniform_between(double min, double max, std::size_t bins) {
  check_bin_request(bins);
  if (min == max) return NumericBinning(std::vector<double>{});
  // numpy.linspace(min, max, bins + 1): start + i * step, where
  // step = (max - min) / bins; when step underflows to 0 (a subnormal range)
  // numpy computes (i / bins) * (max - min) + start instead.
  const double width = max - min;
  const double divisor = static_cast<double>(bins);
  const double step = width / divisor;
  std::vector<double> edges;
  edges.reserve(bins - 1);
  for (std::size_t i = 1; i < bins; ++i) {
    const double index = static_cast<double>(i);
    if (!std::isfinite(width)) {
      edges.push_back(weighted_mean(min, max, index / divisor));
    } else if (step == 0) {
      edges.push_back(index / divisor * width + min);
    } else {
      edges.push_back(index * step + min);
    }
  }
  return NumericBinning(collapse_duplicates(std::move(edges)));
}

NumericBinning NumericBinning::explicit_edges(std::span<const double> edges) {
  return NumericBinning(std::vector<double>(edges.begin(), edges.end()));
}

std::string NumericBinning::label(std::size_t bin) const {
  if (bin >= bin_count()) {
    throw std::out_of_range("bin " + std::to_string(bin) + " of a binning with " +
                            std::to_string(bin_count()) + " bins");
  }
  const std::string lower = bin == 0 ? "(-inf" : "[" + format_shortest(edges_[bin - 1]);
  const std::string upper = bin == edges_.size() ? "+inf)" : format_shortest(edges_[bin]) + ")";
  return lower + ", " + upper;
}

BinLayout NumericBinning::layout() const {
  return BinLayout{BinKind::numeric, fingerprint_, bin_count()};
}

}  // namespace driftd
