// References read from a CSV or NDJSON file: each feature's values are the
// file's column of the same name, binned as the feature's config says. The
// daemon uses this for `"reference": {"type": "file"}` and
// `driftctl reference import` for its --file, so both give the same bins and
// counts for the same file.
//
// Numeric columns: a value that does not parse as a number, and an empty
// field, count as missing. Categorical columns: an empty field is missing.
// Throws InputError when the file cannot be read, a feature has no column,
// or a column has no usable value.
#pragma once

#include <filesystem>
#include <span>
#include <vector>

#include "config/config.h"
#include "pipeline/feature_reference.h"

namespace driftd {

// One reference per feature, in the order of `features`; not stored yet
// (id and version 0).
std::vector<FeatureReference> references_from_file(std::span<const config::FeatureConfig> features,
                                                   const std::filesystem::path& path);

}  // namespace driftd
