// A stream as cluster mode's parts that work on its counts see it (the
// owner merging partials, every instance materialising results): its
// configuration, the references its instances bin with and their version
// (a reference file's), and how many partitions its source topic has.
//
// Thread safety: a value; immutable while the parts using it run.
#pragma once

#include <cstdint>

#include "config/config.h"
#include "pipeline/stream_references.h"

namespace driftd::cluster {

struct ClusterStream {
  const config::StreamConfig* config = nullptr;  // outlives the parts using it
  // A reference file's; none (version 0) for a captured reference, which
  // the owner captures and publishes (partials_owner.h).
  StreamReferences references;
  int64_t reference_version = 0;
  int32_t source_partitions = 0;
};

}  // namespace driftd::cluster
