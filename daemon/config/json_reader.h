// Reading a JSON configuration text into typed values, with ConfigErrors.
//
// Internal to driftd_config (used by config_parser.cc); not part of its
// interface, and the only header that exposes nlohmann/json.
//
// parse_json_text() turns text into a document that remembers the order of
// its keys, so that errors can be reported in document order:
//   - JSON with // and /* */ comments (nlohmann ignore_comments);
//   - a syntax error throws ConfigError("", "line L, column C: <nlohmann's
//     message without its '[json.exception...] parse error at ...' prefix>");
//   - a key repeated in one object throws ConfigError(<path of the key>,
//     "duplicate field"): plain JSON would silently keep the last one;
//   - an object or array nested deeper than kMaxNestingDepth throws
//     ConfigError(<its path>, "nested deeper than 64 levels");
//   - a number beyond a double's range (1e400) throws ConfigError(<its
//     path>, "the number '1e400' is out of range ...").
// Time and memory are linear in the text: while parsing, only the current
// key or index of each open container is kept, and paths are built when an
// error needs one.
//
// Node is a value of that document with its config path; its accessors either
// return a typed value or throw ConfigError(path, "must be ..."). ObjectReader
// walks an object's members in document order as its ObjectSpec in the field
// table (config/config_schema_table.h) describes them: it refuses unknown and
// refused keys, checks each value against its type (config/value_check.h),
// and only then hands it to the converter declared for its key; then it
// refuses missing required fields and checks the spec's conditions.
//
// Thread safety: none needed; everything lives on one parsing call's stack.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "config/config_error.h"
#include "config/config_schema.h"
#include "config/duration.h"

namespace driftd::config::detail {

using Json = nlohmann::ordered_json;

// A driftd configuration nests 6 levels at most
// (streams[i].alerts[k].features[m] is 5); 64 leaves room and bounds the
// paths of messages.
inline constexpr std::size_t kMaxNestingDepth = 64;

Json parse_json_text(std::string_view text);

class Node {
 public:
  // `value` must outlive the Node.
  Node(const Json& value, std::string path) : value_(&value), path_(std::move(path)) {}

  const Json& json() const { return *value_; }
  const std::string& path() const { return path_; }

  // Throws ConfigError(path(), problem).
  [[noreturn]] void fail(std::string problem) const;

  // The member `key` of this object, if present. REQUIRES: json().is_object().
  std::optional<Node> member(std::string_view key) const;
  // The elements, in order ("must be an array").
  std::vector<Node> elements() const;

  std::string string() const;            // "must be a string"
  std::string non_empty_string() const;  // "must be a non-empty string"
  bool boolean() const;                  // "must be true or false"
  double number() const;                 // "must be a number"; finite
  // An integer in [min, max]; integral floats (2.0, 1e3) count as integers.
  // Messages: "must be an integer between MIN and MAX", or, with
  // `open_ended` (max is only the type's limit), "must be an integer >= MIN"
  // and "must be at most MAX".
  std::uint64_t integer(std::uint64_t min = 0,
                        std::uint64_t max = std::numeric_limits<std::uint64_t>::max(),
                        bool open_ended = false) const;
  // -1 (which means `minus_one`, "the broker's default"), or an integer in
  // [min, max] as integer() reads it: "must be -1 (<minus_one>) or an integer
  // between MIN and MAX". REQUIRES: max <= INT64_MAX.
  std::int64_t integer_or_minus_one(std::uint64_t min = 0,
                                    std::uint64_t max = std::numeric_limits<std::int64_t>::max(),
                                    std::string_view minus_one = {}) const;
  // A file name: a non-empty string without NUL ("must be a non-empty
  // string", "must not contain a NUL character": the system would read a
  // shorter name).
  std::string file_path() const;
  // config/duration.h syntax, and at most `max` ("must be at most <max>
  // (<why>)").
  Duration duration(Duration max = Duration::max(), std::string_view why = {}) const;

  // The position in `names` of this string ("must be one of: "a", "b"").
  std::size_t one_of(std::span<const std::string_view> names) const;
  // The enum value spelled by this string, as one_of() its names.
  template <class Enum, std::size_t N>
  Enum choice(const std::array<EnumName<Enum>, N>& table) const {
    return table[one_of(schema::names_of(table))].value;
  }

 private:
  // integer()'s reading, with the problems of a value outside [min, max] or
  // no integer (`range`), and of one beyond max (`too_large`).
  std::uint64_t integer_within(std::uint64_t min, std::uint64_t max, const std::string& range,
                               const std::string& too_large) const;

  const Json* value_;
  std::string path_;
};

class ObjectReader {
 public:
  using Handler = std::function<void(const Node&)>;

  // Throws "must be an object" unless `object` is one; then, when `spec` has
  // a discriminator, checks it before anything else: "required field is
  // missing" at its path, or its enumeration's message.
  ObjectReader(const Node& object, const schema::ObjectSpec& spec);

  // The converter of the field `key`, called with its value once checked.
  ObjectReader& on(std::string_view key, Handler handler);
  // The converter of the array field `key`, called with each element once it
  // is checked, before the next element is checked.
  ObjectReader& on_each(std::string_view key, Handler handler);

  // Visits the members in document order: unknown keys throw ("unknown field
  // (expected one of: ...)", the fields of this variant in table order),
  // fields of another variant throw ("not allowed when type is "count""),
  // others are checked and converted. Then throws for the first missing
  // required field in table order, then for the first broken condition.
  // Throws std::logic_error (a bug in driftd, not in the file) unless the
  // converters are exactly the spec's fields but the discriminator and the
  // ignored ones.
  void read() const;

  std::optional<Node> member(std::string_view key) const { return object_.member(key); }
  bool has(std::string_view key) const { return member(key).has_value(); }
  const Node& node() const { return object_; }

 private:
  struct Converter {
    std::string_view key;
    Handler handler;
    bool each_element = false;
  };

  void check_converters() const;
  const Converter* find(std::string_view key) const;
  std::string expected_fields() const;
  void check_condition(const schema::Condition& condition) const;

  Node object_;
  const schema::ObjectSpec* spec_;
  std::string variant_;  // the discriminator's value; "" without one
  std::vector<Converter> converters_;
};

}  // namespace driftd::config::detail
