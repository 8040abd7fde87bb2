// References read from a CSV or NDJSON file: each feature's values are the
// file's column of the same name, binned as the feature's config says; the
// pairs' and groups' references come from the same rows. The
// daemon uses this for `"reference": {"type": "file"}` and
// `driftctl reference import` for its --file, so both give the same bins and
// counts for the same file.
//
// Numeric columns: a value that does not parse as a number, and an empty
// field, count as missing. Categorical columns: an empty field is missing.
// Throws InputError when the file cannot be read, is not a regular file or
// is larger than kMaxReferenceFileBytes, a feature has no column, or a
// column has no usable value.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "config/config.h"
#include "pipeline/stream_references.h"

namespace driftd {

// The largest reference file read (64 MiB): the whole table is held in
// memory, every cell as a string, before the references are built: about 10
// times the file (a 64 MiB CSV of 5.8 million rows, one number and one
// category each, peaks at 627 MB in driftctl reference import).
inline constexpr std::uint64_t kMaxReferenceFileBytes = 64 * 1024 * 1024;

// One reference per feature, pair and group of the stream, in its order;
// not stored yet (ids and versions 0). A pair's cells count the file's rows
// over its two features' bins (a row missing either value is incomplete); a
// group's moments are those of the rows where all its values are numbers.
StreamReferences references_from_file(const config::StreamConfig& stream,
                                      const std::filesystem::path& path);

}  // namespace driftd
