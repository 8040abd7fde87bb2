#include "config/json_schema.h"

#include <limits>
#include <string_view>

#include <nlohmann/json.hpp>

#include "config/config_schema_table.h"
#include "config/duration.h"
#include "config/string_format.h"

namespace driftd::config {
namespace {

using Json = nlohmann::ordered_json;
using schema::Kind;

constexpr std::string_view kDraft = "https://json-schema.org/draft/2020-12/schema";
constexpr std::string_view kId = "urn:driftd:config";

std::string def_ref(const schema::ObjectSpec& object) {
  return "#/$defs/" + std::string(object.name);
}

Json value_schema(const schema::ValueType& type) {
  Json out = Json::object();
  switch (type.kind) {
    case Kind::string:
      out["type"] = "string";
      break;
    case Kind::non_empty_string:
      out["type"] = "string";
      out["minLength"] = 1;
      break;
    case Kind::file_path:
      out["type"] = "string";
      out["minLength"] = 1;
      out["pattern"] = "^[^\\u0000]*$";
      break;
    case Kind::formatted_string: {
      const StringFormatSchema format = string_format_schema(type.format);
      out["type"] = "string";
      out["pattern"] = format.pattern;
      if (format.min_length > 0) out["minLength"] = format.min_length;
      break;
    }
    case Kind::boolean:
      out["type"] = "boolean";
      break;
    case Kind::number: {
      const schema::NumberRange& range = type.number;
      out["type"] = "number";
      constexpr double kInfinity = std::numeric_limits<double>::infinity();
      if (range.min != -kInfinity) out[range.min_exclusive ? "exclusiveMinimum" : "minimum"] = range.min;
      if (range.max != kInfinity) out[range.max_exclusive ? "exclusiveMaximum" : "maximum"] = range.max;
      break;
    }
    case Kind::integer:
      out["type"] = "integer";
      if (type.integer.minus_one.empty()) {
        out["minimum"] = type.integer.min;
        out["maximum"] = type.integer.max;
      } else {
        out["anyOf"] = Json::array({Json{{"const", -1}},
                                    Json{{"minimum", type.integer.min},
                                         {"maximum", type.integer.max}}});
      }
      break;
    case Kind::duration:
      out["type"] = "string";
      out["pattern"] = type.duration.positive ? kPositiveDurationPattern : kDurationPattern;
      break;
    case Kind::enumeration:
      out["type"] = "string";
      out["enum"] = Json::array();
      for (std::string_view name : type.names) out["enum"].push_back(name);
      break;
    case Kind::array: {
      const schema::ArrayRule& rule = type.array;
      out["type"] = "array";
      out["items"] = value_schema(*rule.element);
      if (rule.min_items > 0) out["minItems"] = rule.min_items;
      if (rule.max_items != std::numeric_limits<std::size_t>::max()) {
        out["maxItems"] = rule.max_items;
      }
      if (!rule.duplicate.empty()) out["uniqueItems"] = true;
      break;
    }
    case Kind::object:
      out["$ref"] = def_ref(*type.object);
      break;
    case Kind::string_map:
      out["type"] = "object";
      out["additionalProperties"] = {{"type", "string"}};
      if (!type.refused_keys.empty()) {
        Json refused = Json::array();
        for (const schema::RefusedKey& key : type.refused_keys) refused.push_back(key.key);
        out["propertyNames"] = {{"not", {{"enum", refused}}}};
      }
      break;
  }
  return out;
}

// The field's description, and for a duration its syntax and bounds.
std::string field_description(const schema::Field& field) {
  std::string out(field.description);
  if (field.type.kind != Kind::duration) return out;
  const schema::DurationRange& range = field.type.duration;
  out += " A duration: an integer and a unit (ms, s, m, h or d), such as \"30s\"";
  if (range.min > Duration::zero()) {
    out += ", at least " + format_duration(range.min) + " (" + std::string(range.min_why) + ")";
  } else if (range.positive) {
    out += ", greater than 0s";
  }
  if (range.max != Duration::max()) {
    out += ", at most " + format_duration(range.max) + " (" + std::string(range.why) + ")";
  }
  return out + ".";
}

Json field_schema(const schema::Field& field) {
  Json out = value_schema(field.type);
  out["description"] = field_description(field);
  if (!field.default_json.empty()) out["default"] = Json::parse(field.default_json);
  return out;
}

// properties, required and additionalProperties of the fields that exist
// for `variant` ("" for an object without discriminator), the discriminator
// itself as the constant `variant`.
void add_fields(Json& out, const schema::ObjectSpec& object, std::string_view variant) {
  Json properties = Json::object();
  Json required = Json::array();
  for (const schema::Field& field : object.fields) {
    if (!schema::exists_for(field, variant)) continue;
    const std::string key(field.key);
    properties[key] = key == object.discriminator ? Json{{"const", variant}} : field_schema(field);
    if (field.presence == schema::Presence::required) required.push_back(key);
  }
  out["properties"] = properties;
  if (!required.empty()) out["required"] = required;
  out["additionalProperties"] = false;
}

Json condition_schema(const schema::Condition& condition) {
  const std::string when(condition.when);
  Json trigger = {{"required", {when}}};
  if (!condition.equals.empty()) {
    trigger = {{"properties", {{when, {{"const", Json::parse(condition.equals)}}}}},
               {"required", {when}}};
  }
  const Json required = {{"required", {std::string(condition.field)}}};
  return {{"if", trigger},
          {condition.negated ? "else" : "then", condition.refuse ? Json{{"not", required}} : required}};
}

Json object_schema(const schema::ObjectSpec& object) {
  Json out = {{"type", "object"}, {"description", object.description}};
  if (object.discriminator.empty()) {
    add_fields(out, object, "");
  } else {
    const schema::Field& discriminator = *schema::find_field(object, object.discriminator);
    const std::string key(object.discriminator);
    out["required"] = {key};
    out["properties"] = {{key, field_schema(discriminator)}};
    Json variants = Json::array();
    for (std::string_view value : discriminator.type.names) {
      Json variant = {{"title", key + " \"" + std::string(value) + "\""}};
      add_fields(variant, object, value);
      variants.push_back(variant);
    }
    out["oneOf"] = variants;
  }
  if (!object.conditions.empty()) {
    Json conditions = Json::array();
    for (const schema::Condition& condition : object.conditions) {
      conditions.push_back(condition_schema(condition));
    }
    out["allOf"] = conditions;
  }
  return out;
}

// Every object `object` holds, at any depth, into `defs` (first seen first).
void collect_defs(const schema::ObjectSpec& object, Json& defs) {
  for (const schema::Field& field : object.fields) {
    const schema::ValueType* type = &field.type;
    while (type->kind == Kind::array) type = type->array.element;
    if (type->kind != Kind::object || defs.contains(type->object->name)) continue;
    defs[std::string(type->object->name)] = object_schema(*type->object);
    collect_defs(*type->object, defs);
  }
}

std::string root_description() {
  std::string out(schema::kConfiguration.description);
  out += " Also checked by driftd --check-config: ";
  bool first = true;
  for (std::string_view rule : schema::rules_beyond_the_table()) {
    if (!first) out += "; ";
    out += rule;
    first = false;
  }
  return out + ".";
}

}  // namespace

std::string configuration_json_schema() {
  Json out = {{"$schema", kDraft},
              {"$id", kId},
              {"title", "driftd configuration"},
              {"description", root_description()}};
  const Json root = object_schema(schema::kConfiguration);
  for (const auto& [key, value] : root.items()) {
    if (key != "description") out[key] = value;
  }
  Json defs = Json::object();
  collect_defs(schema::kConfiguration, defs);
  out["$defs"] = defs;
  return out.dump(2) + "\n";
}

}  // namespace driftd::config
