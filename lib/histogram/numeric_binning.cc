#include "histogram/numeric_binning.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <utility>

#include "common/error.h"

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

// The finite reference values, sorted ascending.
std::vector<double> sorted_finite_values(std::span<const double> reference) {
  std::vector<double> values;
  values.reserve(reference.size());
  std::copy_if(reference.begin(), reference.end(), std::back_inserter(values),
               [](double x) { return std::isfinite(x); });
  if (values.empty()) throw InputError("reference has no finite values");
  std::sort(values.begin(), values.end());
  return values;
}

// For a and b so far apart that b - a overflows; each product stays finite.
double weighted_mean(double a, double b, double t) { return a * (1 - t) + b * t; }

// numpy's _lerp, operation for operation, so quantile edges match
// numpy.quantile bit for bit.
double numpy_lerp(double a, double b, double t) {
  const double difference = b - a;
  if (!std::isfinite(difference)) return weighted_mean(a, b, t);
  return t >= 0.5 ? b - difference * (1 - t) : a + difference * t;
}

// numpy.quantile(sorted, q) with the default method "linear" (Hyndman and
// Fan's method 7): interpolate at virtual index (n - 1) * q.
double numpy_quantile(const std::vector<double>& sorted, double q) {
  const double last_index = static_cast<double>(sorted.size() - 1);
  const double position = last_index * q;
  if (position >= last_index) return sorted.back();
  const auto below = static_cast<std::size_t>(position);  // floor: position >= 0
  return numpy_lerp(sorted[below], sorted[below + 1], position - static_cast<double>(below));
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

NumericBinning NumericBinning::quantile(std::span<const double> reference, std::size_t bins) {
  check_bin_request(bins);
  const std::vector<double> sorted = sorted_finite_values(reference);
  std::vector<double> edges;
  edges.reserve(bins - 1);
  for (std::size_t i = 1; i < bins; ++i) {
    edges.push_back(numpy_quantile(sorted, static_cast<double>(i) / static_cast<double>(bins)));
  }
  return NumericBinning(with_point_mass_edges(std::move(edges)));
}

NumericBinning NumericBinning::uniform(std::span<const double> reference, std::size_t bins) {
  check_bin_request(bins);
  const std::vector<double> sorted = sorted_finite_values(reference);
  const double min = sorted.front();
  const double max = sorted.back();
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
