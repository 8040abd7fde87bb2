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

#include <array>
#include <string>
#include <vector>

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

// One pair's or group's reference as its new active version (setting its
// id and version). `basis`: the ids of the feature references of x and y
// whose bins the pair's cells are over. Nests into an enclosing Transaction.
void save_pair_reference(Database& db, const std::string& stream, const std::string& name,
                         const std::string& x, const std::string& y,
                         std::array<int64_t, 2> basis, PairReference& reference,
                         const std::string& origin, int64_t now_ms);
void save_group_reference(Database& db, const std::string& stream, const std::string& name,
                          const std::vector<std::string>& features, GroupReference& reference,
                          const std::string& origin, int64_t now_ms);

// After `feature`'s active reference became `id` with the same bins (a
// promotion), the stream's active pair references over its previous one are
// over this one: their basis names it.
void rebase_pairs(Database& db, const std::string& stream, const std::string& feature,
                  int64_t previous_id, int64_t id);

// Fills references.pairs and references.groups (one per configured pair and
// group; one without reference where none fits), given references.features
// as loaded. A stored reference that cannot be read is logged and skipped.
void load_joint_references(Database& db, const config::StreamConfig& stream,
                           StreamReferences& references);

}  // namespace driftd::store
