// The references of reference version `version` (cluster mode: the
// references topic's) as a stream's active ones in this instance's SQLite:
// those already active when they are that version (a restart: their ids
// are kept), else `references` stored now as the new active version (ids
// set). What the node does when it installs a captured reference, and the
// results materializer when a stream's results switch to another version.
//
// Thread safety: the SQLite writer's thread.
#pragma once

#include <cstdint>
#include <string>

#include "config/config.h"
#include "pipeline/stream_references.h"
#include "store/drift_store.h"

namespace driftd::cluster {

StreamReferences stored_references(store::DriftStore& store, const config::StreamConfig& stream,
                                   StreamReferences references, int64_t version,
                                   const std::string& origin);

}  // namespace driftd::cluster
