#include "cluster/capture_rows.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "cluster/framed_format.h"
#include "common/binary_codec.h"
#include "common/error.h"
#include "ingest/category_resolver.h"
#include "ingest/decoded_batch.h"

namespace driftd::cluster {
namespace {

// The layout of docs/histogram-format.md, "Capture rows (cluster mode)".
constexpr std::size_t kChecksumBytes = FramedFormat::kChecksumBytes;
// Everything up to the stream's length.
constexpr std::size_t kFixedBytes = 28;
constexpr std::size_t kTimeBytes = 8;
constexpr std::size_t kNumberBytes = 8;
constexpr std::size_t kIdBytes = 4;
constexpr std::size_t kValueCountBytes = 4;
constexpr std::size_t kValueLengthBytes = 4;
// The smallest record: one-byte names, one row, no columns, the checksum.
constexpr std::size_t kMinBytes = kFixedBytes + 2 + 2 + kTimeBytes + kChecksumBytes;
constexpr FramedFormat kFormat{{'D', 'R', 'O', 'W'}, 1, kMinBytes, "capture rows record"};

static_assert(kMaxCaptureColumns <= std::numeric_limits<std::uint32_t>::max());
static_assert(kMaxCaptureValueBytes <= std::numeric_limits<std::uint32_t>::max());
static_assert(kMaxCaptureRows < ingest::kInvalidCategory);

// The two NaNs a numeric value may be (decoded_batch.h).
constexpr std::uint64_t kMissingBits =
    std::bit_cast<std::uint64_t>(std::numeric_limits<double>::quiet_NaN());
constexpr std::uint64_t kInvalidBits = std::bit_cast<std::uint64_t>(ingest::kInvalidNumber);
static_assert(kMissingBits == 0x7FF8000000000000ULL);

// What one row takes: its time, a value per numeric column, an id per
// categorical column. At most 201,326,600 bytes (8 + 12 x 2^24):
// kMaxCaptureRows times it fits 64 bits.
std::uint64_t row_bytes(std::size_t numeric, std::size_t categorical) {
  return kTimeBytes + kNumberBytes * numeric + kIdBytes * categorical;
}

std::size_t value_bytes(const std::string& value) { return kValueLengthBytes + value.size(); }

bool special_id(std::uint32_t id) {
  return id == ingest::kMissingCategory || id == ingest::kInvalidCategory;
}

bool valid_time(std::int64_t ms) { return ms >= kMinTimestampMs && ms <= kMaxTimestampMs; }

std::string times_problem(std::span<const std::int64_t> times) {
  for (std::size_t row = 0; row < times.size(); ++row) {
    if (!valid_time(times[row])) {
      return "row " + std::to_string(row) + " has time " + std::to_string(times[row]) +
             ", outside the timestamps driftd accepts";
    }
  }
  return {};
}

std::string numbers_problem(std::span<const double> column) {
  for (std::size_t row = 0; row < column.size(); ++row) {
    const double value = column[row];
    if (std::isfinite(value)) continue;
    const auto bits = std::bit_cast<std::uint64_t>(value);
    if (bits == kMissingBits || bits == kInvalidBits) continue;
    return "row " + std::to_string(row) +
           (std::isinf(value) ? " is infinite" : " is a NaN other than missing and invalid");
  }
  return {};
}

// Empty when the values are distinct, UTF-8 of at most
// kMaxCaptureValueBytes bytes, every one used, in the order of their first
// use by the ids, and every id is one of them or a special code.
std::string categorical_problem(const ingest::RawCategoricalColumn& column) {
  const std::vector<std::string>& values = column.values;
  if (values.size() > column.ids.size()) {
    return std::to_string(values.size()) + " values for " + std::to_string(column.ids.size()) +
           " rows";
  }
  std::unordered_map<std::string_view, std::size_t> seen;
  seen.reserve(values.size());
  for (std::size_t v = 0; v < values.size(); ++v) {
    if (values[v].size() > kMaxCaptureValueBytes) {
      return "value " + std::to_string(v) + " has " + std::to_string(values[v].size()) +
             " bytes, more than " + std::to_string(kMaxCaptureValueBytes);
    }
    if (!valid_utf8(values[v])) return "value " + std::to_string(v) + " is not UTF-8";
    const auto [first, inserted] = seen.emplace(values[v], v);
    if (!inserted) {
      return "value " + std::to_string(v) + " repeats value " + std::to_string(first->second);
    }
  }
  std::size_t next = 0;  // the first value no row has used yet
  for (std::size_t row = 0; row < column.ids.size(); ++row) {
    const std::uint32_t id = column.ids[row];
    if (special_id(id) || id < next) continue;
    if (id >= values.size()) {
      return "row " + std::to_string(row) + " has id " + std::to_string(id) + ", beyond its " +
             std::to_string(values.size()) + " values";
    }
    if (id > next) {
      return "row " + std::to_string(row) + " uses value " + std::to_string(id) + " before value " +
             std::to_string(next) + ": values must be in the order of their first use";
    }
    ++next;
  }
  if (next < values.size()) return "value " + std::to_string(next) + " is not used";
  return {};
}

// Empty when a record may have `count` rows.
std::string count_problem(std::size_t count) {
  if (count == 0) return "no rows";
  if (count > kMaxCaptureRows) {
    return std::to_string(count) + " rows, more than " + std::to_string(kMaxCaptureRows);
  }
  return {};
}

// Empty when a record may have these numbers of columns.
std::string columns_problem(std::size_t numeric, std::size_t categorical) {
  if (numeric > kMaxCaptureColumns || categorical > kMaxCaptureColumns) {
    return std::to_string(numeric) + " numeric and " + std::to_string(categorical) +
           " categorical columns, more than " + std::to_string(kMaxCaptureColumns) + " of a kind";
  }
  return {};
}

// Empty when `record` is valid but for its number of rows, which may be
// any: a cut's rows, before encode_capture_rows_records() splits them.
std::string cut_problem(const CaptureRows& record) {
  for (const std::string* name : {&record.stream, &record.producer}) {
    if (name->empty() || name->size() > kMaxPartialNameBytes) {
      return std::string(name == &record.stream ? "stream" : "producer") + " must have 1 to " +
             std::to_string(kMaxPartialNameBytes) + " bytes, has " + std::to_string(name->size());
    }
  }
  const ingest::RawRows& rows = record.rows;
  const std::size_t count = rows.rows();
  if (std::string problem = columns_problem(rows.numeric.size(), rows.categorical.size());
      !problem.empty()) {
    return problem;
  }
  if (std::string problem = times_problem(rows.times_ms); !problem.empty()) return problem;
  for (std::size_t c = 0; c < rows.numeric.size(); ++c) {
    const std::string which = "numeric column " + std::to_string(c);
    if (rows.numeric[c].size() != count) {
      return which + " has " + std::to_string(rows.numeric[c].size()) + " rows, not " +
             std::to_string(count);
    }
    if (std::string problem = numbers_problem(rows.numeric[c]); !problem.empty()) {
      return which + ": " + problem;
    }
  }
  for (std::size_t c = 0; c < rows.categorical.size(); ++c) {
    const std::string which = "categorical column " + std::to_string(c);
    if (rows.categorical[c].ids.size() != count) {
      return which + " has " + std::to_string(rows.categorical[c].ids.size()) + " rows, not " +
             std::to_string(count);
    }
    if (std::string problem = categorical_problem(rows.categorical[c]); !problem.empty()) {
      return which + ": " + problem;
    }
  }
  return {};
}

// Throws std::invalid_argument naming `problem`, unless it is empty.
void refuse(const std::string& problem) {
  if (!problem.empty()) throw std::invalid_argument("invalid capture rows: " + problem);
}

// The header of every record of `record`: everything but the rows and the
// dictionaries' values.
std::size_t header_bytes(const CaptureRows& record) {
  return kFixedBytes + 2 + record.stream.size() + record.producer.size() +
         kValueCountBytes * record.rows.categorical.size() + kChecksumBytes;
}

// REQUIRES: `record` is valid.
std::vector<std::byte> encode_valid(const CaptureRows& record) {
  const ingest::RawRows& rows = record.rows;
  std::size_t size =
      header_bytes(record) + rows.rows() * row_bytes(rows.numeric.size(), rows.categorical.size());
  for (const ingest::RawCategoricalColumn& column : rows.categorical) {
    for (const std::string& value : column.values) size += value_bytes(value);
  }
  std::vector<std::byte> out;
  out.reserve(size);
  kFormat.begin(out);
  append_le<std::uint64_t>(out, record.sequence);
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(rows.rows()));
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(rows.numeric.size()));
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(rows.categorical.size()));
  FramedFormat::append_name(out, record.stream);
  FramedFormat::append_name(out, record.producer);
  for (const std::int64_t ms : rows.times_ms) append_le<std::int64_t>(out, ms);
  for (const std::vector<double>& column : rows.numeric) {
    for (const double value : column) {
      append_le<std::uint64_t>(out, std::bit_cast<std::uint64_t>(value));
    }
  }
  for (const ingest::RawCategoricalColumn& column : rows.categorical) {
    append_le<std::uint32_t>(out, static_cast<std::uint32_t>(column.values.size()));
    for (const std::string& value : column.values) {
      append_le<std::uint32_t>(out, static_cast<std::uint32_t>(value.size()));
      for (const char c : value) out.push_back(static_cast<std::byte>(c));
    }
    for (const std::uint32_t id : column.ids) append_le<std::uint32_t>(out, id);
  }
  kFormat.end(out);
  return out;
}

