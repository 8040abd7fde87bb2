#include "ingest/event_decoder.h"

#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "common/error.h"
#include "ingest/event_time.h"
#include "ingest/path_trie.h"
#include "window/pane.h"

namespace driftd::ingest {

namespace od = simdjson::ondemand;

static_assert(kJsonPadding == simdjson::SIMDJSON_PADDING);

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// The parser starts with room for events of this size; it grows
// geometrically beyond.
constexpr std::size_t kInitialCapacity = 4096;
// Objects and arrays at this depth or deeper (the root object is at depth
// 1) make an event malformed, as for simdjson's validating parser (its
// default max_depth, which simdjson's development checks also assert); it
// bounds the recursion of Impl::skip().
constexpr std::int32_t kMaxDepth = static_cast<std::int32_t>(simdjson::DEFAULT_MAX_DEPTH);

// The state of one feature (or the event time) in the event being decoded.
enum class Slot : std::uint8_t { kMissing, kValue, kInvalid };
// kBad: the event is malformed, but the parser can go on past it (a bad
// number or literal found by the decoder). kFatal: simdjson reported a
// structural error; nothing after it in the document can be trusted. The
// reason is in Impl::reason.
enum class Step : std::uint8_t { kOk, kBad, kFatal };

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim_right(std::string_view text) {
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

// RFC 8259 number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
// simdjson reports a number beyond double range and a malformed one alike;
// this tells them apart (the first is an invalid value, the second a
// malformed event).
bool is_json_number(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  if (i < n && text[i] == '-') ++i;
  if (i >= n) return false;
  if (text[i] == '0') {
    ++i;
  } else if (is_digit(text[i])) {
    while (i < n && is_digit(text[i])) ++i;
  } else {
    return false;
  }
  if (i < n && text[i] == '.') {
    const std::size_t first = ++i;
    while (i < n && is_digit(text[i])) ++i;
    if (i == first) return false;
  }
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    const std::size_t first = i;
    while (i < n && is_digit(text[i])) ++i;
    if (i == first) return false;
  }
  return i == n;
}

// The offset of the first '"' or '\\' at or after text, 8 bytes at a time.
// REQUIRES: there is one, and the 7 bytes after it are readable.
std::size_t find_quote_or_backslash(const char* text) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHighs = 0x8080808080808080ull;
  for (std::size_t offset = 0;; offset += 8) {
    std::uint64_t word;
    std::memcpy(&word, text + offset, 8);
    const std::uint64_t quotes = word ^ (kOnes * '"');
    const std::uint64_t backslashes = word ^ (kOnes * '\\');
    // High bit of each zero byte; exact up to the first one (little-endian).
    const std::uint64_t found =
        (((quotes - kOnes) & ~quotes) | ((backslashes - kOnes) & ~backslashes)) & kHighs;
    if (found != 0) {
      return offset + static_cast<std::size_t>(std::countr_zero(found) >> 3);
    }
  }
}

bool is_valid_null(od::value& value) {
  bool is_null = false;
  return value.is_null().get(is_null) == simdjson::SUCCESS && is_null;
}

// Counts lines up to increasing positions of one buffer (error path only).
class LineCounter {
 public:
  explicit LineCounter(const char* base) : position_(base) {}
  std::size_t line_of(const char* position) {
    if (position > position_) {
      line_ += static_cast<std::size_t>(std::count(position_, position, '\n'));
      position_ = position;
    }
    return line_;
  }

 private:
  const char* position_;
  std::size_t line_ = 1;
};

}  // namespace

struct EventDecoder::Impl {
  Impl(DecoderSchema schema_in, std::vector<CategoryResolver*> resolvers_in);

  EventOutcome decode_document(const char* data, std::size_t length, std::size_t capacity,
                               DecodedBatch& batch);
  BodySummary decode_array(const char* data, std::size_t length, std::size_t capacity,
                           DecodedBatch& batch, ErrorSink* errors);

