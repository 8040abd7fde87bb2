// The field table (config/config_schema_table.h) against what is made of it:
// the JSON Schema `driftd --print-config-schema` writes states every field as
// the table does, for every kind of field; every default the table gives is
// what parse_config() fills in; string formats and durations are checked by
// the parser as their patterns say; the parser's converters and the table
// cannot differ; a top-level "$schema" is ignored. What the schema accepts and
// refuses next to --check-config: tests/daemon/config_schema_test.py.
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "config/config_parser.h"
#include "config/config_schema_table.h"
#include "config/duration.h"
#include "config/json_reader.h"
#include "config/json_schema.h"
#include "config/string_format.h"

namespace driftd::config {
namespace {

using Json = nlohmann::ordered_json;
using schema::Kind;

// Every object of the table, the root first, each once.
std::vector<const schema::ObjectSpec*> all_objects() {
  std::vector<const schema::ObjectSpec*> out{&schema::kConfiguration};
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (const schema::Field& field : out[i]->fields) {
      const schema::ValueType* type = &field.type;
      while (type->kind == Kind::array) type = type->array.element;
      if (type->kind == Kind::object &&
          std::find(out.begin(), out.end(), type->object) == out.end()) {
        out.push_back(type->object);
      }
    }
  }
  return out;
}

// The values of an object's discriminator, or {""}.
std::vector<std::string> variants(const schema::ObjectSpec& object) {
  if (object.discriminator.empty()) return {""};
  const schema::Field* field = schema::find_field(object, object.discriminator);
  return {field->type.names.begin(), field->type.names.end()};
}

const Json& schema_of(const Json& root, const schema::ObjectSpec& object) {
  return &object == &schema::kConfiguration ? root : root.at("$defs").at(std::string(object.name));
}

// The part of an object's schema that lists the fields of `variant`.
const Json& fields_schema(const Json& object_schema, const schema::ObjectSpec& object,
                          const std::string& variant) {
  if (object.discriminator.empty()) return object_schema;
  const std::vector<std::string> values = variants(object);
  const auto at = std::find(values.begin(), values.end(), variant) - values.begin();
  return object_schema.at("oneOf").at(static_cast<std::size_t>(at));
}

void check_value_schema(const Json& out, const schema::ValueType& type, const Json& root,
                        std::set<Kind>& kinds) {
  kinds.insert(type.kind);
  const auto absent = [&](const char* key) { CHECK_FALSE(out.contains(key)); };
  switch (type.kind) {
    case Kind::string:
      CHECK(out.at("type") == "string");
      absent("minLength");
      absent("pattern");
      break;
    case Kind::non_empty_string:
      CHECK(out.at("type") == "string");
      CHECK(out.at("minLength") == 1);
      break;
    case Kind::file_path: {
      CHECK(out.at("type") == "string");
      CHECK(out.at("minLength") == 1);
      const std::regex pattern(out.at("pattern").get<std::string>());
      CHECK(std::regex_search(std::string("/var/lib/driftd.db"), pattern));
      CHECK_FALSE(std::regex_search(std::string("a\0b", 3), pattern));
      break;
    }
    case Kind::formatted_string:
      CHECK(out.at("type") == "string");
      CHECK(out.at("pattern") == string_format_schema(type.format).pattern);
      break;
    case Kind::boolean:
      CHECK(out.at("type") == "boolean");
      break;
    case Kind::number: {
      const schema::NumberRange& range = type.number;
      CHECK(out.at("type") == "number");
      const char* min_key = range.min_exclusive ? "exclusiveMinimum" : "minimum";
      const char* max_key = range.max_exclusive ? "exclusiveMaximum" : "maximum";
      if (std::isinf(range.min)) absent(min_key); else CHECK(out.at(min_key) == range.min);
      if (std::isinf(range.max)) absent(max_key); else CHECK(out.at(max_key) == range.max);
      break;
    }
    case Kind::integer:
      CHECK(out.at("type") == "integer");
      if (type.integer.minus_one.empty()) {
        CHECK(out.at("minimum") == type.integer.min);
        CHECK(out.at("maximum") == type.integer.max);
      } else {
        CHECK(out.at("anyOf") == Json::parse(R"([{"const": -1}, {"minimum": )" +
                                             std::to_string(type.integer.min) + R"(, "maximum": )" +
                                             std::to_string(type.integer.max) + "}]"));
      }
      break;
    case Kind::duration:
      CHECK(out.at("type") == "string");
      CHECK(out.at("pattern") ==
            (type.duration.positive ? kPositiveDurationPattern : kDurationPattern));
      break;
    case Kind::enumeration:
      CHECK(out.at("type") == "string");
      CHECK(out.at("enum") == Json(std::vector<std::string>(type.names.begin(), type.names.end())));
      break;
    case Kind::array: {
      const schema::ArrayRule& rule = type.array;
      CHECK(out.at("type") == "array");
      if (rule.min_items > 0) CHECK(out.at("minItems") == rule.min_items); else absent("minItems");
      if (rule.too_many.empty()) absent("maxItems"); else CHECK(out.at("maxItems") == rule.max_items);
      CHECK(out.value("uniqueItems", false) == !rule.duplicate.empty());
      check_value_schema(out.at("items"), *rule.element, root, kinds);
      break;
    }
    case Kind::object:
      CHECK(out.at("$ref") == "#/$defs/" + std::string(type.object->name));
      CHECK(root.at("$defs").at(std::string(type.object->name)).at("description") ==
            type.object->description);
      break;
    case Kind::string_map: {
      CHECK(out.at("type") == "object");
      CHECK(out.at("additionalProperties") == Json{{"type", "string"}});
      std::vector<std::string> refused;
      for (const schema::RefusedKey& key : type.refused_keys) refused.emplace_back(key.key);
      CHECK(out.at("propertyNames").at("not").at("enum") == Json(refused));
      break;
    }
  }
}

TEST_CASE("The JSON Schema states every field of the table, of every kind, as the table does") {
  const Json root = Json::parse(configuration_json_schema());
  CHECK(root.at("$schema") == "https://json-schema.org/draft/2020-12/schema");
  CHECK(root.at("$id").is_string());
  CHECK(root.at("title").is_string());
  for (std::string_view rule : schema::rules_beyond_the_table()) {
    CHECK(root.at("description").get<std::string>().find(rule) != std::string::npos);
  }
  std::set<Kind> kinds;
  const std::vector<const schema::ObjectSpec*> objects = all_objects();
  CHECK(root.at("$defs").size() == objects.size() - 1);  // every object but the root
  for (const schema::ObjectSpec* object : objects) {
    const Json& object_schema = schema_of(root, *object);
    INFO("object " << object->name);
    CHECK(object_schema.at("type") == "object");
    CHECK(object_schema.at("description") != "");
    CHECK(object_schema.value("allOf", Json::array()).size() == object->conditions.size());
    if (!object->discriminator.empty()) {
      CHECK(object_schema.at("oneOf").size() == variants(*object).size());
      CHECK(object_schema.at("required") == Json{std::string(object->discriminator)});
    }
    for (const std::string& variant : variants(*object)) {
      INFO("variant \"" << variant << "\"");
      const Json& fields = fields_schema(object_schema, *object, variant);
      CHECK(fields.at("additionalProperties") == false);
      std::vector<std::string> keys;
      std::vector<std::string> required;
      for (const schema::Field& field : object->fields) {
        if (!schema::exists_for(field, variant)) continue;
        keys.emplace_back(field.key);
        if (field.presence == schema::Presence::required) required.emplace_back(field.key);
        if (field.key == object->discriminator) {
          CHECK(fields.at("properties").at(std::string(field.key)) == Json{{"const", variant}});
          continue;
        }
        INFO("field " << field.key);
        const Json& property = fields.at("properties").at(std::string(field.key));
        check_value_schema(property, field.type, root, kinds);
        CHECK(property.at("description").get<std::string>().rfind(field.description, 0) == 0);
        if (field.default_json.empty()) {
          CHECK_FALSE(property.contains("default"));
        } else {
          CHECK(property.at("default") == Json::parse(field.default_json));
        }
      }
      std::vector<std::string> listed;
      for (const auto& [key, value] : fields.at("properties").items()) listed.push_back(key);
      CHECK(listed == keys);
      CHECK(fields.value("required", Json::array()) == Json(required));
    }
  }
  // Every kind the generator knows is in the table, so each was checked above.
  CHECK(kinds.size() == static_cast<std::size_t>(Kind::string_map) + 1);
}

// Configurations that together hold every object and every variant, with
// the fields that have defaults left out wherever they may be.
std::vector<Json> base_configurations() {
  const Json streams = Json::parse(R"([
    {"name": "timed", "source": {"type": "http"}, "event_time": {"field": "/t"},
     "window": {"type": "tumbling", "size": "1m"},
     "features": [{"name": "f", "path": "/f", "type": "numeric"},
                  {"name": "c", "path": "/c", "type": "categorical"},
                  {"name": "g", "path": "/g", "type": "numeric"}],
     "groups": [{"name": "fg", "features": ["f", "g"]}],
     "pairs": [{"name": "cf", "x": "c", "y": "f"}],
     "alerts": [{"metric": "jsd", "warn": 0.1, "critical": 0.2},
                {"metric": "psi", "warn": 0.1, "critical": 0.2, "sequential": {}}]},
    {"name": "sliding", "source": {"type": "kafka", "topic": "t"}, "event_time": {"field": "/t"},
     "window": {"type": "sliding", "size": "2m", "slide": "1m"},
     "reference": {"type": "capture"}, "features": [{"name": "f", "path": "/f", "type": "numeric"}]},
    {"name": "counted", "source": {"type": "http"}, "window": {"type": "count", "events": 10},
     "reference": {"type": "file", "path": "r.csv"},
     "features": [{"name": "f", "path": "/f", "type": "numeric"}]}])");
  Json bare = {{"storage", {{"path", "x.db"}}},
               {"kafka", {{"brokers", "b:9092"}, {"group_id", "g"}}},
               {"streams", streams}};
  Json sections = bare;
  sections["http"] = Json::object();
  sections["webhooks"] = Json::object();
  sections["alertmanager"] = {{"url", "http://alertmanager:9093"},
                              {"basic_auth", {{"username", "u"}, {"password_file", "p"}}}};
  // Cluster mode takes kafka streams with time windows only.
  Json cluster = bare;
  cluster["cluster"] = Json::object();
  cluster["streams"] = Json::array({streams.at(1)});
  return {bare, sections, cluster};
}

