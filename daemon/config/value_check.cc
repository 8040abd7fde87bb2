#include "config/value_check.h"

#include <string>

#include "config/config_error.h"
#include "config/duration.h"
#include "config/string_format.h"

namespace driftd::config::detail {
namespace {

using schema::Kind;

void check_number(const Node& node, const schema::NumberRange& range) {
  const auto fail = [&] { node.fail("must be " + std::string(range.problem)); };
  if (!node.json().is_number()) fail();
  const double value = node.json().get<double>();
  const bool above_min = range.min_exclusive ? value > range.min : value >= range.min;
  const bool below_max = range.max_exclusive ? value < range.max : value <= range.max;
  if (!above_min) fail();
  if (!below_max && !range.above_max.empty()) node.fail(std::string(range.above_max));
  if (!below_max) fail();
}

void check_duration(const Node& node, const schema::DurationRange& range) {
  const Duration value = node.duration(range.max, range.why);
  if (value < range.min) {
    node.fail("must be at least " + format_duration(range.min) + " (" + std::string(range.min_why) +
              ")");
  }
  if (range.positive && value <= Duration::zero()) node.fail("must be greater than 0s");
}

void check_string_map(const Node& node, std::span<const schema::RefusedKey> refused_keys) {
  if (!node.json().is_object()) node.fail("must be an object");
  for (const auto& [key, value] : node.json().items()) {
    const Node entry(value, append_key(node.path(), key));
    for (const schema::RefusedKey& refused : refused_keys) {
      if (key == refused.key) entry.fail(std::string(refused.problem));
    }
    entry.string();
  }
}

}  // namespace

void check_value(const Node& node, const schema::ValueType& type) {
  switch (type.kind) {
    case Kind::string:
      node.string();
      return;
    case Kind::non_empty_string:
      node.non_empty_string();
      return;
    case Kind::file_path:
      node.file_path();
      return;
    case Kind::formatted_string: {
      const std::string problem = string_format_problem(type.format, node.string());
      if (!problem.empty()) node.fail(problem);
      return;
    }
    case Kind::boolean:
      node.boolean();
      return;
    case Kind::number:
      check_number(node, type.number);
      return;
    case Kind::integer:
      if (type.integer.minus_one.empty()) {
        node.integer(type.integer.min, type.integer.max, type.integer.open_ended);
      } else {
        node.integer_or_minus_one(type.integer.min, type.integer.max, type.integer.minus_one);
      }
      return;
    case Kind::duration:
      check_duration(node, type.duration);
      return;
    case Kind::enumeration:
      node.one_of(type.names);
      return;
    case Kind::array: {
      const std::vector<Node> elements = check_array(node, type.array);
      for (std::size_t i = 0; i < elements.size(); ++i) check_element(elements, i, type.array);
      return;
    }
    case Kind::object:
      if (!node.json().is_object()) node.fail("must be an object");
      return;
    case Kind::string_map:
      check_string_map(node, type.refused_keys);
      return;
  }
}

std::vector<Node> check_array(const Node& node, const schema::ArrayRule& rule) {
  std::vector<Node> elements = node.elements();
  if (elements.size() < rule.min_items) node.fail(std::string(rule.too_few));
  if (elements.size() > rule.max_items) node.fail(std::string(rule.too_many));
  return elements;
}

void check_element(const std::vector<Node>& elements, std::size_t i,
                   const schema::ArrayRule& rule) {
  check_value(elements[i], *rule.element);
  if (rule.duplicate.empty()) return;
  for (std::size_t k = 0; k < i; ++k) {
    if (elements[k].json() == elements[i].json()) {
      elements[i].fail(std::string(rule.duplicate) + " " +
                       in_quotes(elements[i].json().get_ref<const std::string&>()));
    }
  }
}

}  // namespace driftd::config::detail