  bool reserve_parser(std::size_t length);
  // Copies json to the scratch buffer with padding; returns its start.
  const char* pad(std::string_view json);
  void begin_event();
  EventOutcome commit(DecodedBatch& batch);
  EventOutcome reject(DecodedBatch& batch, const char* why) {
    reason = why;
    ++batch.malformed_;
    return EventOutcome::kMalformed;
  }
  Step fail(const char* why) {
    reason = why;
    return Step::kBad;
  }
  Step fatal(simdjson::error_code error) {
    reason = simdjson::error_message(error);
    return Step::kFatal;
  }

  Step walk_members(od::object& object, std::uint32_t node);
  Step walk_elements(od::array& array, std::uint32_t node);
  Step visit(od::value& value, std::uint32_t node);
  Step visit_general(od::value& value, std::uint32_t node);
  Step assign(od::value& value, const PathTarget& target);
  Step numeric(od::value& value, std::uint32_t column);
  Step categorical(od::value& value, std::uint32_t column);
  Step event_time(od::value& value);
  Step event_time_number(od::value& value);
  // Checks a value no feature reads (an unknown or repeated key, an array
  // element beyond the schema, what an object or array holds where a
  // feature expects a scalar) as strictly as a read one, so a malformed
  // event is malformed wherever its error is.
  Step skip(od::value& value);
  Step skip_string(od::value& value);
  // The key of a member: a raw key without backslash was checked by stage 1
  // (UTF-8, control characters); one with escapes is unescaped to check them.
  Step check_escaped_key(od::field& field, const char* raw, std::size_t size);
  void set_invalid(const PathTarget& target);
  std::uint32_t resolve(std::uint32_t column, std::string_view text) {
    return resolvers[column]->resolve(text);
  }

  DecoderSchema schema;
  PathTrie trie;
  std::vector<CategoryResolver*> resolvers;
  bool has_time;
  TimeUnit time_unit;
  od::parser parser;
  std::vector<char> scratch;
  const char* reason = "";

  // The event being decoded; reset by begin_event().
  std::vector<double> numbers;
  std::vector<Slot> number_slots;
  std::vector<std::uint32_t> categories;
  std::int64_t time_ms = 0;
  Slot time_slot = Slot::kMissing;
  // Later event times are rejected (set_latest_event_time()).
  std::int64_t latest_time_ms = kMaxTimestampMs;
  // The time the caller supplies for this event (decode_one with a time).
  std::optional<std::int64_t> supplied_time;
  // seen[node] == epoch: node already visited in this event (duplicate key).
  std::vector<std::uint64_t> seen;
  std::uint64_t epoch = 0;
  // Key-order prediction, learnt from the previous events (walk_members):
  // the edge of the first known key of each node's object, and the edge of
  // the known key that followed each edge's key. kNoNode: no guess.
  std::vector<std::uint32_t> first_edge;
  std::vector<std::uint32_t> next_edge;
};

EventDecoder::Impl::Impl(DecoderSchema schema_in, std::vector<CategoryResolver*> resolvers_in)
    : schema(std::move(schema_in)),
      trie(schema),
      resolvers(std::move(resolvers_in)),
      has_time(schema.event_time().has_value()),
      time_unit(has_time ? schema.event_time()->unit : TimeUnit::kMilliseconds),
      numbers(schema.numeric_count(), kNaN),
      number_slots(schema.numeric_count(), Slot::kMissing),
      categories(schema.categorical_count(), kMissingCategory),
      seen(trie.node_count(), 0),
      first_edge(trie.node_count(), PathTrie::kNoNode),
      next_edge(trie.edge_count(), PathTrie::kNoNode) {
  if (resolvers.size() != schema.categorical_count()) {
    throw InputError("the decoder needs one category resolver per categorical feature (" +
                     std::to_string(schema.categorical_count()) + "), got " +
                     std::to_string(resolvers.size()));
  }
  for (std::size_t c = 0; c < resolvers.size(); ++c) {
    if (resolvers[c] == nullptr) {
      throw InputError("the category resolver of categorical column " + std::to_string(c) +
                       " is null");
    }
  }
  if (parser.allocate(kInitialCapacity) != simdjson::SUCCESS) {
    throw std::bad_alloc();
  }
}