// Each object of `instance` (at `pointer`, described by `object`) and below:
// (pointer, field) for each field with a default the instance leaves out.
void defaults_left_out(const Json& instance, const Json::json_pointer& pointer,
                       const schema::ObjectSpec& object,
                       std::vector<std::pair<Json::json_pointer, const schema::Field*>>& out) {
  const std::string variant =
      object.discriminator.empty() ? "" : instance.at(std::string(object.discriminator));
  for (const schema::Field& field : object.fields) {
    if (!schema::exists_for(field, variant)) continue;
    const std::string key(field.key);
    if (!instance.contains(key)) {
      if (!field.default_json.empty()) out.emplace_back(pointer, &field);
      continue;
    }
    if (field.type.kind == Kind::object) {
      defaults_left_out(instance.at(key), pointer / key, *field.type.object, out);
    }
    if (field.type.kind == Kind::array && field.type.array.element->kind == Kind::object) {
      for (std::size_t i = 0; i < instance.at(key).size(); ++i) {
        defaults_left_out(instance.at(key).at(i), pointer / key / i,
                          *field.type.array.element->object, out);
      }
    }
  }
}

TEST_CASE("Every default of the table is what parse_config fills in when the field is absent") {
  std::set<std::string> with_default;
  for (const schema::ObjectSpec* object : all_objects()) {
    for (const schema::Field& field : object->fields) {
      if (!field.default_json.empty()) {
        with_default.insert(std::string(object->name) + "." + std::string(field.key));
      }
    }
  }
  std::set<std::string> confirmed;
  for (const Json& base : base_configurations()) {
    const Config expected = parse_config(base.dump());
    std::vector<std::pair<Json::json_pointer, const schema::Field*>> absent;
    defaults_left_out(base, Json::json_pointer(), schema::kConfiguration, absent);
    for (const auto& [pointer, field] : absent) {
      Json written = base;
      written[pointer][std::string(field->key)] = Json::parse(field->default_json);
      INFO("at " << pointer.to_string() << ": \"" << field->key << "\": " << field->default_json);
      Config parsed;
      try {
        parsed = parse_config(written.dump());
      } catch (const ConfigError& error) {
        // Refused here for a rule of its own (for with sequential); it must
        // be accepted somewhere else.
        continue;
      }
      CHECK(parsed == expected);
      const schema::ObjectSpec* object = &schema::kConfiguration;
      for (const schema::ObjectSpec* candidate : all_objects()) {
        if (schema::find_field(*candidate, field->key) == field) object = candidate;
      }
      confirmed.insert(std::string(object->name) + "." + std::string(field->key));
    }
  }
  CHECK(confirmed == with_default);
}

