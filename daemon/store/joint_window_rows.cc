#include "store/joint_window_rows.h"

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "pipeline/joint_json.h"
#include "pipeline/pair_verdict.h"

namespace driftd::store {
namespace {

// Columns in parameter order: ?1 is stream, ?2 name, ...
constexpr const char* kColumns[] = {
    "stream", "name", "kind", "window_start", "window_end", "reference_id", "n", "incomplete",
    "late",
    // pairs
    "kl_joint", "jsd", "hellinger", "tv", "psi", "jsd_corrected", "dof_pooled",
    "p_value_calibrated", "kl_marginal_x", "kl_conditional_y_given_x", "kl_marginal_y",
    "kl_conditional_x_given_y", "p_value_marginal", "p_value_conditional",
    // groups
    "gaussian_kl", "gaussian_location", "gaussian_shape", "gaussian_scale", "t2", "t2_p_value",
    "box_m", "box_m_p_value",
    // both
    "verdict", "infinite", "detail", "closed_at"};
constexpr int kColumnCount = static_cast<int>(std::size(kColumns));

int column(std::string_view name) {
  for (int i = 0; i < kColumnCount; ++i) {
    if (kColumns[i] == name) return i + 1;
  }
  return 0;  // not reached: every name bound is in kColumns
}

std::string insert_sql() {
  std::string columns;
  std::string values;
  for (int i = 0; i < kColumnCount; ++i) {
    columns += (i ? ", " : "") + std::string(kColumns[i]);
    values += (i ? ", ?" : "?") + std::to_string(i + 1);
  }
  return "INSERT INTO joint_window_metrics (" + columns + ") VALUES (" + values + ")";
}

// A pair's detail: its evaluation and the window's cells (one row of y
// counts per x bin), so a row can be plotted.
nlohmann::ordered_json pair_detail_json(const PairEvaluation& pair, std::size_t y_bins,
                                        const std::vector<std::string>& x_labels) {
  nlohmann::ordered_json detail = pair_json(pair, x_labels);
  detail["cells"] = cells_json(pair.cells, y_bins);
  return detail;
}

// Binds `value` to the named column; an infinite one binds NULL and is
// listed in `infinite` under that name.
void bind_measure(Statement& insert, const char* name, double value, nlohmann::json& infinite) {
  if (std::isinf(value)) infinite.push_back(name);
  insert.bind(column(name), value);
}

}  // namespace

JointWindowRows::JointWindowRows(Database& db) : insert_(db.prepare(insert_sql())) {}

void JointWindowRows::insert(const config::StreamConfig& stream,
                             const StreamReferences& references, const WindowEvaluation& window,
                             uint64_t late, int64_t now_ms) {
  const auto common = [&](const std::string& name, const char* kind, int64_t reference_id,
                          uint64_t n, uint64_t incomplete) {
    for (int i = 1; i <= kColumnCount; ++i) insert_.bind_null(i);
    insert_.bind(column("stream"), std::string_view(stream.name))
        .bind(column("name"), std::string_view(name))
        .bind(column("kind"), std::string_view(kind))
        .bind(column("window_start"), window.bounds.start)
        .bind(column("window_end"), window.bounds.end)
        .bind(column("reference_id"), reference_id)
        .bind(column("n"), static_cast<int64_t>(n))
        .bind(column("incomplete"), static_cast<int64_t>(incomplete))
        .bind(column("late"), static_cast<int64_t>(late))
        .bind(column("closed_at"), now_ms);
  };
  for (std::size_t p = 0; p < window.pairs.size(); ++p) {
    if (!window.pairs[p]) continue;
    const PairEvaluation& pair = *window.pairs[p];
    const config::PairConfig& config = stream.pairs[p];
    common(config.name, "pair", references.pairs[p].id, pair.n, pair.incomplete);
    nlohmann::json infinite = nlohmann::json::array();
    if (pair.joint) {
      const DivergenceMeasures& m = pair.joint->measures;
      const Significance& s = pair.joint->significance;
      bind_measure(insert_, "kl_joint", m.kl_pq, infinite);
      bind_measure(insert_, "jsd", m.jsd, infinite);
      bind_measure(insert_, "hellinger", m.hellinger, infinite);
      bind_measure(insert_, "tv", m.tv, infinite);
      bind_measure(insert_, "psi", m.psi, infinite);
      bind_measure(insert_, "jsd_corrected", s.jsd_corrected, infinite);
      insert_.bind(column("dof_pooled"), int64_t{s.dof_pooled})
          .bind(column("p_value_calibrated"), s.p_value_calibrated);
      bind_measure(insert_, "kl_marginal_x", pair.given_x->marginal, infinite);
      bind_measure(insert_, "kl_conditional_y_given_x", pair.given_x->conditional, infinite);
      bind_measure(insert_, "kl_marginal_y", pair.given_y->marginal, infinite);
      bind_measure(insert_, "kl_conditional_x_given_y", pair.given_y->conditional, infinite);
      insert_.bind(column("p_value_marginal"), pair.given_x_tests->marginal.p_value)
          .bind(column("p_value_conditional"), pair.given_x_tests->conditional.p_value);
      if (const char* verdict = to_string(pair_verdict(pair))) {
        insert_.bind(column("verdict"), std::string_view(verdict));
      }
    }
    insert_.bind(column("infinite"), std::string_view(infinite.dump()))
        .bind(column("detail"),
              std::string_view(pair_detail_json(pair, references.pairs[p].y_bins,
                                                references.features[config.x_index].bins.labels())
                                   .dump()))
        .run();
  }
  for (std::size_t g = 0; g < window.groups.size(); ++g) {
    if (!window.groups[g]) continue;
    const GroupEvaluation& group = *window.groups[g];
    const config::GroupConfig& config = stream.groups[g];
    common(config.name, "group", references.groups[g].id, group.n, window.events - group.n);
    if (const auto& kl = group.gaussian.value) {
      insert_.bind(column("gaussian_kl"), kl->total)
          .bind(column("gaussian_location"), kl->location)
          .bind(column("gaussian_shape"), kl->shape)
          .bind(column("gaussian_scale"), kl->scale);
    }
    if (const auto& t2 = group.t2.value) {
      insert_.bind(column("t2"), t2->t2).bind(column("t2_p_value"), t2->p_value);
    }
    if (const auto& box_m = group.box_m.value) {
      insert_.bind(column("box_m"), box_m->statistic)
          .bind(column("box_m_p_value"), box_m->p_value);
    }
    insert_.bind(column("infinite"), std::string_view("[]"))
        .bind(column("detail"), std::string_view(group_json(group, config.features).dump()))
        .run();
  }
}

}  // namespace driftd::store