bool EventDecoder::Impl::reserve_parser(std::size_t length) {
  if (length <= parser.capacity()) {
    return true;
  }
  const std::size_t wanted = std::min(std::max(length, 2 * parser.capacity()), parser.max_capacity());
  return length <= wanted && parser.allocate(wanted) == simdjson::SUCCESS;
}

const char* EventDecoder::Impl::pad(std::string_view json) {
  const std::size_t needed = json.size() + kJsonPadding;
  if (scratch.size() < needed) {
    scratch.resize(std::max(needed, 2 * scratch.size()));
  }
  std::memcpy(scratch.data(), json.data(), json.size());
  std::memset(scratch.data() + json.size(), ' ', kJsonPadding);
  return scratch.data();
}

void EventDecoder::Impl::begin_event() {
  ++epoch;
  std::fill(numbers.begin(), numbers.end(), kNaN);
  std::fill(number_slots.begin(), number_slots.end(), Slot::kMissing);
  std::fill(categories.begin(), categories.end(), kMissingCategory);
  time_slot = supplied_time ? Slot::kValue : Slot::kMissing;
  time_ms = supplied_time.value_or(0);
}

EventOutcome EventDecoder::Impl::commit(DecodedBatch& batch) {
  const bool timed = has_time || supplied_time.has_value();
  // Times the window arithmetic cannot represent (about +-146 million years)
  // are as invalid as a string that is not a time.
  if (timed && time_slot == Slot::kValue &&
      (time_ms < kMinTimestampMs || time_ms > kMaxTimestampMs)) {
    time_slot = Slot::kInvalid;
  }
  if (timed && time_slot != Slot::kValue) {
    ++batch.invalid_event_time_;
    reason = time_slot == Slot::kMissing ? "event time missing" : "event time invalid";
    return EventOutcome::kInvalidEventTime;
  }
  if (timed && time_ms > latest_time_ms) {
    ++batch.invalid_event_time_;
    reason = "event time too far in the future";
    return EventOutcome::kInvalidEventTime;
  }
  if (timed) {
    batch.event_time_ms_.push_back(time_ms);
  }
  for (std::size_t c = 0; c < numbers.size(); ++c) {
    if (number_slots[c] == Slot::kMissing) {
      ++batch.numeric_counts_[c].missing;
      batch.numeric_[c].push_back(kNaN);
    } else if (number_slots[c] == Slot::kInvalid) {
      ++batch.numeric_counts_[c].invalid;
      batch.numeric_[c].push_back(kInvalidNumber);
    } else {
      batch.numeric_[c].push_back(numbers[c]);
    }
  }
  for (std::size_t c = 0; c < categories.size(); ++c) {
    batch.categorical_[c].push_back(categories[c]);
    if (categories[c] == kMissingCategory) {
      ++batch.categorical_counts_[c].missing;
    } else if (categories[c] == kInvalidCategory) {
      ++batch.categorical_counts_[c].invalid;
    }
  }
  ++batch.rows_;
  return EventOutcome::kRow;
}

EventOutcome EventDecoder::Impl::decode_document(const char* data, std::size_t length,
                                                 std::size_t capacity, DecodedBatch& batch) {
  if (capacity < length || capacity - length < kJsonPadding) {
    data = pad({data, length});
    capacity = length + kJsonPadding;
  }
  if (!reserve_parser(length)) {
    return reject(batch, "event too large");
  }
  od::document document;
  if (const auto error = parser.iterate(data, length, capacity).get(document)) {
    return reject(batch, simdjson::error_message(error));
  }
  od::object object;
  if (const auto error = document.get_object().get(object)) {
    return reject(batch, error == simdjson::INCORRECT_TYPE ? "not a JSON object"
                                                            : simdjson::error_message(error));
  }
  begin_event();
  if (walk_members(object, trie.root()) != Step::kOk) {
    return reject(batch, reason);
  }
  const char* trailing = nullptr;
  if (document.current_location().get(trailing) == simdjson::SUCCESS) {
    return reject(batch, "characters after the JSON object");
  }
  return commit(batch);
}

