#include "pipeline/cusum.h"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/normal.hpp>

namespace driftd {

double evidence_z(double p_value) {
  constexpr double kLimit = 8;
  if (!(p_value < 1)) return -kLimit;
  if (!(p_value > 0)) return kLimit;
  const boost::math::normal_distribution<double> normal;
  return std::clamp(boost::math::quantile(boost::math::complement(normal, p_value)), -kLimit,
                    kLimit);
}

double cusum_average_run_length(double k, double h) {
  const double x = 2 * k * (h + 1.166);
  return (std::exp(x) - x - 1) / (2 * k * k);
}

double cusum_threshold(double arl, double k) {
  double low = 0;
  double high = 1;
  while (cusum_average_run_length(k, high) < arl) high *= 2;
  while (high - low > 1e-9) {
    const double middle = (low + high) / 2;
    (cusum_average_run_length(k, middle) < arl ? low : high) = middle;
  }
  return high;
}

}  // namespace driftd
