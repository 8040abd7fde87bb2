// A stream's new references published as a reference switch in cluster
// mode (docs/architecture.md, "Cluster mode", 7.): `driftctl reference
// import` (and later `promote`) with a configuration that has a cluster
// section. Nothing is stored in the local database: every instance's
// materializer stores the references when the first window evaluated with
// them arrives.
//
// Promises: a switch is published only when
//   - the stream has a first reference (a file's, or its captured one is in
//     the references topic);
//   - the stream's latest switch, if any, is in effect in this instance's
//     database (`active_version`: its references are the active ones
//     there, its first window came), since an instance keeps two binnings,
//     the current and the next;
//   - the references are not a version the stream had (its timeline's
//     versions: the owner and the instances tell a switch's windows apart
//     by version);
//   - its time is a pane boundary at least cluster.switch_lead plus the
//     stream's event_time.max_future after now (instances follow the topic
//     within that lead, so none has cut events of that time with the old
//     references), after the latest switch.
// Anything else, and a broker that does not answer, throws UsageError
// naming the reason, having published nothing.
//
// Thread safety: a plain function.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "config/config.h"
#include "pipeline/stream_references.h"
#include "store/drift_store.h"

namespace driftd::cli {

struct PublishedSwitch {
  int64_t from_ms = 0;
  int64_t version = 0;
};
// {"from_ms", "reference_version"}: the JSON output's "switch".
nlohmann::ordered_json switch_json(const PublishedSwitch& published);

// `from_ms`: the earliest time asked (--from), or the earliest allowed;
// `active_version`: the reference version of the stream's active references
// in this instance's database (none: no database, or none active).
PublishedSwitch publish_reference_switch(const config::Config& config,
                                         const config::StreamConfig& stream,
                                         const StreamReferences& references,
                                         const std::string& origin, std::optional<int64_t> from_ms,
                                         std::optional<int64_t> active_version, const Clock& clock);

// The switch time asked (--from): milliseconds since the epoch; nullopt
// for "". UsageError when it is not a number, or `config` has no cluster
// section.
std::optional<int64_t> parse_switch_time(const std::string& text, const config::Config& config);

// The reference version, as the cluster derives it, of the stream's active
// references in `store`; nullopt when none are active or the cluster could
// not have published them. Only reads.
std::optional<int64_t> active_cluster_version(store::DriftStore& store,
                                              const config::StreamConfig& stream);

}  // namespace driftd::cli
