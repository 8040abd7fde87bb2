// The vocabulary the configuration's field table (config/config_schema_table.h)
// is written in: what a value must be, which fields an object has, which of
// them exist for which value of its discriminator, and which depend on a
// sibling's value.
//
// One description serves two readers, so that they cannot disagree:
//   - the parser (config/config_parser.cc, through ObjectReader in
//     config/json_reader.h) checks every value against its ValueType before
//     converting it, and refuses unknown, refused and missing fields from the
//     ObjectSpec, with the messages of config/value_check.h;
//   - the JSON Schema generator (config/json_schema.h) writes the same
//     constraints for editors.
// Rules the table cannot state (critical >= warn, names unique, features of
// the stream, ...) stay hand-written in config_parser.cc and are named in
// configuration_rules_beyond_the_table().
//
// Everything here is a literal type: the table is constant data, built at
// compile time, with no initialization order to worry about.
//
// Thread safety: immutable data.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

#include "config/config.h"
#include "config/duration.h"

namespace driftd::config::schema {

enum class Kind {
  string,            // any string
  non_empty_string,  // a string of at least one character
  file_path,         // a non-empty string without NUL (the system would read a shorter name)
  formatted_string,  // a string of a StringFormat
  boolean,
  number,       // a number within a NumberRange
  integer,      // an integer within an IntegerRange (2.0 and 2e3 count)
  duration,     // config/duration.h syntax, within a DurationRange
  enumeration,  // one of `names`
  array,        // of `element`, within ItemCounts
  object,       // the fields of an ObjectSpec
  string_map,   // string -> string, some keys refused
};

// Strings with a syntax of their own; config/string_format.h checks them and
// gives their JSON Schema pattern.
enum class StringFormat {
  name,               // a stream's or a feature's name
  view_name,          // a group's or a pair's name: also '|'
  json_pointer,       // RFC 6901, not "" (config/json_pointer.h)
  kafka_topic,        // a Kafka topic name
  kafka_instance_id,  // "" or a Kafka group.instance.id
  listen_address,     // "host:port" (config/listen_address.h)
  auth_token,         // at least 16 characters, no spaces or control characters
};

// Node::integer()'s range and messages: "must be an integer between MIN and
// MAX", or with `open_ended` (MAX is only the type's limit) "must be an
// integer >= MIN" and "must be at most MAX". With `minus_one`, -1 is also
// accepted and means that ("the broker's default"): Node::integer_or_minus_one(),
// "must be -1 (<minus_one>) or an integer between MIN and MAX"; MAX then at
// most INT64_MAX, and not `open_ended`.
struct IntegerRange {
  std::uint64_t min = 0;
  std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  bool open_ended = false;
  std::string_view minus_one = {};
};

// A number in [min, max], each end exclusive when said so (infinite ends are
// no bound). Anything else is "must be " + `problem`, except a number above
// `max` when `above_max` is set: then `above_max` is the whole problem.
struct NumberRange {
  double min = -std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  double max = std::numeric_limits<double>::infinity();
  bool max_exclusive = false;
  std::string_view problem;
  std::string_view above_max = {};
};

// Node::duration()'s bounds: at most `max` ("must be at most MAX (why)"), at
// least `min` ("must be at least MIN (min_why)"), and with `positive` more
// than 0 ("must be greater than 0s"), checked in that order.
struct DurationRange {
  bool positive = false;
  Duration max = Duration::max();
  std::string_view why = {};
  Duration min = Duration::zero();
  std::string_view min_why = {};
};

struct ValueType;
struct ObjectSpec;

// An array's element type and how many elements it may hold (each bound
// with its whole problem, checked before any element); with `duplicate`, its
// string elements are distinct ("<duplicate> \"x\"").
struct ArrayRule {
  const ValueType* element = nullptr;
  std::size_t min_items = 0;
  std::string_view too_few = {};
  std::size_t max_items = std::numeric_limits<std::size_t>::max();
  std::string_view too_many = {};
  std::string_view duplicate = {};
};

// A key a string map refuses, and why ("is set by driftd from ...").
struct RefusedKey {
  std::string_view key;
  std::string_view problem;
};

// What a value must be. Only the members of its `kind` are meaningful.
struct ValueType {
  Kind kind = Kind::string;
  StringFormat format = StringFormat::name;      // formatted_string
  IntegerRange integer = {};                     // integer
  NumberRange number = {};                       // number
  DurationRange duration = {};                   // duration
  std::span<const std::string_view> names = {};  // enumeration, in documentation order
  ArrayRule array = {};                          // array
  const ObjectSpec* object = nullptr;            // object
  std::span<const RefusedKey> refused_keys = {};  // string_map
};

enum class Presence { optional, required };

struct Field {
  std::string_view key;
  ValueType type;
  Presence presence = Presence::optional;
  // What config.h fills in when the field is absent, as JSON text ("\"10s\"",
  // "20", "{}"); empty when absence means something of its own (none, off,
  // derived from another field), which `description` says.
  std::string_view default_json = {};
  std::string_view description = {};
  // The discriminator values for which the field exists; empty: all. For the
  // others it is refused: "not allowed when type is \"count\"".
  std::span<const std::string_view> only_for = {};
  // Accepted and ignored, and not offered in "expected one of" (the
  // top-level "$schema" editors read).
  bool ignored = false;
};

// A field's presence that depends on a sibling: when the sibling `when` is
// present and, unless `equals` is empty, equal to the JSON value `equals`
// (with `negated`: when that is not so), the field `field` is required (or
// refused, with `refuse`). A violation is ConfigError(path of `field`, or of
// the object with `at_object`, or of the sibling `when` with `at_when` (the
// field that asks for a required one: "cluster: needs ..."), `problem`).
// Checked once the object's members have been read, in table order.
struct Condition {
  std::string_view field;
  std::string_view when;
  std::string_view equals = {};
  bool negated = false;
  bool refuse = false;
  std::string_view problem = {};
  bool at_object = false;
  bool at_when = false;
};

// An object: its fields in declaration order (the order of "expected one
// of" lists and of the required-field checks), and its discriminator, an
// enumeration field checked before the other members since it decides which
// of them exist.
struct ObjectSpec {
  std::string_view name;  // "stream", "window": its JSON Schema $defs entry
  std::string_view description;
  std::span<const Field> fields;
  std::string_view discriminator = {};
  std::span<const Condition> conditions = {};
};

// The names of an enumeration table of config.h (kSyncModeNames, ...), for
// ValueType::names.
template <class Enum, std::size_t N>
constexpr std::array<std::string_view, N> names_of(const std::array<EnumName<Enum>, N>& table) {
  std::array<std::string_view, N> names{};
  for (std::size_t i = 0; i < N; ++i) names[i] = table[i].name;
  return names;
}

// The field `key` of `object`, or nullptr.
const Field* find_field(const ObjectSpec& object, std::string_view key);

// Whether `field` exists when the discriminator has the value `variant`
// ("" for objects without one).
bool exists_for(const Field& field, std::string_view variant);

}  // namespace driftd::config::schema