// REQUIRES: the reader holds at least `rows` ids (checked with the rows'
// size before the columns are read).
ingest::RawCategoricalColumn read_categorical(LittleEndianReader& reader, std::uint32_t rows,
                                              const std::string& which) {
  ingest::RawCategoricalColumn out;
  const auto count = reader.get<std::uint32_t>("value count");
  // Every value is used by a row: no more values than rows.
  if (count > rows) {
    throw InputError(which + " has " + std::to_string(count) + " values for " +
                     std::to_string(rows) + " rows");
  }
  if (count > reader.remaining() / kValueLengthBytes) {
    throw InputError(std::string(reader.what()) + " is truncated at values");
  }
  out.values.reserve(count);
  for (std::uint32_t v = 0; v < count; ++v) {
    const auto length = reader.get<std::uint32_t>("value length");
    const std::span<const std::byte> raw = reader.take(length, "value");
    out.values.emplace_back(reinterpret_cast<const char*>(raw.data()), raw.size());
  }
  out.ids.reserve(rows);
  for (std::uint32_t row = 0; row < rows; ++row) {
    out.ids.push_back(reader.get<std::uint32_t>("id"));
  }
  if (std::string problem = categorical_problem(out); !problem.empty()) {
    throw InputError(which + ": " + problem);
  }
  return out;
}

}  // namespace

