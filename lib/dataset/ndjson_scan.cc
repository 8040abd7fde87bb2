#include "dataset/ndjson_scan.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "common/error.h"

namespace driftd::detail {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// Blank as the previous reader had it: every byte a C-locale space.
bool is_blank_line(std::string_view line) {
  return std::all_of(line.begin(), line.end(),
                     [](unsigned char c) { return std::isspace(c) != 0; });
}

// A raw token without the JSON whitespace after it.
std::string_view trim_token(std::string_view token) {
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t' ||
                            token.back() == '\n' || token.back() == '\r')) {
    token.remove_suffix(1);
  }
  return token;
}

const char* type_name(od::json_type type) {
  switch (type) {
    case od::json_type::object: return "object";
    case od::json_type::array: return "array";
    case od::json_type::string: return "string";
    case od::json_type::number: return "number";
    case od::json_type::boolean: return "boolean";
    case od::json_type::null: return "null";
  }
  return "value";
}

error_code check_null(simdjson::simdjson_result<bool> is_null) {
  bool null = false;
  if (const error_code error = std::move(is_null).get(null)) return error;
  return null ? simdjson::SUCCESS : simdjson::INCORRECT_TYPE;
}

// Reads the whole value, which On-Demand validates only as it reads.
error_code validate(od::value value) {
  od::json_type type;
  if (const error_code error = value.type().get(type)) return error;
  switch (type) {
    case od::json_type::array: {
      od::array array;
      if (const error_code error = value.get_array().get(array)) return error;
      for (auto element : array) {
        od::value item;
        if (const error_code error = std::move(element).get(item)) return error;
        if (const error_code error = validate(item)) return error;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::object: {
      od::object object;
      if (const error_code error = value.get_object().get(object)) return error;
      for (auto member : object) {
        od::field field;
        std::string_view key;
        if (const error_code error = std::move(member).get(field)) return error;
        if (const error_code error = field.unescaped_key().get(key)) return error;
        if (const error_code error = validate(field.value())) return error;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::number: {
      double number;
      return value.get_double().get(number);
    }
    case od::json_type::string: {
      std::string_view text;
      return value.get_string().get(text);
    }
    case od::json_type::boolean: {
      bool flag;
      return value.get_bool().get(flag);
    }
    case od::json_type::null: return check_null(value.is_null());
  }
  return simdjson::INCORRECT_TYPE;
}

// A line that is not an object: its error if it is invalid JSON.
error_code validate_root(od::document& document, od::json_type type) {
  switch (type) {
    case od::json_type::array: {
      od::array array;
      if (const error_code error = document.get_array().get(array)) return error;
      for (auto element : array) {
        od::value item;
        if (const error_code error = std::move(element).get(item)) return error;
        if (const error_code error = validate(item)) return error;
      }
      const char* rest = nullptr;
      return document.current_location().get(rest) == simdjson::SUCCESS ? simdjson::TRAILING_CONTENT
                                                                         : simdjson::SUCCESS;
    }
    case od::json_type::number: {
      double number;
      return document.get_double().get(number);
    }
    case od::json_type::string: {
      std::string_view text;
      return document.get_string().get(text);
    }
    case od::json_type::boolean: {
      bool flag;
      return document.get_bool().get(flag);
    }
    case od::json_type::null: return check_null(document.is_null());
    case od::json_type::object: break;
  }
  return simdjson::SUCCESS;
}

struct KeyHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
};
using KeySet = std::unordered_set<std::string, KeyHash, std::equal_to<>>;

struct NdjsonScratch final : ParseScratch {
  od::parser parser;
  std::string padded;  // a line near the end of the file, with padding after it
  // The key at each position of the previous line and its batch column:
  // lines of a file mostly repeat their keys in the same order.
  std::vector<std::pair<std::string, std::size_t>> previous_keys;
};

class NdjsonSource final : public ChunkSource {
 public:
  NdjsonSource(const DataFile& file, std::span<const std::string> columns,
               std::size_t chunk_bytes, bool collect_keys)
      : file_(file),
        columns_(columns.size()),
        chunk_bytes_(std::max<std::size_t>(chunk_bytes, 1)),
        collect_keys_(collect_keys) {
    for (std::size_t slot = 0; slot < columns.size(); ++slot) {
      if (!slots_.emplace(columns[slot], slot).second) {
        throw InputError(file.path().string() + ": column '" + columns[slot] + "' requested twice");
      }
    }
  }

  bool next_chunk(ChunkPlan& plan) override {
    const std::string_view bytes = file_.bytes();
    if (cursor_.begin >= bytes.size()) return false;
    const std::size_t begin = cursor_.begin;
    const std::size_t last_byte = begin + std::min(chunk_bytes_, bytes.size() - begin) - 1;
    std::size_t end = bytes.size();
    std::uint64_t line_feeds = 0;
    std::uint64_t rows = 0;
    for (std::size_t position = begin; position < bytes.size();) {
      const std::size_t line_end = line_end_at(position, bytes.size());
      rows += !is_blank_line(bytes.substr(position, line_end - position));
      if (line_end == bytes.size()) break;
      ++line_feeds;
      position = line_end + 1;
      if (line_end >= last_byte) {
        end = position;
        break;
      }
    }
    plan = cursor_.advance(end, line_feeds, rows);
    return true;
  }

  std::unique_ptr<ParseScratch> make_scratch() const override {
    return std::make_unique<NdjsonScratch>();
  }

  void parse(const ChunkPlan& plan, RecordBatch& batch, ParseScratch& scratch) const override {
    const std::string_view bytes = file_.bytes();
    BatchWriter writer(batch);
    writer.reset(columns_, plan);
    writer.clear_cells();
    KeySet chunk_keys;
    std::uint64_t line = plan.first_line;
    for (std::size_t position = plan.begin; position < plan.end; ++line) {
      const std::size_t line_end = line_end_at(position, plan.end);
      const std::string_view text = bytes.substr(position, line_end - position);
      if (!is_blank_line(text)) {
        parse_line(text, line, writer, static_cast<NdjsonScratch&>(scratch), chunk_keys);
      }
      position = line_end + 1;
    }
  }

  std::string no_rows_message() const override {
    return file_.path().string() + ": empty file (no JSON records)";
  }

 private:
  std::size_t line_end_at(std::size_t position, std::size_t end) const {
    const char* data = file_.bytes().data();
    const void* line_feed = std::memchr(data + position, '\n', end - position);
    return line_feed == nullptr ? end : static_cast<std::size_t>(static_cast<const char*>(line_feed) - data);
  }

  [[noreturn]] void fail(std::uint64_t line, error_code error, std::string_view key = {}) const {
    std::string message = file_.path().string() + ":" + std::to_string(line) +
                          ": invalid JSON: " + simdjson::error_message(error);
    if (key.data() != nullptr) message += " (in the value of '" + std::string(key) + "')";
    throw InputError(message);
  }

  std::size_t slot_of(std::string_view key, std::size_t position, NdjsonScratch& scratch) const {
    auto& previous = scratch.previous_keys;
    if (position < previous.size() && previous[position].first == key) {
      return previous[position].second;
    }
    const auto it = slots_.find(key);
    const std::size_t slot = it == slots_.end() ? kNone : it->second;
    if (position >= previous.size()) previous.resize(position + 1);
    previous[position] = {std::string(key), slot};
    return slot;
  }

  void parse_line(std::string_view line, std::uint64_t line_number, BatchWriter& writer,
                  NdjsonScratch& scratch, KeySet& chunk_keys) const {
    // simdjson reads up to SIMDJSON_PADDING bytes past the line (whatever
    // they hold): the file's own bytes when there are enough of them.
    const std::string_view bytes = file_.bytes();
    const auto offset = static_cast<std::size_t>(line.data() - bytes.data());
    const char* input = line.data();
    std::size_t capacity = bytes.size() - offset;
    if (capacity < line.size() + simdjson::SIMDJSON_PADDING) {
      scratch.padded.assign(line);
      scratch.padded.resize(line.size() + simdjson::SIMDJSON_PADDING);
      input = scratch.padded.data();
      capacity = scratch.padded.size();
    }
    // The file's bytes for a token the parser saw in `input`.
    const auto in_file = [&](std::string_view token) {
      return std::string_view(line.data() + (token.data() - input), token.size());
    };

    od::document document;
    od::json_type type;
    if (const error_code error = scratch.parser.iterate(input, line.size(), capacity).get(document)) {
      fail(line_number, error);
    }
    if (const error_code error = document.type().get(type)) fail(line_number, error);
    if (type != od::json_type::object) {
      if (const error_code error = validate_root(document, type)) fail(line_number, error);
      throw InputError(file_.path().string() + ":" + std::to_string(line_number) +
                       ": expected a JSON object, got " + type_name(type));
    }
    od::object object;
    if (const error_code error = document.get_object().get(object)) fail(line_number, error);
    const std::size_t row = writer.rows();
    writer.add_row(line_number);
    std::size_t position = 0;
    for (auto member : object) {
      od::field field;
      std::string_view key;
      if (const error_code error = std::move(member).get(field)) fail(line_number, error);
      if (const error_code error = field.unescaped_key().get(key)) fail(line_number, error);
      if (collect_keys_ && chunk_keys.find(key) == chunk_keys.end()) {
        chunk_keys.emplace(key);
        writer.keys().emplace_back(key);
      }
      const std::size_t slot = slot_of(key, position++, scratch);
      od::value value = field.value();
      const error_code error = slot == kNone
                                   ? validate(value)
                                   : cell_text(value, document, in_file, writer,
                                               writer.row(row)[slot]);
      if (error) fail(line_number, error, key);
    }
    const char* rest = nullptr;
    if (document.current_location().get(rest) == simdjson::SUCCESS) {
      fail(line_number, simdjson::TRAILING_CONTENT);
    }
  }

  // The cell of a value (record_scanner.h), validating it.
  template <class InFile>
  static error_code cell_text(od::value& value, od::document& document, const InFile& in_file,
                              BatchWriter& writer, std::string_view& cell) {
    od::json_type type;
    if (const error_code error = value.type().get(type)) return error;
    const std::string_view token = value.raw_json_token();
    switch (type) {
      case od::json_type::null:
        cell = {};
        return check_null(value.is_null());
      case od::json_type::string: {
        std::string_view text;
        if (const error_code error = value.get_string().get(text)) return error;
        const std::string_view quoted = trim_token(token);
        if (text.size() == quoted.size() - 2) {  // no escapes: the file's bytes
          cell = in_file(quoted.substr(1, text.size()));
        } else {
          char* out = writer.text_space(text.size());
          std::memcpy(out, text.data(), text.size());
          cell = {out, text.size()};
        }
        return simdjson::SUCCESS;
      }
      case od::json_type::number:
      case od::json_type::boolean: {
        if (const error_code error = validate(value)) return error;
        cell = in_file(trim_token(token));
        return simdjson::SUCCESS;
      }
      case od::json_type::array:
      case od::json_type::object: {
        if (const error_code error = validate(value)) return error;
        // The container's text runs to the token after it (',' or '}').
        const char* end = nullptr;
        if (const error_code error = document.current_location().get(end)) return error;
        const auto size = static_cast<std::size_t>(end - token.data());
        char* out = writer.text_space(size);
        std::size_t compact = 0;
        if (const error_code error = simdjson::minify(token.data(), size, out, compact)) {
          return error;
        }
        writer.shrink_text(size - compact);
        cell = {out, compact};
        return simdjson::SUCCESS;
      }
    }
    return simdjson::INCORRECT_TYPE;
  }

  const DataFile& file_;
  std::unordered_map<std::string, std::size_t, KeyHash, std::equal_to<>> slots_;
  const std::size_t columns_;
  const std::size_t chunk_bytes_;
  const bool collect_keys_;
  // next_chunk()'s position: guarded by its one caller at a time.
  ChunkCursor cursor_;
};

}  // namespace

std::unique_ptr<ChunkSource> make_ndjson_source(const DataFile& file,
                                                std::span<const std::string> columns,
                                                std::size_t chunk_bytes, bool collect_keys) {
  return std::make_unique<NdjsonSource>(file, columns, chunk_bytes, collect_keys);
}

}  // namespace driftd::detail
