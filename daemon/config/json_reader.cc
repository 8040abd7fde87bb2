#include "config/json_reader.h"

#include <cmath>
#include <set>
#include <stdexcept>

#include "config/value_check.h"

namespace driftd::config::detail {
namespace {

// Follows the parser through nlohmann's parse callback events, keeping for
// each open container only its current key or index (so memory stays linear
// in the text), to name the place of a problem: a duplicate key, nesting
// deeper than kMaxNestingDepth, a number out of range (current_path()).
class ParsePosition {
 public:
  bool operator()(int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        if (frames_.size() >= kMaxNestingDepth) {
          throw ConfigError(current_path(), "nested deeper than " +
                                                std::to_string(kMaxNestingDepth) + " levels");
        }
        frames_.push_back(Frame{event == Json::parse_event_t::object_start, {}, {}, 0});
        break;
      case Json::parse_event_t::key: {
        Frame& frame = frames_.back();
        frame.key = parsed.get<std::string>();
        if (!frame.keys.insert(frame.key).second) {
          throw ConfigError(current_path(), "duplicate field");
        }
        break;
      }
      case Json::parse_event_t::value:
        element_done();
        break;
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        frames_.pop_back();
        element_done();
        break;
    }
    return true;
  }

  // The path of the value being parsed: the innermost container's current
  // member or element ("" at the top).
  std::string current_path() const {
    std::string path;
    for (const Frame& frame : frames_) {
      path = frame.is_object ? append_key(path, frame.key) : append_index(path, frame.index);
    }
    return path;
  }

 private:
  struct Frame {
    bool is_object = false;
    std::string key;             // objects: the current key
    std::set<std::string> keys;  // objects: keys seen so far
    std::size_t index = 0;       // arrays: the current element
  };

  void element_done() {
    if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().index;
  }

  std::vector<Frame> frames_;
};

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// "[json.exception.parse_error.101] parse error at line 3, column 5: syntax
// error ..." -> "line 3, column 5: syntax error ...".
std::string syntax_error_message(const std::string& what) {
  const std::size_t at = what.find("line ");
  if (at != std::string::npos) return trim(std::string_view(what).substr(at));
  const std::size_t bracket = what.find("] ");
  return trim(bracket == std::string::npos ? what : what.substr(bracket + 2));
}

std::string to_decimal(std::uint64_t value) { return std::to_string(value); }

}  // namespace