BodySummary EventDecoder::Impl::decode_array(const char* data, std::size_t length,
                                             std::size_t capacity, DecodedBatch& batch,
                                             ErrorSink* errors) {
  BodySummary summary;
  LineCounter lines(data);
  const auto report = [&](EventOutcome outcome, const char* where) {
    ++summary.events;
    if (outcome == EventOutcome::kMalformed) ++summary.malformed;
    if (outcome == EventOutcome::kInvalidEventTime) ++summary.invalid_event_time;
    if (outcome == EventOutcome::kRow) ++summary.rows;
    if (outcome != EventOutcome::kRow && errors != nullptr) {
      errors->on_rejected(lines.line_of(where), outcome, reason);
    }
  };
  const auto location = [](od::document& document, const char* fallback) {
    const char* where = nullptr;
    return document.current_location().get(where) == simdjson::SUCCESS ? where : fallback;
  };

  od::document document;
  od::array array;
  simdjson::error_code error = reserve_parser(length) ? simdjson::SUCCESS : simdjson::CAPACITY;
  if (!error) error = parser.iterate(data, length, capacity).get(document);
  if (!error) error = document.get_array().get(array);
  if (error) {
    report(reject(batch, simdjson::error_message(error)), data);
    return summary;
  }
  // A structural error ends the document: it is counted once, as the
  // element where it was found (or as an extra event between elements).
  bool ended = true;
  for (auto element : array) {
    od::value value;
    if (const auto element_error = std::move(element).get(value)) {
      report(reject(batch, simdjson::error_message(element_error)),
             location(document, data + length));
      ended = false;
      break;
    }
    const char* start = value.raw_json_token().data();
    od::object object;
    if (const auto object_error = value.get_object().get(object)) {
      if (object_error != simdjson::INCORRECT_TYPE) {
        report(reject(batch, simdjson::error_message(object_error)), start);
        ended = false;
        break;
      }
      // Not an event, but still checked: a syntax error in it is one of
      // the document.
      const Step step = skip(value);
      report(reject(batch, step == Step::kOk ? "array element is not a JSON object" : reason),
             start);
      if (step == Step::kFatal) {
        ended = false;
        break;
      }
      continue;
    }
    begin_event();
    const Step step = walk_members(object, trie.root());
    if (step == Step::kOk) {
      report(commit(batch), start);
      continue;
    }
    report(reject(batch, reason), start);
    if (step == Step::kFatal) {
      ended = false;
      break;
    }
  }
  const char* trailing = nullptr;
  if (ended && document.current_location().get(trailing) == simdjson::SUCCESS) {
    report(reject(batch, "characters after the JSON array"), trailing);
  }
  return summary;
}