struct FormatSample {
  schema::StringFormat format;
  std::string text;
  bool accepted;  // by string_format_problem()
  bool matched;   // by the pattern
};

TEST_CASE("String formats: the parser's check and the schema's pattern agree") {
  using F = schema::StringFormat;
  const std::vector<FormatSample> samples = {
      {F::name, "payments", true, true},
      {F::name, "a.b-c_D9", true, true},
      {F::name, std::string(64, 'n'), true, true},
      {F::name, std::string(65, 'n'), false, false},
      {F::name, "", false, false},
      {F::name, "pay ments", false, false},
      {F::name, "a|b", false, false},
      {F::name, "caf\xc3\xa9", false, false},
      {F::view_name, "amount|hour", true, true},
      {F::view_name, "a/b", false, false},
      {F::json_pointer, "/amount", true, true},
      {F::json_pointer, "/a~1b/c~0d//0", true, true},
      {F::json_pointer, "/with space/\xc3\xa9", true, true},
      {F::json_pointer, "", false, false},
      {F::json_pointer, "amount", false, false},
      {F::json_pointer, "/a~2", false, false},
      {F::json_pointer, "/a~", false, false},
      {F::kafka_topic, "payments.v2", true, true},
      {F::kafka_topic, std::string(249, 't'), true, true},
      {F::kafka_topic, std::string(250, 't'), false, false},
      {F::kafka_topic, ".", false, false},
      {F::kafka_topic, "..", false, false},
      {F::kafka_topic, "...", true, true},
      {F::kafka_topic, "", false, false},
      {F::kafka_topic, "a/b", false, false},
      {F::kafka_instance_id, "", true, true},
      {F::kafka_instance_id, "driftd-pod-3", true, true},
      {F::kafka_instance_id, "..", false, false},
      {F::kafka_instance_id, "pod 3", false, false},
      {F::listen_address, "127.0.0.1:8080", true, true},
      {F::listen_address, "localhost:0", true, true},
      {F::listen_address, "[::1]:65535", true, true},
      {F::listen_address, "[::ffff:10.0.0.1]:08080", true, true},
      {F::listen_address, "localhost", false, false},
      {F::listen_address, "127.0.0.1:65536", false, false},
      {F::listen_address, "::1:8080", false, false},
      {F::listen_address, "[::1]8080", false, false},
      {F::listen_address, "-bad:80", false, false},
      // Looser patterns: --check-config refuses what the editor lets pass.
      {F::listen_address, "300.1.1.1:80", false, true},
      {F::listen_address, "[1::2::3]:80", false, true},
      {F::auth_token, "0123456789abcdef", true, true},
      {F::auth_token, "0123456789 abcdef", false, false},
      {F::auth_token, "0123456789abcdef\x7f", false, false},
      {F::auth_token, "0123456789\tabcdef", false, false},
  };
  for (const FormatSample& sample : samples) {
    INFO("format " << static_cast<int>(sample.format) << ", text \"" << sample.text << "\"");
    const std::regex pattern(std::string(string_format_schema(sample.format).pattern));
    CHECK(string_format_problem(sample.format, sample.text).empty() == sample.accepted);
    CHECK(std::regex_search(sample.text, pattern) == sample.matched);
  }
  // minLength counts characters, the check bytes: the same for ASCII.
  CHECK(string_format_schema(F::auth_token).min_length == 16);
  CHECK_FALSE(string_format_problem(F::auth_token, std::string(15, 'x')).empty());
  CHECK(string_format_problem(F::auth_token, std::string(16, 'x')).empty());
}

