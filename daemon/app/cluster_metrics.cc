#include "app/cluster_metrics.h"

#include <array>

namespace driftd {
namespace {

using metrics::MetricFamily;
using metrics::MetricType;

constexpr MetricFamily kCuts{
    "driftd_cluster_cuts_total", MetricType::counter,
    "This instance's cuts (pane deltas with their source offsets, one Kafka transaction each), "
    "by outcome: committed; aborted (read again); discarded (assignment lost).",
    {"outcome"}};
constexpr MetricFamily kPartialBytes{"driftd_cluster_partial_bytes_total", MetricType::counter,
                                     "Bytes of pane partials in committed cuts."};
constexpr MetricFamily kOwnerPartials{
    "driftd_cluster_owner_partials_total", MetricType::counter,
    "Records of the partials topic this instance's stream owner read, by outcome: added (pane "
    "partials); switched_from (pane partials binned with the reference the stream switched "
    "from: an instance's stragglers, their events counted late); rows (capture rows, while the "
    "stream has no reference or from instances that have not installed it); rejected (another "
    "reference version, counter layout or columns); malformed; unknown (a stream not "
    "configured here).",
    {"outcome"}};
constexpr MetricFamily kOwnerCaptures{
    "driftd_cluster_owner_captures_total", MetricType::counter,
    "References this instance's owner captured from the instances' rows and published (again "
    "after an aborted transaction or a failover)."};
constexpr MetricFamily kOwnerWindows{
    "driftd_cluster_owner_windows_total", MetricType::counter,
    "Windows this instance's owner published in committed transactions."};
constexpr MetricFamily kOwnerTransactions{
    "driftd_cluster_owner_transactions_total", MetricType::counter,
    "The owner's results transactions, by outcome: committed; aborted (reloaded from the "
    "state topic).",
    {"outcome"}};
constexpr MetricFamily kOwnerStates{
    "driftd_cluster_owner_states_total", MetricType::counter,
    "Streams the owner took over from the state topic, by outcome: restored; refused (did not "
    "fit the configuration: the stream started fresh).",
    {"outcome"}};
constexpr MetricFamily kResults{
    "driftd_cluster_results_total", MetricType::counter,
    "Results of the results topic written into SQLite, by outcome: stored; skipped (not "
    "decodable, or not fitting this instance's configuration).",
    {"outcome"}};
constexpr MetricFamily kResultsMissed{
    "driftd_cluster_results_missed_offsets_total", MetricType::counter,
    "Offsets of the results topic deleted by its retention before this instance stored them: "
    "its history lacks their windows (cluster.results_retention)."};
constexpr MetricFamily kResultsOffset{
    "driftd_cluster_results_next_offset", MetricType::gauge,
    "The next offset of the results topic to write into SQLite."};

constexpr std::array kFamilies{&kCuts,          &kPartialBytes,      &kOwnerPartials,
                               &kOwnerWindows,  &kOwnerTransactions, &kOwnerStates,
                               &kOwnerCaptures, &kResults,           &kResultsMissed,
                               &kResultsOffset};

double value(uint64_t count) { return static_cast<double>(count); }

}  // namespace

std::span<const metrics::MetricFamily* const> cluster_metric_families() { return kFamilies; }

void write_cluster_metrics(const ClusterNode& node, metrics::MetricsWriter& out) {
  const ClusterProgress progress = node.progress();
  out.sample(kCuts, {"committed"}, value(progress.cuts.committed));
  out.sample(kCuts, {"aborted"}, value(progress.cuts.aborted));
  out.sample(kCuts, {"discarded"}, value(progress.cuts.discarded));
  out.sample(kPartialBytes, {}, value(progress.cuts.partial_bytes));
  const cluster::OwnerCounters& owner = progress.owner;
  const uint64_t not_added = owner.switched_from + owner.rows_added + owner.rejected +
                             owner.malformed_partials + owner.unknown_streams;
  out.sample(kOwnerPartials, {"added"},
             value(owner.partials >= not_added ? owner.partials - not_added : 0));
  out.sample(kOwnerPartials, {"switched_from"}, value(owner.switched_from));
  out.sample(kOwnerPartials, {"rows"}, value(owner.rows_added));
  out.sample(kOwnerPartials, {"rejected"}, value(owner.rejected));
  out.sample(kOwnerPartials, {"malformed"}, value(owner.malformed_partials));
  out.sample(kOwnerPartials, {"unknown"}, value(owner.unknown_streams));
  out.sample(kOwnerWindows, {}, value(owner.windows_published));
  out.sample(kOwnerTransactions, {"committed"}, value(owner.transactions));
  out.sample(kOwnerTransactions, {"aborted"}, value(owner.aborts));
  out.sample(kOwnerStates, {"restored"}, value(owner.states_restored));
  out.sample(kOwnerStates, {"refused"}, value(owner.states_refused));
  out.sample(kOwnerCaptures, {}, value(owner.references_captured));
  out.sample(kResults, {"stored"}, value(progress.results.results));
  out.sample(kResults, {"skipped"}, value(progress.results.skipped));
  out.sample(kResultsMissed, {}, value(progress.results.missed_offsets));
  out.sample(kResultsOffset, {}, static_cast<double>(progress.results_next_offset));
}

}  // namespace driftd
