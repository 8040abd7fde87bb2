// The joint_window_metrics rows of a closed window (migrations/0007): one
// per feature pair and group with a reference. Their headline columns are
// what alert rules and the v_joint_series view read; `detail` is the whole
// evaluation as the API shows it (pipeline/joint_json.h).
//
// Thread safety: the store's writer thread (it owns the connection).
#pragma once

#include <cstdint>

#include "config/config.h"
#include "pipeline/stream_references.h"
#include "pipeline/window_evaluator.h"
#include "store/sqlite.h"

namespace driftd::store {

class JointWindowRows {
 public:
  explicit JointWindowRows(Database& db);

  // Inserts the window's rows (late: the stream's late events counted with
  // it). REQUIRES: window evaluated with `references` for `stream`.
  void insert(const config::StreamConfig& stream, const StreamReferences& references,
              const WindowEvaluation& window, uint64_t late, int64_t now_ms);
  // After a failed commit the statement may be left mid-step: start clean.
  void reset() { insert_.reset(); }

 private:
  Statement insert_;
};

}  // namespace driftd::store
