// Result types of a divergence comparison, the one table of their names, and
// the closed-form formulas that finish them (Pinsker bound, G-test p-value).
//
// DivergenceMeasures holds every measure of the metrics contract
// (docs/metrics.md) for a pair of distributions P (the current window) and Q
// (the reference). Significance holds the G-test of the raw counts behind
// them. kMeasureFields and kSignificanceFields map each member to its
// metrics.md key: the CLI, storage and JSON output iterate these tables and
// never retype a name.
//
// Promises:
//   - Every value is in nats (natural logarithm).
//   - +inf is a legitimate value (P puts mass in a bin where Q has none,
//     which only happens without smoothing) and is kept, never clamped.
//   - NaN never appears for valid input.
//
// Thread safety: plain values, constant tables and pure functions.
#pragma once

#include <array>
#include <string_view>
#include <tuple>

namespace driftd {

struct DivergenceMeasures {
  double kl_pq;             // sum p ln(p/q): cost of describing P with Q
  double kl_qp;             // sum q ln(q/p)
  double jsd;               // Jensen-Shannon divergence, in [0, ln 2]
  double js_distance;       // sqrt(jsd)
  double tv;                // total variation, 0.5 sum |p - q|
  double pinsker_bound;     // sqrt(kl_pq / 2) >= tv
  double hellinger;         // sqrt(1 - sum sqrt(p q)), in [0, 1]
  double psi;               // population stability index = kl_pq + kl_qp
  double entropy_p;         // -sum p ln p
  double entropy_q;         // -sum q ln q
  double cross_entropy_pq;  // -sum p ln q = entropy_p + kl_pq
};

// What the window's sample size says about the measures: the G-test of
// homogeneity of the 2 x K' table of raw counts (K' = bins whose column total
// is > 0), its calibrated form (calibrated_g_test.h) and the measures with
// their plug-in bias removed (null_expectation.h).
struct Significance {
  double g_statistic;         // 2 sum O ln(O/E)
  int dof;                    // K' - 1
  double p_value;             // chi-square survival of g_statistic; 1 if dof = 0
  double kl_pq_corrected;     // max(0, kl_pq - (K'-1)/2 (1/n + 1/m))
  int dof_pooled;             // groups of the pooled G-test - 1
  // The p-value alerts use: the pooled G-test with Williams' correction;
  // with ordered bins min(1, 2 min(that, p_value_rank)) (Bonferroni).
  double p_value_calibrated;
  double p_value_rank;        // Wilcoxon-Mann-Whitney on ordered bins; 1 unordered
  double jsd_corrected;       // jsd - E0[jsd]; about 0 under no drift, may be < 0
  double psi_corrected;       // psi - E0[psi]; = psi when alpha = 0
};

// One named member of a result struct: `record.*member` is stored as `key`.
template <class Record, class Value>
struct NamedField {
  std::string_view key;
  Value Record::*member;
};

inline constexpr std::array<NamedField<DivergenceMeasures, double>, 11> kMeasureFields{{
    {"kl_pq", &DivergenceMeasures::kl_pq},
    {"kl_qp", &DivergenceMeasures::kl_qp},
    {"jsd", &DivergenceMeasures::jsd},
    {"js_distance", &DivergenceMeasures::js_distance},
    {"tv", &DivergenceMeasures::tv},
    {"pinsker_bound", &DivergenceMeasures::pinsker_bound},
    {"hellinger", &DivergenceMeasures::hellinger},
    {"psi", &DivergenceMeasures::psi},
    {"entropy_p", &DivergenceMeasures::entropy_p},
    {"entropy_q", &DivergenceMeasures::entropy_q},
    {"cross_entropy_pq", &DivergenceMeasures::cross_entropy_pq},
}};

// Significance mixes an int with doubles, hence a tuple. Visit it with
// std::apply, e.g.
//   std::apply([&](const auto&... f) { ((json[f.key] = s.*f.member), ...); },
//              kSignificanceFields);
inline constexpr std::tuple<NamedField<Significance, double>, NamedField<Significance, int>,
                            NamedField<Significance, double>, NamedField<Significance, double>,
                            NamedField<Significance, int>, NamedField<Significance, double>,
                            NamedField<Significance, double>, NamedField<Significance, double>,
                            NamedField<Significance, double>>
    kSignificanceFields{
        NamedField<Significance, double>{"g_statistic", &Significance::g_statistic},
        NamedField<Significance, int>{"dof", &Significance::dof},
        NamedField<Significance, double>{"p_value", &Significance::p_value},
        NamedField<Significance, double>{"kl_pq_corrected", &Significance::kl_pq_corrected},
        NamedField<Significance, int>{"dof_pooled", &Significance::dof_pooled},
        NamedField<Significance, double>{"p_value_calibrated", &Significance::p_value_calibrated},
        NamedField<Significance, double>{"p_value_rank", &Significance::p_value_rank},
        NamedField<Significance, double>{"jsd_corrected", &Significance::jsd_corrected},
        NamedField<Significance, double>{"psi_corrected", &Significance::psi_corrected},
    };

// sqrt(kl_pq / 2), the Pinsker bound on total variation; +inf for +inf.
// REQUIRES: kl_pq >= 0.
double pinsker_bound(double kl_pq);

// Chi-square survival function of g_statistic with dof degrees of freedom
// (Boost.Math, evaluated in double precision); 1 when dof = 0.
// REQUIRES: g_statistic >= 0 and finite, dof >= 0.
double g_test_p_value(double g_statistic, int dof);

}  // namespace driftd
