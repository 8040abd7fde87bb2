// The detection benchmark: how often driftd's significance and default alert
// rule are wrong, measured on synthetic features through the daemon's own
// code (quantile binning and category dictionaries from a captured reference,
// compare_counts, AlertRuleState with config::default_alert_rules()). One
// experiment per run, one JSON object per line on stdout; bench/detection/
// run_detection.py runs them all, adds scipy's KS test and prints the tables
// of docs/detection.md.
//
//   detection_bench typei REPLICATES [SEED]  type-I error of the p-values
//   detection_bench bias REPLICATES     mean jsd / psi and their corrected forms, no drift
//   detection_bench false_alarms WINDOWS   default rule, no drift, 13 kinds x N
//   detection_bench detection EPISODES  default rule, windows to detect each drift
//   detection_bench sequential WINDOWS [K]  the default rule with `sequential`: false
//                                       alarms at N = 200 and windows to detect
//                                       small shifts (WINDOWS / 100 episodes)
//   detection_bench power WINDOWS FILE  per-window decisions on 0.25 sd shifts, and the
//                                       raw values of those windows in FILE for KS
// Seeds are fixed: every run prints the same figures.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <span>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "detection/feature_kinds.h"
#include "divergence/calibrated_g_test.h"
#include "divergence/divergence.h"
#include "pipeline/alert_rule.h"
#include "pipeline/feature_reference.h"

namespace driftd::detection {
namespace {

constexpr std::size_t kReferenceSize = 10'000;
constexpr double kAlpha = 0.5;  // the default smoothing_alpha

void emit(const nlohmann::json& line) { std::printf("%s\n", line.dump().c_str()); }

// ---- Count tables drawn directly (type-I error and bias grids) ----

std::vector<double> grid_shape(bool skewed, std::size_t bins) {
  std::vector<double> pi(bins, 1.0 / static_cast<double>(bins));
  if (!skewed) return pi;
  // Zipf masses with the smallest exponent whose last bin holds <= 0.05%.
  for (double exponent = 0.1;; exponent += 0.01) {
    double total = 0;
    for (std::size_t k = 0; k < bins; ++k) total += pi[k] = std::pow(static_cast<double>(k) + 1.0, -exponent);
    for (double& p : pi) p /= total;
    if (pi.back() <= 0.0005) return pi;
  }
}

void multinomial(std::mt19937_64& rng, uint64_t total, const std::vector<double>& pi,
                 std::vector<uint64_t>& out) {
  double left = 1;
  out.assign(pi.size(), 0);
  for (std::size_t k = 0; k + 1 < pi.size() && total > 0; ++k) {
    std::binomial_distribution<uint64_t> bin(total, std::clamp(pi[k] / left, 0.0, 1.0));
    out[k] = bin(rng);
    total -= out[k];
    left -= pi[k];
  }
  out.back() += total;
}

template <class Cell>
void for_each_grid_cell(Cell&& cell) {
  for (bool skewed : {false, true}) {
    for (std::size_t bins : {10, 64}) {
      for (uint64_t m : {1'000, 10'000}) {
        for (uint64_t n : {100, 200, 500, 1'000, 10'000}) cell(skewed, bins, m, n);
      }
    }
  }
}

void type_one_error(int replicates, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for_each_grid_cell([&](bool skewed, std::size_t bins, uint64_t m, uint64_t n) {
    const std::vector<double> pi = grid_shape(skewed, bins);
    std::vector<uint64_t> p, q;
    // Rejections at 0.001 and 0.01 of: the plain G-test, the pooled G-test
    // (p_value_calibrated of unordered bins), the rank test, and
    // p_value_calibrated of ordered bins (both, Bonferroni).
    int plain[2] = {0, 0}, pooled[2] = {0, 0}, rank[2] = {0, 0}, ordered[2] = {0, 0};
    for (int r = 0; r < replicates; ++r) {
      multinomial(rng, n, pi, p);
      multinomial(rng, m, pi, q);
      const Significance s = compare_counts(p, q, kAlpha, BinOrder::kOrdered).significance;
      const double g_pooled =
          calibrated_g_test(p, q, static_cast<double>(n), static_cast<double>(m)).p_value;
      for (int a = 0; a < 2; ++a) {
        const double alpha = a == 0 ? 0.001 : 0.01;
        plain[a] += s.p_value <= alpha;
        pooled[a] += g_pooled <= alpha;
        rank[a] += s.p_value_rank <= alpha;
        ordered[a] += s.p_value_calibrated <= alpha;
      }
    }
    emit({{"experiment", "typei"}, {"bins", skewed ? "skewed" : "equal"}, {"B", bins},
          {"m", m}, {"n", n}, {"replicates", replicates}, {"plain", {plain[0], plain[1]}},
          {"pooled", {pooled[0], pooled[1]}}, {"rank", {rank[0], rank[1]}},
          {"ordered", {ordered[0], ordered[1]}}});
  });
}

void bias(int replicates) {
  std::mt19937_64 rng(2);
  for_each_grid_cell([&](bool skewed, std::size_t bins, uint64_t m, uint64_t n) {
    const std::vector<double> pi = grid_shape(skewed, bins);
    std::vector<uint64_t> p, q;
    double sums[4] = {0, 0, 0, 0};
    for (int r = 0; r < replicates; ++r) {
      multinomial(rng, n, pi, p);
      multinomial(rng, m, pi, q);
      const CountComparison c = compare_counts(p, q, kAlpha);
      sums[0] += c.measures.jsd;
      sums[1] += c.significance.jsd_corrected;
      sums[2] += c.measures.psi;
      sums[3] += c.significance.psi_corrected;
    }
    for (double& sum : sums) sum /= replicates;
    emit({{"experiment", "bias"}, {"bins", skewed ? "skewed" : "equal"}, {"B", bins},
          {"m", m}, {"n", n}, {"replicates", replicates}, {"jsd", sums[0]},
          {"jsd_corrected", sums[1]}, {"psi", sums[2]}, {"psi_corrected", sums[3]}});
  });
}

// ---- Features through the daemon's binning and the default rule ----

// A feature of one kind with a reference captured from kReferenceSize values.
class MonitoredFeature {
 public:
  MonitoredFeature(Kind kind, std::mt19937_64& rng) : kind_(kind) {
    config::FeatureConfig config;
    config.name = std::string(name_of(kind));
    config.path = "/" + config.name;
    std::vector<double> values(kReferenceSize);
    draw(kind, Drift{}, rng, values);
    if (!is_categorical(kind)) {
      reference_ = numeric_reference(config, values);
      return;
    }
    config.type = config::FeatureType::categorical;
    config.bins = 0;
    config.gaussian = false;
    std::vector<std::string_view> names;
    for (double value : values) names.push_back(category_name(value));
    reference_ = categorical_reference(config, names, 0);
  }