Step EventDecoder::Impl::walk_members(od::object& object, std::uint32_t node) {
  // Events of one stream usually list their keys in the same order, so
  // each key is first compared with the one that followed the previous
  // match last time (two words and a size); the hash lookup runs only when
  // that guess fails.
  std::uint32_t expected = first_edge[node];
  std::uint32_t previous = PathTrie::kNoNode;
  for (auto member : object) {
    if (const auto error = member.error()) {
      return fatal(error);
    }
    // By reference: moving the field out costs a store-forwarding stall.
    od::field& field = member.value_unsafe();
    // The raw key ends at its closing quote, inside the document (stage 1
    // found it), so whole words around it are readable: the document has
    // kJsonPadding bytes after it. A backslash first means escapes:
    // unescape, the slow path.
    const char* raw = field.key().raw();
    const std::size_t size = find_quote_or_backslash(raw);
    std::uint32_t edge;
    if (raw[size] == '"') {
      const PathTrie::Key key = PathTrie::key_of_padded(raw, size);
      edge = expected != PathTrie::kNoNode && trie.edge_matches(expected, key)
                 ? expected
                 : trie.find_edge(node, key);
    } else {
      std::string_view unescaped;
      if (const auto error = field.unescaped_key().get(unescaped)) {
        return fatal(error);
      }
      edge = trie.find_edge(node, PathTrie::key_of(unescaped));
    }
    od::value& value = field.value();
    if (edge == PathTrie::kNoNode) {
      if (const Step step = skip(value); step != Step::kOk) return step;
      continue;  // unknown key
    }
    (previous == PathTrie::kNoNode ? first_edge[node] : next_edge[previous]) = edge;
    previous = edge;
    expected = next_edge[edge];
    const std::uint32_t child = trie.edge_child(edge);
    if (seen[child] == epoch) {
      if (const Step step = skip(value); step != Step::kOk) return step;
      continue;  // a duplicate key: the first one won
    }
    seen[child] = epoch;
    if (trie.role(child) == PathTrie::Role::kNumeric) {
      // The hot case inline: a number for a numeric feature.
      const std::uint32_t column = trie.targets(child).front().column;
      double number;
      if (value.get_double().get(number) == simdjson::SUCCESS) {
        numbers[column] = number;
        number_slots[column] = Slot::kValue;
        continue;
      }
    }
    if (const Step step = visit(value, child); step != Step::kOk) {
      return step;
    }
  }
  return Step::kOk;
}

Step EventDecoder::Impl::walk_elements(od::array& array, std::uint32_t node) {
  std::uint64_t index = 0;
  for (auto element : array) {
    if (const auto error = element.error()) {
      return fatal(error);
    }
    od::value& value = element.value_unsafe();
    const std::uint32_t child = trie.element(node, index++);
    if (child == PathTrie::kNoNode || seen[child] == epoch) {
      if (const Step step = skip(value); step != Step::kOk) return step;
      continue;
    }
    seen[child] = epoch;
    if (const Step step = visit(value, child); step != Step::kOk) {
      return step;
    }
  }
  return Step::kOk;
}

Step EventDecoder::Impl::visit(od::value& value, std::uint32_t node) {
  switch (trie.role(node)) {
    case PathTrie::Role::kNumeric: return numeric(value, trie.targets(node).front().column);
    case PathTrie::Role::kCategorical:
      return categorical(value, trie.targets(node).front().column);
    case PathTrie::Role::kEventTime: return event_time(value);
    case PathTrie::Role::kGeneral: break;
  }
  return visit_general(value, node);
}

Step EventDecoder::Impl::visit_general(od::value& value, std::uint32_t node) {
  od::json_type type;
  if (const auto error = value.type().get(type)) {
    return fatal(error);
  }
  const auto targets = trie.targets(node);
  if (type == od::json_type::object || type == od::json_type::array) {
    for (const PathTarget& target : targets) {
      set_invalid(target);
    }
    if (type == od::json_type::object && trie.has_members(node)) {
      od::object object;
      if (const auto error = value.get_object().get(object)) {
        return fatal(error);
      }
      return walk_members(object, node);
    }
    if (type == od::json_type::array && trie.has_elements(node)) {
      od::array array;
      if (const auto error = value.get_array().get(array)) {
        return fatal(error);
      }
      return walk_elements(array, node);
    }
    return skip(value);
  }
  if (targets.empty()) {
    return skip(value);  // a scalar where the schema expects an object or array
  }
  if (type == od::json_type::string && targets.size() > 1) {
    // Unescape once: simdjson's string buffer has room for each string once.
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) {
      return fail("invalid string");
    }
    for (const PathTarget& target : targets) {
      switch (target.kind) {
        case PathTarget::Kind::kNumeric: number_slots[target.column] = Slot::kInvalid; break;
        case PathTarget::Kind::kCategorical:
          categories[target.column] = resolve(target.column, text);
          break;
        case PathTarget::Kind::kEventTime:
          if (const auto ms = epoch_ms_from_rfc3339(text)) {
            time_ms = *ms;
            time_slot = Slot::kValue;
          } else {
            time_slot = Slot::kInvalid;
          }
          break;
      }
    }
    return Step::kOk;
  }
  for (const PathTarget& target : targets) {
    if (const Step step = assign(value, target); step != Step::kOk) {
      return step;
    }
  }
  return Step::kOk;
}

