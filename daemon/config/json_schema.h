// The JSON Schema (draft 2020-12) of a driftd configuration file, written
// from the field table (config/config_schema_table.h) that parse_config()
// checks against, so that editors complete and check driftd.json as driftd
// does: `driftd --print-config-schema > driftd.schema.json`.
//
// What it holds: the root object and one $defs entry per object of the
// table; for each field its type, range (minimum/maximum, exclusive ones,
// minItems/maxItems, uniqueItems, minLength), enumeration, pattern (names,
// JSON Pointers, Kafka names, the listen address, durations), default and
// description; "required" and "additionalProperties": false wherever driftd
// refuses unknown keys; a discriminated object (a `type` deciding its fields)
// as a "oneOf" of one branch per value, each with the fields of that value
// only; the table's conditions (edges with binning "edges", field or
// kafka_timestamp, for not with sequential) as "if"/"then"/"else". The rules
// it cannot state are named in the root's description ("Also checked by
// driftd --check-config: ..."), as are durations' maxima in theirs.
//
// So every configuration driftd accepts is valid against it, and most
// mistakes are shown by the editor; a configuration valid against it may
// still break one of the rules named in the root's description.
//
// Thread safety: pure function.
#pragma once

#include <string>

namespace driftd::config {

// The schema as JSON text, indented by 2, ending with a newline.
std::string configuration_json_schema();

}  // namespace driftd::config