TEST_CASE("Durations: parse_duration and the schema's patterns agree") {
  const std::regex any(std::string{kDurationPattern});
  const std::regex positive(std::string{kPositiveDurationPattern});
  for (const std::string text : {"0s", "00ms", "1ms", "30s", "5m", "1h", "1d", "0010s",
                                 "9223372036854775807ms", "5", "-1s", "+1s", "1.5m", "1h30m", "",
                                 "s", "1 s", "1S", "1us", " 1s", "1s "}) {
    INFO("\"" << text << "\"");
    std::string problem;
    const std::optional<Duration> parsed = parse_duration(text, problem);
    CHECK(parsed.has_value() == std::regex_search(text, any));
    CHECK((parsed && parsed->count() > 0) == std::regex_search(text, positive));
  }
  // Beyond 64 bits: the pattern cannot say it, the parser refuses it.
  std::string problem;
  CHECK_FALSE(parse_duration("9223372036854775808ms", problem).has_value());
  CHECK(std::regex_search(std::string("9223372036854775808ms"), any));
}

constexpr const char* kStreams = R"("streams": [{"name": "s", "source": {"type": "http"},
    "window": {"type": "count", "events": 10},
    "features": [{"name": "f", "path": "/f", "type": "numeric"}]}])";

TEST_CASE("A top-level \"$schema\" is accepted and ignored, and nowhere else") {
  const std::string plain = std::string(R"({"storage": {"path": "x.db"}, )") + kStreams + "}";
  CHECK(parse_config(R"({"$schema": "./driftd.schema.json", )" + plain.substr(1)) ==
        parse_config(plain));
  CHECK_THROWS_WITH(parse_config(R"({"$schema": 1, )" + plain.substr(1)),
                    "[\"$schema\"]: must be a string");
  CHECK_THROWS_WITH(parse_config(R"({"storage": {"path": "x.db", "$schema": "s"}, )" +
                                 std::string(kStreams) + "}"),
                    "storage[\"$schema\"]: unknown field (expected one of: path, synchronous, "
                    "checkpoint_interval, retention, hourly_retention, event_retention)");
  // Not offered where a key is misspelt.
  CHECK_THROWS_WITH(parse_config(R"({"strems": 1, )" + plain.substr(1)),
                    "strems: unknown field (expected one of: storage, http, kafka, webhooks, "
                    "alertmanager, cluster, streams)");
}