Step EventDecoder::Impl::assign(od::value& value, const PathTarget& target) {
  switch (target.kind) {
    case PathTarget::Kind::kNumeric: return numeric(value, target.column);
    case PathTarget::Kind::kCategorical: return categorical(value, target.column);
    case PathTarget::Kind::kEventTime: return event_time(value);
  }
  return Step::kOk;
}

void EventDecoder::Impl::set_invalid(const PathTarget& target) {
  switch (target.kind) {
    case PathTarget::Kind::kNumeric: number_slots[target.column] = Slot::kInvalid; break;
    case PathTarget::Kind::kCategorical: categories[target.column] = kInvalidCategory; break;
    case PathTarget::Kind::kEventTime: time_slot = Slot::kInvalid; break;
  }
}

Step EventDecoder::Impl::numeric(od::value& value, std::uint32_t column) {
  double number = 0;
  if (value.get_double().get(number) == simdjson::SUCCESS) {
    numbers[column] = number;
    number_slots[column] = Slot::kValue;
    return Step::kOk;
  }
  od::json_type type;
  if (const auto error = value.type().get(type)) {
    return fatal(error);
  }
  switch (type) {
    case od::json_type::null:
      return is_valid_null(value) ? Step::kOk : fail("invalid literal");
    case od::json_type::number:
      if (!is_json_number(trim_right(value.raw_json_token()))) {
        return fail("invalid number");
      }
      break;  // beyond double range
    case od::json_type::boolean: {
      bool flag = false;
      if (value.get_bool().get(flag) != simdjson::SUCCESS) {
        return fail("invalid literal");
      }
      break;
    }
    case od::json_type::string:
    case od::json_type::array:
    case od::json_type::object:
      number_slots[column] = Slot::kInvalid;
      return skip(value);
  }
  number_slots[column] = Slot::kInvalid;
  return Step::kOk;
}

Step EventDecoder::Impl::categorical(od::value& value, std::uint32_t column) {
  od::json_type type;
  if (const auto error = value.type().get(type)) {
    return fatal(error);
  }
  switch (type) {
    case od::json_type::string: {
      std::string_view text;
      if (value.get_string().get(text) != simdjson::SUCCESS) {
        return fail("invalid string");
      }
      categories[column] = resolve(column, text);
      return Step::kOk;
    }
    case od::json_type::number: {
      const std::string_view text = trim_right(value.raw_json_token());
      if (!is_json_number(text)) {
        return fail("invalid number");
      }
      categories[column] = resolve(column, text);
      return Step::kOk;
    }
    case od::json_type::boolean: {
      bool flag = false;
      if (value.get_bool().get(flag) != simdjson::SUCCESS) {
        return fail("invalid literal");
      }
      categories[column] = resolve(column, flag ? "true" : "false");
      return Step::kOk;
    }
    case od::json_type::null:
      return is_valid_null(value) ? Step::kOk : fail("invalid literal");
    case od::json_type::array:
    case od::json_type::object: categories[column] = kInvalidCategory; return skip(value);
  }
  return Step::kOk;
}

Step EventDecoder::Impl::event_time(od::value& value) {
  od::json_type type;
  if (const auto error = value.type().get(type)) {
    return fatal(error);
  }
  switch (type) {
    case od::json_type::number: return event_time_number(value);
    case od::json_type::string: {
      std::string_view text;
      if (value.get_string().get(text) != simdjson::SUCCESS) {
        return fail("invalid string");
      }
      if (const auto ms = epoch_ms_from_rfc3339(text)) {
        time_ms = *ms;
        time_slot = Slot::kValue;
      } else {
        time_slot = Slot::kInvalid;
      }
      return Step::kOk;
    }
    case od::json_type::null:
      return is_valid_null(value) ? Step::kOk : fail("invalid literal");
    case od::json_type::boolean: {
      bool flag = false;
      if (value.get_bool().get(flag) != simdjson::SUCCESS) {
        return fail("invalid literal");
      }
      time_slot = Slot::kInvalid;
      return Step::kOk;
    }
    case od::json_type::array:
    case od::json_type::object: time_slot = Slot::kInvalid; return skip(value);
  }
  return Step::kOk;
}

