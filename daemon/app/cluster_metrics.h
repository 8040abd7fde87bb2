// The Prometheus families of cluster mode (metrics/metric_family.h): this
// instance's cuts, its stream owner's merge and transactions, and the
// results it has written into SQLite (ClusterNode::progress()).
//
// Thread safety: write_cluster_metrics reads ClusterNode::progress(), a
// snapshot under the node's mutex: any thread, while the node lives.
#pragma once

#include <span>

#include "app/cluster_node.h"
#include "metrics/metric_family.h"
#include "metrics/metrics_writer.h"

namespace driftd {

std::span<const metrics::MetricFamily* const> cluster_metric_families();
void write_cluster_metrics(const ClusterNode& node, metrics::MetricsWriter& out);

}  // namespace driftd
