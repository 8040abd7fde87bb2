// Private to lib/dataset: the CSV format of the record scanner
// (record_scanner.h states the rules and the errors).
//
// How: csv_masks.h classifies 64 bytes at a time (quotes, commas, line
// feeds); the quoted regions are the prefix XOR of the quote mask, carried
// from block to block, so that the unquoted commas and line feeds (the
// field and record separators) are found without looking at every byte.
// next_chunk() walks only the unquoted line feeds, to cut chunks at record
// boundaries and count their records and lines; parse() walks every
// separator of its chunk and keeps only the projected fields, as views into
// the file (a field with quotes inside is unescaped into the batch).
//
// Thread safety: as ChunkSource.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "dataset/chunk_source.h"
#include "dataset/data_file.h"

namespace driftd::detail {

// The header's names, unescaped. Throws on duplicates.
std::vector<std::string> csv_header(const DataFile& file);

// REQUIRES: file.format() == kCsv. Throws "PATH: no column 'x'".
std::unique_ptr<ChunkSource> make_csv_source(const DataFile& file,
                                             std::span<const std::string> columns,
                                             std::size_t chunk_bytes);

}  // namespace driftd::detail