Step EventDecoder::Impl::event_time_number(od::value& value) {
  std::optional<std::int64_t> ms;
  od::number number;
  double real = 0;
  if (value.get_number().get(number) == simdjson::SUCCESS) {
    switch (number.get_number_type()) {
      case od::number_type::signed_integer:
        ms = epoch_ms_from_int(number.get_int64(), time_unit);
        break;
      case od::number_type::unsigned_integer:
        ms = epoch_ms_from_uint(number.get_uint64(), time_unit);
        break;
      case od::number_type::floating_point_number:
        ms = epoch_ms_from_double(number.get_double(), time_unit);
        break;
    }
  } else if (value.get_double().get(real) == simdjson::SUCCESS) {
    ms = epoch_ms_from_double(real, time_unit);  // an integer beyond 64 bits
  } else if (!is_json_number(trim_right(value.raw_json_token()))) {
    return fail("invalid number");
  }
  if (ms) {
    time_ms = *ms;
    time_slot = Slot::kValue;
  } else {
    time_slot = Slot::kInvalid;
  }
  return Step::kOk;
}

Step EventDecoder::Impl::check_escaped_key(od::field& field, const char* raw,
                                           std::size_t size) {
  if (raw[size] == '"') return Step::kOk;
  std::string_view unescaped;
  if (const auto error = field.unescaped_key().get(unescaped)) return fatal(error);
  return Step::kOk;
}

Step EventDecoder::Impl::skip_string(od::value& value) {
  // Stage 1 checked the UTF-8 and control characters of every string; only
  // escapes are left, and most strings have none. Either way the string is
  // consumed: left to simdjson's skip, a string followed by ':' would be
  // taken for a key ({"a": "b": 1} accepted).
  const char* raw = value.raw_json_token().data() + 1;
  if (raw[find_quote_or_backslash(raw)] == '"') {
    od::raw_json_string unread;
    return value.get_raw_json_string().get(unread) == simdjson::SUCCESS ? Step::kOk
                                                                        : fail("invalid string");
  }
  std::string_view unescaped;
  return value.get_string().get(unescaped) == simdjson::SUCCESS ? Step::kOk
                                                                 : fail("invalid string");
}

Step EventDecoder::Impl::skip(od::value& value) {
  od::json_type type;
  if (const auto error = value.type().get(type)) {
    return fatal(error);
  }
  switch (type) {
    case od::json_type::object: {
      if (value.current_depth() >= kMaxDepth) return fail("objects and arrays nested too deep");
      od::object object;
      if (const auto error = value.get_object().get(object)) return fatal(error);
      for (auto member : object) {
        if (const auto error = member.error()) return fatal(error);
        od::field& field = member.value_unsafe();
        const char* raw = field.key().raw();
        if (const Step step = check_escaped_key(field, raw, find_quote_or_backslash(raw));
            step != Step::kOk) {
          return step;
        }
        if (const Step step = skip(field.value()); step != Step::kOk) return step;
      }
      return Step::kOk;
    }
    case od::json_type::array: {
      if (value.current_depth() >= kMaxDepth) return fail("objects and arrays nested too deep");
      od::array array;
      if (const auto error = value.get_array().get(array)) return fatal(error);
      for (auto element : array) {
        if (const auto error = element.error()) return fatal(error);
        if (const Step step = skip(element.value_unsafe()); step != Step::kOk) return step;
      }
      return Step::kOk;
    }
    case od::json_type::string: return skip_string(value);
    case od::json_type::number:
      return is_json_number(trim_right(value.raw_json_token())) ? Step::kOk
                                                                 : fail("invalid number");
    case od::json_type::boolean: {
      bool flag = false;
      return value.get_bool().get(flag) == simdjson::SUCCESS ? Step::kOk : fail("invalid literal");
    }
    case od::json_type::null: return is_valid_null(value) ? Step::kOk : fail("invalid literal");
  }
  return Step::kOk;
}

