// The references of a stream's feature pairs and groups in SQLite
// (joint_references, migrations/0007): saved as the new active version of
// each, loaded back for the features' active references.
//
// A pair's cells are counted over its features' bins, so a stored pair
// reference names the two feature references it was built with (`basis`)
// and is loaded only while both are still the active ones; a group's moments
// do not depend on bins and are loaded while the group has the same
// features in the same order.
//
// Thread safety: the store's writer thread (the connection's owner).
#pragma once

#include <string>

#include "config/config.h"
#include "pipeline/stream_references.h"
#include "store/sqlite.h"

namespace driftd::store {

// Stores each present pair and group reference as its new active version
// (setting its id and version). REQUIRES: references.features already
// stored (their ids set). Nests into an enclosing Transaction.
void save_joint_references(Database& db, const config::StreamConfig& stream,
                           StreamReferences& references, const std::string& origin,
                           int64_t now_ms);

// Fills references.pairs and references.groups (one per configured pair and
// group; one without reference where none fits), given references.features
// as loaded. A stored reference that cannot be read is logged and skipped.
void load_joint_references(Database& db, const config::StreamConfig& stream,
                           StreamReferences& references);

}  // namespace driftd::store