std::vector<std::byte> encode_capture_rows(const CaptureRows& rows) {
  refuse(count_problem(rows.rows.rows()));
  refuse(cut_problem(rows));
  return encode_valid(rows);
}

CaptureRows decode_capture_rows(std::span<const std::byte> bytes) {
  LittleEndianReader reader = kFormat.open(bytes);
  const std::string what = kFormat.what;
  CaptureRows out;
  ingest::RawRows& rows = out.rows;
  out.sequence = reader.get<std::uint64_t>("sequence");
  const auto count = reader.get<std::uint32_t>("row count");
  if (std::string problem = count_problem(count); !problem.empty()) {
    throw InputError(what + " has " + problem);
  }
  const auto numeric = reader.get<std::uint32_t>("numeric column count");
  const auto categorical = reader.get<std::uint32_t>("categorical column count");
  if (std::string problem = columns_problem(numeric, categorical); !problem.empty()) {
    throw InputError(what + " has " + problem);
  }
  out.stream = kFormat.read_name(reader, "stream");
  out.producer = kFormat.read_name(reader, "producer");
  // What the rows and the value counts take at the least, before anything
  // is allocated. There is a row, so every column takes 8 bytes at the
  // least: every reservation below is within the input's size.
  const std::uint64_t least =
      count * row_bytes(numeric, categorical) + kValueCountBytes * std::uint64_t{categorical};
  if (least > reader.remaining()) {
    throw InputError(what + " is truncated at rows (" + std::to_string(count) + " rows of " +
                     std::to_string(numeric) + " numeric and " + std::to_string(categorical) +
                     " categorical columns take at least " + std::to_string(least) + " bytes, " +
                     std::to_string(reader.remaining()) + " are left)");
  }

  rows.times_ms.reserve(count);
  for (std::uint32_t row = 0; row < count; ++row) {
    rows.times_ms.push_back(reader.get<std::int64_t>("time"));
  }
  if (std::string problem = times_problem(rows.times_ms); !problem.empty()) {
    throw InputError(what + " " + problem);
  }
  rows.numeric.reserve(numeric);
  for (std::size_t c = 0; c < numeric; ++c) {
    std::vector<double>& column = rows.numeric.emplace_back();
    column.reserve(count);
    for (std::uint32_t row = 0; row < count; ++row) {
      column.push_back(std::bit_cast<double>(reader.get<std::uint64_t>("numeric value")));
    }
    if (std::string problem = numbers_problem(column); !problem.empty()) {
      throw InputError(what + " numeric column " + std::to_string(c) + " " + problem);
    }
  }
  rows.categorical.reserve(categorical);
  for (std::size_t c = 0; c < categorical; ++c) {
    rows.categorical.push_back(
        read_categorical(reader, count, what + " categorical column " + std::to_string(c)));
  }
  if (reader.remaining() != 0) throw InputError(what + " has trailing bytes");
  return out;
}