Json parse_json_text(std::string_view text) {
  ParsePosition position;
  try {
    return Json::parse(
        text.begin(), text.end(),
        [&position](int depth, Json::parse_event_t event, Json& parsed) {
          return position(depth, event, parsed);
        },
        /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const Json::parse_error& e) {
    throw ConfigError("", syntax_error_message(e.what()));
  } catch (const Json::out_of_range& e) {
    // 406 "number overflow parsing '1e400'": beyond a double's range.
    const std::string what = e.what();
    const std::size_t quote = what.find('\'');
    const std::string number =
        quote == std::string::npos ? "" : what.substr(quote, what.rfind('\'') - quote + 1);
    throw ConfigError(position.current_path(),
                      "the number " + number +
                          " is out of range (numbers must be finite, at most about 1.8e308)");
  } catch (const Json::exception& e) {
    throw ConfigError(position.current_path(), syntax_error_message(e.what()));
  }
}

void Node::fail(std::string problem) const { throw ConfigError(path_, std::move(problem)); }

std::optional<Node> Node::member(std::string_view key) const {
  const auto it = value_->find(key);
  if (it == value_->end()) return std::nullopt;
  return Node(*it, append_key(path_, key));
}

std::vector<Node> Node::elements() const {
  if (!value_->is_array()) fail("must be an array");
  std::vector<Node> out;
  out.reserve(value_->size());
  for (std::size_t i = 0; i < value_->size(); ++i) {
    out.emplace_back((*value_)[i], append_index(path_, i));
  }
  return out;
}

std::string Node::string() const {
  if (!value_->is_string()) fail("must be a string");
  return value_->get<std::string>();
}

std::string Node::non_empty_string() const {
  if (!value_->is_string() || value_->get_ref<const std::string&>().empty()) {
    fail("must be a non-empty string");
  }
  return value_->get<std::string>();
}

bool Node::boolean() const {
  if (!value_->is_boolean()) fail("must be true or false");
  return value_->get<bool>();
}

double Node::number() const {
  if (!value_->is_number()) fail("must be a number");
  const double value = value_->get<double>();
  if (!std::isfinite(value)) fail("must be a finite number");
  return value;
}

std::uint64_t Node::integer(std::uint64_t min, std::uint64_t max, bool open_ended) const {
  const std::string range =
      open_ended ? "must be an integer >= " + to_decimal(min)
                 : "must be an integer between " + to_decimal(min) + " and " + to_decimal(max);
  return integer_within(min, max, range, open_ended ? "must be at most " + to_decimal(max) : range);
}

std::int64_t Node::integer_or_minus_one(std::uint64_t min, std::uint64_t max,
                                        std::string_view minus_one) const {
  if (value_->is_number() && value_->get<double>() == -1.0) return -1;  // -1, -1.0, -1e0
  const std::string range = "must be -1 (" + std::string(minus_one) + ") or an integer between " +
                            to_decimal(min) + " and " + to_decimal(max);
  return static_cast<std::int64_t>(integer_within(min, max, range, range));
}

std::uint64_t Node::integer_within(std::uint64_t min, std::uint64_t max, const std::string& range,
                                   const std::string& too_large) const {
  std::uint64_t value = 0;
  if (value_->is_number_unsigned()) {
    value = value_->get<std::uint64_t>();
  } else if (value_->is_number_integer()) {
    if (value_->get<std::int64_t>() < 0) fail(range);
    value = static_cast<std::uint64_t>(value_->get<std::int64_t>());
  } else if (value_->is_number_float()) {
    const double v = value_->get<double>();
    if (!std::isfinite(v) || std::trunc(v) != v || v < 0) fail(range);
    // 2^64 as a double; anything at or above it exceeds every max.
    if (v >= 18446744073709551616.0) fail(too_large);
    value = static_cast<std::uint64_t>(v);
  } else {
    fail(range);
  }
  if (value < min) fail(range);
  if (value > max) fail(too_large);
  return value;
}

std::string Node::file_path() const {
  std::string path = non_empty_string();
  if (path.find('\0') != std::string::npos) {
    fail("must not contain a NUL character (\\u0000): the system would read a shorter file name");
  }
  return path;
}

Duration Node::duration(Duration max, std::string_view why) const {
  std::string problem;
  std::optional<Duration> value;
  if (value_->is_string()) {
    value = parse_duration(value_->get_ref<const std::string&>(), problem);
  } else {
    problem = kDurationSyntaxProblem;
  }
  if (!value) fail(problem);
  if (*value > max) fail("must be at most " + format_duration(max) + " (" + std::string(why) + ")");
  return *value;
}

std::size_t Node::one_of(std::span<const std::string_view> names) const {
  if (value_->is_string()) {
    const auto& text = value_->get_ref<const std::string&>();
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == text) return i;
    }
  }
  std::string problem = "must be one of:";
  for (std::size_t i = 0; i < names.size(); ++i) {
    problem += i == 0 ? " \"" : ", \"";
    problem += names[i];
    problem += '"';
  }
  fail(problem);
}

ObjectReader::ObjectReader(const Node& object, const schema::ObjectSpec& spec)
    : object_(object), spec_(&spec) {
  if (!object.json().is_object()) object.fail("must be an object");
  if (spec.discriminator.empty()) return;
  const std::optional<Node> discriminator = member(spec.discriminator);
  if (!discriminator) {
    throw ConfigError(append_key(object.path(), spec.discriminator), "required field is missing");
  }
  check_value(*discriminator, schema::find_field(spec, spec.discriminator)->type);
  variant_ = discriminator->string();
}