EventDecoder::EventDecoder(DecoderSchema schema, std::vector<CategoryResolver*> resolvers)
    : impl_(std::make_unique<Impl>(std::move(schema), std::move(resolvers))) {}
EventDecoder::~EventDecoder() = default;
EventDecoder::EventDecoder(EventDecoder&&) noexcept = default;
EventDecoder& EventDecoder::operator=(EventDecoder&&) noexcept = default;

const DecoderSchema& EventDecoder::schema() const { return impl_->schema; }

std::span<CategoryResolver* const> EventDecoder::resolvers() const { return impl_->resolvers; }

std::string_view EventDecoder::last_reason() const { return impl_->reason; }

void EventDecoder::set_latest_event_time(std::int64_t latest_ms) {
  impl_->latest_time_ms = latest_ms;
}

EventOutcome EventDecoder::decode_one(std::string_view json, std::size_t capacity,
                                      DecodedBatch& batch) {
  batch.shape(impl_->numbers.size(), impl_->categories.size(), impl_->has_time);
  return impl_->decode_document(json.data(), json.size(), capacity, batch);
}

EventOutcome EventDecoder::decode_one(std::string_view json, std::size_t capacity,
                                      DecodedBatch& batch, std::int64_t event_time_ms) {
  if (impl_->has_time) {
    throw std::logic_error("the decoder reads event times from the events; none can be supplied");
  }
  batch.shape(impl_->numbers.size(), impl_->categories.size(), true);
  struct Supplied {
    Impl& impl;
    Supplied(Impl& i, std::int64_t time) : impl(i) { impl.supplied_time = time; }
    ~Supplied() { impl.supplied_time.reset(); }
  } supplied(*impl_, event_time_ms);
  return impl_->decode_document(json.data(), json.size(), capacity, batch);
}

BodySummary EventDecoder::decode_ndjson(std::string_view body, std::size_t capacity,
                                        DecodedBatch& batch, ErrorSink* errors) {
  Impl& impl = *impl_;
  batch.shape(impl.numbers.size(), impl.categories.size(), impl.has_time);
  const char* data = body.data();
  const std::size_t length = body.size();
  std::size_t first = 0;
  while (first < length && is_space(data[first])) {
    ++first;
  }
  if (first == length) {
    return {};
  }
  if (capacity < length || capacity - length < kJsonPadding) {
    data = impl.pad(body);
    capacity = length + kJsonPadding;
  }
  if (data[first] == '[') {
    return impl.decode_array(data, length, capacity, batch, errors);
  }

  BodySummary summary;
  std::size_t line = 0;
  const char* end = data + length;
  for (const char* cursor = data; cursor < end;) {
    ++line;
    const char* newline = static_cast<const char*>(std::memchr(cursor, '\n', static_cast<std::size_t>(end - cursor)));
    const char* line_end = newline != nullptr ? newline : end;
    const char* start = cursor;
    cursor = newline != nullptr ? newline + 1 : end;
    while (start < line_end && is_space(*start)) ++start;
    const char* stop = line_end;
    while (stop > start && is_space(stop[-1])) --stop;
    if (start == stop) {
      continue;
    }
    const auto offset = static_cast<std::size_t>(start - data);
    const EventOutcome outcome = impl.decode_document(
        start, static_cast<std::size_t>(stop - start), capacity - offset, batch);
    ++summary.events;
    switch (outcome) {
      case EventOutcome::kRow: ++summary.rows; continue;
      case EventOutcome::kMalformed: ++summary.malformed; break;
      case EventOutcome::kInvalidEventTime: ++summary.invalid_event_time; break;
    }
    if (errors != nullptr) {
      errors->on_rejected(line, outcome, impl.reason);
    }
  }
  return summary;
}

}  // namespace driftd::ingest
