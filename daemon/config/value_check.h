// Checking one configuration value against its type in the field table
// (schema::ValueType), with the messages tests assert verbatim.
//
// Internal to driftd_config (used by ObjectReader, config/json_reader.h).
//
// Every check throws ConfigError(<path of the value>, "must be ...") for the
// first problem it finds, in this order: the JSON type, then the range or
// syntax. An object is only checked to be one: its members are its own
// ObjectReader's. An array is checked whole by check_value(), or in two
// steps (check_array(), then check_element() for each element in order) by
// a reader that converts each element before checking the next, so that a
// rule between elements (edges increasing) is reported in document order.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <vector>

#include "config/config_schema.h"
#include "config/json_reader.h"

namespace driftd::config::detail {

void check_value(const Node& node, const schema::ValueType& type);

// An array within the rule's item counts ("must be an array", then the
// rule's too_few or too_many); returns its elements.
std::vector<Node> check_array(const Node& node, const schema::ArrayRule& rule);

// elements[i] as an element of `rule`: its type, and, when the rule wants
// distinct elements, unequal to every element before it.
void check_element(const std::vector<Node>& elements, std::size_t i,
                   const schema::ArrayRule& rule);

}  // namespace driftd::config::detail