std::vector<std::vector<std::byte>> encode_capture_rows_records(const CaptureRows& record,
                                                                std::size_t max_record_bytes) {
  refuse(cut_problem(record));
  const ingest::RawRows& rows = record.rows;
  const std::size_t header = header_bytes(record);
  const std::size_t per_row = row_bytes(rows.numeric.size(), rows.categorical.size());
  // Per categorical column and value of `rows`: the record that last used
  // it and its id there, so that a record's dictionary holds each value
  // once, by first use.
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  std::vector<std::vector<std::size_t>> used_by(rows.categorical.size());
  std::vector<std::vector<std::uint32_t>> id_in(rows.categorical.size());
  for (std::size_t c = 0; c < rows.categorical.size(); ++c) {
    used_by[c].assign(rows.categorical[c].values.size(), kNone);
    id_in[c].assign(rows.categorical[c].values.size(), 0);
  }
  std::vector<std::vector<std::byte>> records;
  std::size_t row = 0;
  while (row < rows.rows()) {
    const std::size_t number = records.size();
    CaptureRows part{.stream = record.stream, .producer = record.producer,
                     .sequence = record.sequence, .rows = {}};
    ingest::RawRows& out = part.rows;
    out.numeric.resize(rows.numeric.size());
    out.categorical.resize(rows.categorical.size());
    std::size_t size = header;
    for (; row < rows.rows() && out.rows() < kMaxCaptureRows; ++row) {
      std::size_t added = per_row;
      for (std::size_t c = 0; c < rows.categorical.size(); ++c) {
        const std::uint32_t id = rows.categorical[c].ids[row];
        if (!special_id(id) && used_by[c][id] != number) {
          added += value_bytes(rows.categorical[c].values[id]);
        }
      }
      if (out.rows() > 0 && size + added > max_record_bytes) break;
      size += added;
      out.times_ms.push_back(rows.times_ms[row]);
      for (std::size_t c = 0; c < rows.numeric.size(); ++c) {
        out.numeric[c].push_back(rows.numeric[c][row]);
      }
      for (std::size_t c = 0; c < rows.categorical.size(); ++c) {
        const std::uint32_t id = rows.categorical[c].ids[row];
        ingest::RawCategoricalColumn& column = out.categorical[c];
        if (special_id(id)) {
          column.ids.push_back(id);
          continue;
        }
        if (used_by[c][id] != number) {
          used_by[c][id] = number;
          id_in[c][id] = static_cast<std::uint32_t>(column.values.size());
          column.values.push_back(rows.categorical[c].values[id]);
        }
        column.ids.push_back(id_in[c][id]);
      }
    }
    records.push_back(encode_valid(part));
  }
  return records;
}

bool is_capture_rows(std::span<const std::byte> bytes) {
  return bytes.size() >= sizeof kFormat.magic &&
         std::memcmp(bytes.data(), kFormat.magic, sizeof kFormat.magic) == 0;
}

}  // namespace driftd::cluster
