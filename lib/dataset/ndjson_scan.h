// Private to lib/dataset: the NDJSON format of the record scanner
// (record_scanner.h states the rules and the errors).
//
// How: chunks end at line feeds (a JSON text cannot hold a raw line feed,
// so no look-behind is needed); next_chunk() counts the non-blank lines.
// parse() runs simdjson On-Demand on every non-blank line, in place in the
// file when SIMDJSON_PADDING bytes of the file follow the line, else on a
// padded copy. Every value of every line is visited (On-Demand validates
// only what is read): requested keys' values become cells, views of the
// file except unescaped strings and compacted arrays and objects, which are
// written into the batch.
//
// Thread safety: as ChunkSource.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include "dataset/chunk_source.h"
#include "dataset/data_file.h"

namespace driftd::detail {

// REQUIRES: file.format() == kNdjson. With collect_keys, each batch also
// lists the keys its lines have that earlier lines of the same chunk did
// not (for column_names).
std::unique_ptr<ChunkSource> make_ndjson_source(const DataFile& file,
                                                std::span<const std::string> columns,
                                                std::size_t chunk_bytes, bool collect_keys);

}  // namespace driftd::detail