constexpr schema::Field kToyFields[] = {
    {"a", {.kind = Kind::boolean}},
    {"b", {.kind = Kind::boolean}},
};
constexpr schema::ObjectSpec kToy{.name = "toy", .description = "Two booleans.", .fields = kToyFields};

TEST_CASE("Converters that differ from the table are a bug in driftd, not in the file") {
  const detail::Json document = detail::parse_json_text(R"({"a": true})");
  const detail::Node node(document, "");
  const auto read = [&](const std::vector<std::string>& keys, bool each = false) {
    detail::ObjectReader reader(node, kToy);
    for (const std::string& key : keys) {
      if (each) {
        reader.on_each(key, [](const detail::Node&) {});
      } else {
        reader.on(key, [](const detail::Node&) {});
      }
    }
    reader.read();
  };
  CHECK_NOTHROW(read({"a", "b"}));
  CHECK_THROWS_AS(read({"a"}), std::logic_error);            // b has no converter
  CHECK_THROWS_AS(read({"a", "b", "c"}), std::logic_error);  // c is no field
  CHECK_THROWS_AS(read({"a", "b", "a"}), std::logic_error);  // a twice
  CHECK_THROWS_AS(read({"a", "b"}, true), std::logic_error);  // a is no array
}

using namespace std::chrono_literals;

