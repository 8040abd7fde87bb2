// The drift of every feature in its stream's latest closed window, for the
// per-feature gauges of /metrics: JSD and PSI against the reference (nats,
// metrics.md), the p-value the alert rules use, the values binned, and the
// highest severity of the feature's open alerts. Written by the window
// manager after each commit, so a gauge shows what is durable; a feature
// gets its series once one of its windows was compared (a window without
// its values, or a feature without reference, leaves the previous ones).
// Labels are stream and feature names from the configuration: bounded.
//
// It also keeps each stream's latest committed window (its bounds, when it
// was committed, the stream's accepted events then), for GET /v1/streams
// and the dashboard.
//
// Thread safety: update() on the window manager's thread; write_metrics()
// and last_window() on any thread. One mutex guards the table: a scrape
// copies nothing but the numbers it writes, and the manager holds it for
// one window's features.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "metrics/metric_family.h"
#include "metrics/metrics_writer.h"
#include "pipeline/alert_rule.h"
#include "pipeline/stream_runtime.h"
#include "pipeline/window_evaluator.h"

namespace driftd {

class LatestDrift {
 public:
  explicit LatestDrift(const std::vector<std::unique_ptr<StreamRuntime>>& streams);

  // The window manager, after committing `window` of stream `stream_index`
  // at `committed_ms` (the stream's alert states are read: the manager's
  // thread owns them).
  void update(std::size_t stream_index, const StreamRuntime& stream,
              const WindowEvaluation& window, int64_t committed_ms);

  struct CommittedWindow {
    Interval bounds;  // ms, or sequence numbers for count windows
    int64_t committed_ms;
    uint64_t accepted;  // the stream's accepted events when it was committed
  };
  // The stream's latest committed window, if any since driftd started.
  std::optional<CommittedWindow> last_window(std::size_t stream_index) const;

  static std::span<const metrics::MetricFamily* const> metric_families();
  void write_metrics(metrics::MetricsWriter& out) const;

 private:
  struct FeatureDrift {
    bool compared = false;
    double jsd = 0;
    double psi = 0;
    double p_value = 1;
    uint64_t values = 0;
    Severity severity = Severity::kNone;
  };
  struct StreamDrift {
    std::string name;
    std::vector<std::string> features;
    std::vector<FeatureDrift> drift;  // guarded by mutex_
    std::optional<CommittedWindow> last_window;  // guarded by mutex_
  };

  mutable std::mutex mutex_;
  std::vector<StreamDrift> streams_;
};

}  // namespace driftd