ObjectReader& ObjectReader::on(std::string_view key, Handler handler) {
  converters_.push_back(Converter{key, std::move(handler), false});
  return *this;
}

ObjectReader& ObjectReader::on_each(std::string_view key, Handler handler) {
  converters_.push_back(Converter{key, std::move(handler), true});
  return *this;
}

const ObjectReader::Converter* ObjectReader::find(std::string_view key) const {
  for (const Converter& converter : converters_) {
    if (converter.key == key) return &converter;
  }
  return nullptr;
}

void ObjectReader::check_converters() const {
  const auto disagree = [&](std::string_view key, const char* what) {
    throw std::logic_error("config parser and field table disagree on " +
                           std::string(spec_->name) + "." + std::string(key) + ": " + what);
  };
  for (const schema::Field& field : spec_->fields) {
    if (field.ignored || field.key == spec_->discriminator) continue;
    const Converter* converter = find(field.key);
    if (converter == nullptr) disagree(field.key, "no converter");
    if (converter->each_element && field.type.kind != schema::Kind::array) {
      disagree(field.key, "on_each for a field that is no array");
    }
  }
  for (const Converter& converter : converters_) {
    const schema::Field* field = schema::find_field(*spec_, converter.key);
    if (field == nullptr || field->ignored || field->key == spec_->discriminator) {
      disagree(converter.key, "a converter for a field the table does not have");
    }
    if (find(converter.key) != &converter) disagree(converter.key, "two converters");
  }
}

std::string ObjectReader::expected_fields() const {
  std::string expected;
  for (const schema::Field& field : spec_->fields) {
    if (field.ignored || !schema::exists_for(field, variant_)) continue;
    if (!expected.empty()) expected += ", ";
    expected += field.key;
  }
  return expected;
}

void ObjectReader::read() const {
  check_converters();
  for (const auto& [key, value] : object_.json().items()) {
    const Node node(value, append_key(object_.path(), key));
    const schema::Field* field = schema::find_field(*spec_, key);
    if (field == nullptr) node.fail("unknown field (expected one of: " + expected_fields() + ")");
    if (!schema::exists_for(*field, variant_)) {
      node.fail("not allowed when " + std::string(spec_->discriminator) + " is " +
                in_quotes(variant_));
    }
    if (key == spec_->discriminator) continue;  // checked by the constructor
    if (field->ignored) {
      check_value(node, field->type);
      continue;
    }
    const Converter& converter = *find(key);
    if (!converter.each_element) {
      check_value(node, field->type);
      converter.handler(node);
      continue;
    }
    const std::vector<Node> elements = check_array(node, field->type.array);
    for (std::size_t i = 0; i < elements.size(); ++i) {
      check_element(elements, i, field->type.array);
      converter.handler(elements[i]);
    }
  }
  for (const schema::Field& field : spec_->fields) {
    if (field.presence == schema::Presence::required && schema::exists_for(field, variant_) &&
        !has(field.key)) {
      throw ConfigError(append_key(object_.path(), field.key), "required field is missing");
    }
  }
  for (const schema::Condition& condition : spec_->conditions) check_condition(condition);
}

void ObjectReader::check_condition(const schema::Condition& condition) const {
  const std::optional<Node> sibling = member(condition.when);
  bool applies = sibling.has_value() &&
                 (condition.equals.empty() || sibling->json() == Json::parse(condition.equals));
  if (condition.negated) applies = !applies;
  if (!applies) return;
  const std::optional<Node> field = member(condition.field);
  if (condition.refuse && field) field->fail(std::string(condition.problem));
  if (!condition.refuse && !field) {
    const std::string_view at = condition.at_when ? condition.when : condition.field;
    throw ConfigError(condition.at_object ? object_.path() : append_key(object_.path(), at),
                      std::string(condition.problem));
  }
}

}  // namespace driftd::config::detail