constexpr schema::Field kBoundedFields[] = {
    {"interval", {.kind = Kind::duration,
                  .duration = {.positive = true, .max = 1min, .why = "why max",
                               .min = 10ms, .min_why = "why min"}}},
    {"factor", {.kind = Kind::integer, .integer = {1, 32, false, "the default"}}},
    {"needed", {.kind = Kind::boolean}},
};
constexpr schema::Condition kBoundedConditions[] = {
    {.field = "needed", .when = "interval", .problem = "needs \"needed\"", .at_when = true},
};
constexpr schema::ObjectSpec kBounded{.name = "bounded",
                                      .description = "A duration with a minimum, an integer or -1.",
                                      .fields = kBoundedFields,
                                      .conditions = kBoundedConditions};

// The problem parse_config would report for `text` read as a kBounded at
// "b", or "" when it is accepted.
std::string bounded_problem(const std::string& text) {
  const detail::Json document = detail::parse_json_text(text);
  try {
    detail::ObjectReader reader(detail::Node(document, "b"), kBounded);
    reader.on("interval", [](const detail::Node&) {})
        .on("factor", [](const detail::Node& n) { CHECK(n.integer_or_minus_one() >= -1); })
        .on("needed", [](const detail::Node&) {});
    reader.read();
    return "";
  } catch (const ConfigError& error) {
    return error.what();
  }
}

TEST_CASE("Duration minima, integers that may be -1, conditions reported where they are asked") {
  CHECK(bounded_problem(R"({"interval": "10ms", "needed": true})").empty());
  CHECK(bounded_problem(R"({"interval": "1m", "needed": true})").empty());
  CHECK(bounded_problem(R"({"interval": "9ms", "needed": true})") ==
        "b.interval: must be at least 10ms (why min)");
  // The minimum says more than "greater than 0s".
  CHECK(bounded_problem(R"({"interval": "0s", "needed": true})") ==
        "b.interval: must be at least 10ms (why min)");
  CHECK(bounded_problem(R"({"interval": "61s", "needed": true})") ==
        "b.interval: must be at most 1m (why max)");
  for (const char* factor : {"-1", "-1.0", "-1e0", "1", "32", "3.0"}) {
    INFO("factor " << factor);
    CHECK(bounded_problem(std::string(R"({"factor": )") + factor + "}").empty());
  }
  for (const char* factor : {"0", "-2", "33", "1.5", "\"3\"", "18446744073709551616"}) {
    INFO("factor " << factor);
    CHECK(bounded_problem(std::string(R"({"factor": )") + factor + "}") ==
          "b.factor: must be -1 (the default) or an integer between 1 and 32");
  }
  CHECK(bounded_problem(R"({"interval": "1s"})") == "b.interval: needs \"needed\"");
}

}  // namespace
}  // namespace driftd::config
