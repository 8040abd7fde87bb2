#include "cluster/stored_references.h"

#include <optional>
#include <stdexcept>
#include <utility>

#include "cluster/reference_record.h"

namespace driftd::cluster {

StreamReferences stored_references(store::DriftStore& store, const config::StreamConfig& stream,
                                   StreamReferences references, int64_t version,
                                   const std::string& origin) {
  std::optional<StreamReferences> stored = store.load_active_references(stream);
  bool same = false;
  try {
    same = stored && versioned_reference_record(stream, *stored, "", 0).version == version;
  } catch (const std::invalid_argument&) {
    same = false;  // not a reference the cluster could have published
  }
  if (same) return std::move(*stored);
  store.save_references(stream, references, origin);
  return references;
}

}  // namespace driftd::cluster