  // The window's comparison with the reference, as the daemon's evaluator makes it.
  CountComparison compare(std::span<const double> window) {
    counts_.assign(reference_.bins.bin_count() + 1, 0);
    if (!is_categorical(kind_)) {
      reference_.bins.binner().count(window, counts_);
    } else {
      for (double value : window) ++counts_[reference_.bins.dictionary().bin_of(category_name(value))];
    }
    counts_.pop_back();  // the missing slot
    return compare_counts(counts_, reference_.counts, kAlpha,
                          is_categorical(kind_) ? BinOrder::kUnordered : BinOrder::kOrdered);
  }

 private:
  std::string_view category_name(double index) {
    const auto i = static_cast<std::size_t>(index);
    while (names_.size() <= i) names_.push_back("c" + std::to_string(names_.size()));
    return names_[i];
  }

  Kind kind_;
  FeatureReference reference_;
  std::vector<uint64_t> counts_;
  std::vector<std::string> names_;
};

const config::AlertRule& default_rule() {
  static const config::AlertRule rule = config::default_alert_rules().front();
  return rule;
}

RuleEvidence evidence_of(const CountComparison& c) {
  return {c.significance.jsd_corrected, c.significance.p_value_calibrated, c.n_p, std::nullopt};
}

// The default rule's firing condition for one window (for = 1).
bool breaches(const CountComparison& c) {
  const config::AlertRule& rule = default_rule();
  return c.significance.p_value_calibrated <= *rule.max_p_value &&
         c.significance.jsd_corrected >= rule.warn;
}

constexpr std::size_t kReferencesPerCell = 5;

void false_alarms(int windows, const config::AlertRule& rule, std::string_view rule_name,
                  std::span<const std::size_t> sizes) {
  for (Kind kind : kAllKinds) {
    for (std::size_t n : sizes) {
      std::mt19937_64 rng(1000 + static_cast<int>(kind) * 10 + n);
      const int per_reference = static_cast<int>(
          std::max<std::size_t>(1, windows / kReferencesPerCell / (n >= 10'000 ? 4 : 1)));
      int fired = 0, breached = 0, total = 0;
      std::vector<double> window(n);
      for (std::size_t r = 0; r < kReferencesPerCell; ++r) {
        MonitoredFeature feature(kind, rng);
        AlertRuleState state;
        for (int w = 0; w < per_reference; ++w) {
          draw(kind, Drift{}, rng, window);
          const CountComparison c = feature.compare(window);
          fired += state.observe(rule, evidence_of(c)) == Transition::kFired;
          breached += breaches(c);
          ++total;
        }
      }
      emit({{"experiment", "false_alarms"}, {"rule", rule_name}, {"kind", name_of(kind)},
            {"n", n}, {"windows", total}, {"fired", fired}, {"breached", breached}});
    }
  }
}

struct Scenario {
  std::string_view name;
  Kind kind;
  std::size_t n;
  Drift drift;
  bool ramp = false;  // the shift grows to drift.shift_sd over the drifted windows
};

std::vector<Scenario> scenarios() {
  Drift shift_half{.shift_sd = 0.5};
  Drift shift_quarter{.shift_sd = 0.25};
  Drift to_rare{.moved_mass = 0.05, .moved_to = 49};  // Zipf(1.1)'s rarest of 50: 0.3%
  Drift to_new{.moved_mass = 0.05, .moved_to = 50};   // never seen in the reference
  Drift half_zeros{.zero_share = 0.5};
  return {{"0.5 sd shift", Kind::kNormal, 200, shift_half},
          {"0.25 sd shift", Kind::kNormal, 1'000, shift_quarter},
          {"0.25 sd shift", Kind::kNormal, 10'000, shift_quarter},
          {"5% to a rare category", Kind::kZipf50, 1'000, to_rare},
          {"5% to a rare category", Kind::kZipf50, 10'000, to_rare},
          {"5% to a new category", Kind::kZipf50, 1'000, to_new},
          {"5% to a new category", Kind::kZipf50, 10'000, to_new},
          {"95% -> 50% zeros", Kind::kZeroInflated, 200, half_zeros},
          {"95% -> 50% zeros", Kind::kZeroInflated, 1'000, half_zeros},
          {"95% -> 50% zeros", Kind::kZeroInflated, 10'000, half_zeros},
          {"0.25 sd shift", Kind::kNormal, 200, shift_quarter}};
}

// Episodes: kQuiet clean windows, then kDrifted drifted ones, over and over.
// For each episode: the drifted window (1-based) that fired the alert, 0 if
// none did; whether the alert was open at the episode's start (not resolved
// since the last one: a latch) and fired before the drift (a false alarm).
constexpr int kQuiet = 20;
constexpr int kDrifted = 10;

void detection(int episodes, const config::AlertRule& rule, std::string_view rule_name,
               const std::vector<Scenario>& list) {
  for (const Scenario& scenario : list) {
    std::mt19937_64 rng(7);
    std::vector<int> delays;
    int open_at_start = 0, false_alarms = 0;
    std::vector<double> window(scenario.n);
    const int per_reference = std::max<int>(1, episodes / static_cast<int>(kReferencesPerCell));
    for (std::size_t r = 0; r < kReferencesPerCell; ++r) {
      MonitoredFeature feature(scenario.kind, rng);
      AlertRuleState state;
      for (int e = 0; e < per_reference; ++e) {
        for (int w = 0; w < kQuiet; ++w) {
          draw(scenario.kind, Drift{}, rng, window);
          false_alarms +=
              state.observe(rule, evidence_of(feature.compare(window))) == Transition::kFired;
        }
        open_at_start += state.firing();
        int delay = 0;
        for (int w = 1; w <= kDrifted; ++w) {
          Drift drift = scenario.drift;
          if (scenario.ramp) drift.shift_sd *= static_cast<double>(w) / kDrifted;
          draw(scenario.kind, drift, rng, window);
          const Transition t = state.observe(rule, evidence_of(feature.compare(window)));
          if (t == Transition::kFired && delay == 0) delay = w;
        }
        delays.push_back(delay);
      }
    }
    emit({{"experiment", "detection"}, {"rule", rule_name}, {"scenario", scenario.name},
          {"kind", name_of(scenario.kind)}, {"n", scenario.n}, {"delays", delays},
          {"open_at_start", open_at_start}, {"false_alarms", false_alarms}});
  }
}

// The default rule with `sequential` (ARL 1000, k 0.5) against the default
// rule on small windows: false alarms at N = 200, and windows to detect a
// 0.25 sd shift, sudden or growing from 0 over the drifted windows.
void sequential(int count, double k) {
  config::AlertRule rule = default_rule();
  rule.sequential = config::SequentialRule{1000, k};
  const std::size_t sizes[] = {200};
  false_alarms(count, rule, "sequential", sizes);
  const Drift quarter{.shift_sd = 0.25};
  const std::vector<Scenario> small{{"0.25 sd shift", Kind::kNormal, 200, quarter},
                                    {"0.25 sd reached by a ramp", Kind::kNormal, 200, quarter, true}};
  detection(count / 100, default_rule(), "default", small);
  detection(count / 100, rule, "sequential", small);
}

// Per-window decisions of the default rule on windows of a 0.25 sd shift,
// and on as many windows without drift; the raw values go to `path` (doubles:
// reference, then each window) so that KS can judge the very same windows.
void power(int windows, const std::string& path) {
  std::ofstream file(path, std::ios::binary);
  for (std::size_t n : {200, 1'000}) {
    std::mt19937_64 rng(11 + n);
    std::vector<double> reference(kReferenceSize);
    // The reference the feature captures, drawn again from the same seed.
    std::mt19937_64 copy = rng;
    draw(Kind::kNormal, Drift{}, copy, reference);
    MonitoredFeature feature(Kind::kNormal, rng);
    file.write(reinterpret_cast<const char*>(reference.data()),
               static_cast<std::streamsize>(reference.size() * sizeof(double)));
    std::vector<int> drifted_breach, null_breach;
    std::vector<double> window(n);
    for (int w = 0; w < windows; ++w) {
      draw(Kind::kNormal, Drift{.shift_sd = 0.25}, rng, window);
      file.write(reinterpret_cast<const char*>(window.data()),
                 static_cast<std::streamsize>(window.size() * sizeof(double)));
      drifted_breach.push_back(breaches(feature.compare(window)));
    }
    for (int w = 0; w < windows; ++w) {
      draw(Kind::kNormal, Drift{}, rng, window);
      null_breach.push_back(breaches(feature.compare(window)));
    }
    emit({{"experiment", "power"}, {"n", n}, {"m", kReferenceSize}, {"windows", windows},
          {"drifted_breach", drifted_breach}, {"null_breach", null_breach}});
  }
}

}  // namespace
}  // namespace driftd::detection

int main(int argc, char** argv) {
  using namespace driftd::detection;
  const std::string experiment = argc > 1 ? argv[1] : "";
  const int count = argc > 2 ? std::stoi(argv[2]) : 0;
  if (experiment == "typei" && count > 0) type_one_error(count, argc > 3 ? std::stoull(argv[3]) : 1);
  else if (experiment == "bias" && count > 0) bias(count);
  else if (experiment == "false_alarms" && count > 0) {
    const std::size_t sizes[] = {200, 1'000, 10'000};
    false_alarms(count, default_rule(), "default", sizes);
  } else if (experiment == "detection" && count > 0) {
    detection(count, default_rule(), "default", scenarios());
  } else if (experiment == "sequential" && count > 0) {
    sequential(count, argc > 3 ? std::stod(argv[3]) : driftd::config::SequentialRule{}.k);
  }
  else if (experiment == "power" && count > 0 && argc > 3) power(count, argv[3]);
  else {
    std::fprintf(stderr,
                 "usage: detection_bench typei REPLICATES [SEED]\n"
                 "       detection_bench bias|false_alarms|detection COUNT\n"
                 "       detection_bench sequential WINDOWS [K]\n"
                 "       detection_bench power WINDOWS FILE\n");
    return 2;
  }
  return 0;
}
