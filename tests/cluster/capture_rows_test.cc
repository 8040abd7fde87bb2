// A reference capture's raw rows in cluster mode, as bytes: the documented
// example, round trips of random rows and of rows at the format's bounds,
// refusals of truncated, corrupt, crafted and non-canonical encodings, the
// encoder's refusals of invalid rows, and the split of a cut's rows (of
// any number) into records (capture_rows.h).
#include "cluster/capture_rows.h"

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <numeric>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "cluster/pane_partial.h"
#include "common/error.h"
#include "ingest/category_resolver.h"
#include "ingest/decoded_batch.h"
#include "support/format_bytes.h"

namespace driftd::cluster {
namespace {

using testing::append;
using testing::bitwise_crc32c;
using testing::check_every_damage_refused;
using testing::sealed;
using testing::to_bytes;

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
constexpr double kInvalid = ingest::kInvalidNumber;
constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr std::uint32_t kMissingId = ingest::kMissingCategory;
constexpr std::uint32_t kInvalidId = ingest::kInvalidCategory;

std::uint64_t bits(double value) { return std::bit_cast<std::uint64_t>(value); }

// The rows of docs/histogram-format.md's example.
CaptureRows documented_rows() {
  CaptureRows record;
  record.stream = "s1";
  record.producer = "i-7";
  record.sequence = 5;
  record.rows.times_ms = {1700000000000, 1700000000250, 1699999999000, 1700000000500,
                          1700000001000};
  record.rows.numeric = {{1.5, kMissing, kInvalid, -0.0, 1.5}};
  record.rows.categorical = {{{"DE", ""}, {0, kMissingId, 1, kInvalidId, 0}}};
  return record;
}

// Its bytes, field by field as the format's tables describe them.
const std::vector<std::uint8_t> kDocumentedBytes = {
    0x44, 0x52, 0x4f, 0x57,                          // magic "DROW"
    0x01,                                            // version 1
    0x00, 0x00, 0x00,                                // reserved
    0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // sequence 5
    0x05, 0x00, 0x00, 0x00,                          // 5 rows
    0x01, 0x00, 0x00, 0x00,                          // 1 numeric column
    0x01, 0x00, 0x00, 0x00,                          // 1 categorical column
    0x02, 's',  '1',                                 // stream "s1"
    0x03, 'i',  '-',  '7',                           // producer "i-7"
    0x00, 0x68, 0xe5, 0xcf, 0x8b, 0x01, 0x00, 0x00,  // time 1700000000000
    0xfa, 0x68, 0xe5, 0xcf, 0x8b, 0x01, 0x00, 0x00,  // time 1700000000250
    0x18, 0x64, 0xe5, 0xcf, 0x8b, 0x01, 0x00, 0x00,  // time 1699999999000
    0xf4, 0x69, 0xe5, 0xcf, 0x8b, 0x01, 0x00, 0x00,  // time 1700000000500
    0xe8, 0x6b, 0xe5, 0xcf, 0x8b, 0x01, 0x00, 0x00,  // time 1700000001000
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f,  // numeric column 0: 1.5
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x7f,  //   missing
    0xd1, 0xea, 0x0d, 0x00, 0x00, 0x00, 0xf8, 0x7f,  //   invalid
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80,  //   -0
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f,  //   1.5
    0x02, 0x00, 0x00, 0x00,                          // categorical column 0: 2 values
    0x02, 0x00, 0x00, 0x00, 'D',  'E',               //   "DE"
    0x00, 0x00, 0x00, 0x00,                          //   ""
    0x00, 0x00, 0x00, 0x00,                          //   id 0 ("DE")
    0xff, 0xff, 0xff, 0xff,                          //   missing
    0x01, 0x00, 0x00, 0x00,                          //   id 1 ("")
    0xfe, 0xff, 0xff, 0xff,                          //   invalid
    0x00, 0x00, 0x00, 0x00,                          //   id 0 ("DE")
    0x12, 0xdd, 0xba, 0x78,                          // CRC-32C 0x78badd12
};

TEST_CASE("Capture rows encode to the bytes docs/histogram-format.md shows") {
  const std::vector<std::byte> expected = to_bytes(kDocumentedBytes);
  const std::vector<std::byte> encoded = encode_capture_rows(documented_rows());
  REQUIRE(encoded.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("byte " << i);
    CHECK(encoded[i] == expected[i]);
  }
  CHECK(expected.size() == 153);
  CHECK(bitwise_crc32c(std::span(expected).first(expected.size() - 4)) == 0x78badd12u);
  const CaptureRows decoded = decode_capture_rows(expected);
  CHECK(decoded == documented_rows());
  // Bit for bit: the missing and the invalid NaN, and -0.
  CHECK(bits(decoded.rows.numeric[0][1]) == 0x7ff8000000000000u);
  CHECK(bits(decoded.rows.numeric[0][2]) == 0x7ff80000000dead1u);
  CHECK(bits(decoded.rows.numeric[0][3]) == 0x8000000000000000u);
  CHECK(encode_capture_rows(decoded) == expected);
}

TEST_CASE("Capture rows compare numeric values by their bits") {
  CaptureRows a = documented_rows();
  CaptureRows b = documented_rows();
  CHECK(a == b);  // NaNs included
  b.rows.numeric[0][3] = 0.0;
  CHECK_FALSE(a == b);  // -0 is not +0
  b = a;
  b.rows.numeric[0][1] = kInvalid;
  CHECK_FALSE(a == b);  // missing is not invalid
  b = a;
  b.rows.numeric[0].pop_back();
  CHECK_FALSE(a == b);
  b = a;
  b.rows.categorical[0].values[1] = "x";
  CHECK_FALSE(a == b);
  b = a;
  b.producer = "i-8";
  CHECK_FALSE(a == b);
  b = a;
  b.sequence = 6;
  CHECK_FALSE(a == b);
}

// A categorical value as a test writes it: its text, or kMissingId /
// kInvalidId.
using Cell = std::variant<std::string, std::uint32_t>;

using Column = ingest::RawCategoricalColumn;

void check_column(const Column& column, const std::vector<std::string>& values,
                  const std::vector<std::uint32_t>& ids) {
  CHECK(column.values == values);
  CHECK(column.ids == ids);
}

// The canonical column of `cells`: values by first use.
Column column_of(const std::vector<Cell>& cells) {
  Column column;
  for (const Cell& cell : cells) {
    if (const auto* special = std::get_if<std::uint32_t>(&cell)) {
      column.ids.push_back(*special);
      continue;
    }
    const std::string& value = std::get<std::string>(cell);
    const auto found = std::find(column.values.begin(), column.values.end(), value);
    column.ids.push_back(static_cast<std::uint32_t>(found - column.values.begin()));
    if (found == column.values.end()) column.values.push_back(value);
  }
  return column;
}

std::vector<Cell> cells_of(const Column& column) {
  std::vector<Cell> cells;
  for (const std::uint32_t id : column.ids) {
    if (id == kMissingId || id == kInvalidId) {
      cells.emplace_back(id);
    } else {
      cells.emplace_back(column.values.at(id));
    }
  }
  return cells;
}

// The UTF-8 of `c`. REQUIRES: a code point, not a surrogate.
std::string utf8(char32_t c) {
  auto byte = [](char32_t bits) { return static_cast<char>(bits); };
  if (c < 0x80) return std::string(1, byte(c));
  if (c < 0x800) return {byte(0xc0 | c >> 6), byte(0x80 | (c & 0x3f))};
  if (c < 0x10000) {
    return {byte(0xe0 | c >> 12), byte(0x80 | (c >> 6 & 0x3f)), byte(0x80 | (c & 0x3f))};
  }
  return {byte(0xf0 | c >> 18), byte(0x80 | (c >> 12 & 0x3f)), byte(0x80 | (c >> 6 & 0x3f)),
          byte(0x80 | (c & 0x3f))};
}

// Random rows: names of any bytes, at least one row, times at the ends of
// their range and in between, numbers of any finite bits and both NaNs,
// categories from a small pool (so values repeat) with the empty value,
// long values, any code points and both special codes.
class RowsGenerator {
 public:
  explicit RowsGenerator(std::uint64_t seed) : random_(seed) {}

  CaptureRows next() {
    CaptureRows record;
    record.stream = name();
    record.producer = name();
    record.sequence = pick({0, 1, std::numeric_limits<std::uint64_t>::max(), random_()});
    const std::size_t count = 1 + (below(4) == 0 ? below(400) : below(12));
    for (std::size_t r = 0; r < count; ++r) record.rows.times_ms.push_back(time());
    record.rows.numeric.resize(below(4));
    for (std::vector<double>& column : record.rows.numeric) {
      for (std::size_t r = 0; r < count; ++r) column.push_back(number());
    }
    const std::size_t categorical = below(4);
    for (std::size_t c = 0; c < categorical; ++c) {
      std::vector<std::string> pool(1 + below(6));
      for (std::string& value : pool) value = text();
      std::vector<Cell> cells;
      for (std::size_t r = 0; r < count; ++r) {
        switch (below(8)) {
          case 0: cells.emplace_back(kMissingId); break;
          case 1: cells.emplace_back(kInvalidId); break;
          default: cells.emplace_back(pool[below(pool.size())]);
        }
      }
      record.rows.categorical.push_back(column_of(cells));
    }
    return record;
  }

 private:
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(random_() % n); }
  std::uint64_t pick(std::initializer_list<std::uint64_t> choices) {
    return choices.begin()[below(choices.size())];
  }
  std::int64_t time() {
    switch (below(4)) {
      case 0: return kMinTimestampMs;
      case 1: return kMaxTimestampMs;
      case 2: return 1700000000000 + static_cast<std::int64_t>(below(1000000));
      default: return kMinTimestampMs + static_cast<std::int64_t>(random_() >> 1);
    }
  }
  double number() {
    switch (below(8)) {
      case 0: return kMissing;
      case 1: return kInvalid;
      case 2: return -0.0;
      case 3: return std::numeric_limits<double>::lowest();
      case 4: return std::numeric_limits<double>::denorm_min();
      default: {
        const double value = std::bit_cast<double>(random_());
        return std::isfinite(value) ? value : 0.25;
      }
    }
  }
  std::string name() {
    std::string out(below(3) == 0 ? kMaxPartialNameBytes : 1 + below(20), ' ');
    for (char& c : out) c = static_cast<char>(below(256));
    return out;
  }
  std::string text() {
    const std::size_t length = below(5) == 0 ? 0 : (below(8) == 0 ? 300 : 1 + below(6));
    std::string out;
    for (std::size_t i = 0; i < length; ++i) out += utf8(code_point());
    return out;
  }
  // Any code point but a surrogate: each length of UTF-8 as likely, and
  // each length's ends.
  char32_t code_point() {
    constexpr std::array<char32_t, 10> kEnds = {0,      0x7f,   0x80,   0x7ff,   0x800,
                                                0xd7ff, 0xe000, 0xffff, 0x10000, 0x10ffff};
    switch (below(5)) {
      case 0: return static_cast<char32_t>(below(0x80));
      case 1: return static_cast<char32_t>(0x80 + below(0x800 - 0x80));
      case 2: {
        const auto c = static_cast<char32_t>(0x800 + below(0x10000 - 0x800 - 0x800));
        return c < 0xd800 ? c : c + 0x800;  // over the surrogates
      }
      case 3: return static_cast<char32_t>(0x10000 + below(0x110000 - 0x10000));
      default: return kEnds[below(kEnds.size())];
    }
  }

  std::mt19937_64 random_;
};

void check_round_trip(const CaptureRows& rows) {
  const std::vector<std::byte> bytes = encode_capture_rows(rows);
  CHECK(is_capture_rows(bytes));
  const CaptureRows decoded = decode_capture_rows(bytes);
  REQUIRE(decoded == rows);
  REQUIRE(encode_capture_rows(decoded) == bytes);
}

TEST_CASE("Random capture rows survive encoding, and their bytes re-encode to themselves") {
  RowsGenerator generator(20261206);
  for (int i = 0; i < 400; ++i) {
    INFO("rows " << i);
    check_round_trip(generator.next());
  }
}

TEST_CASE("Capture rows at their bounds survive encoding") {
  CaptureRows record = documented_rows();
  ingest::RawRows& rows = record.rows;
  SECTION("one row, no columns") {
    rows.times_ms = {kMinTimestampMs};
    rows.numeric.clear();
    rows.categorical.clear();
  }
  SECTION("no numeric columns") { rows.numeric.clear(); }
  SECTION("no categorical columns") { rows.categorical.clear(); }
  SECTION("the ends of the timestamps") {
    rows.times_ms = {kMinTimestampMs, kMaxTimestampMs, 0, -1, kMinTimestampMs};
  }
  SECTION("every number missing or invalid") {
    rows.numeric = {{kMissing, kMissing, kInvalid, kMissing, kInvalid}};
  }
  SECTION("-0, the extremes, subnormals") {
    rows.numeric = {{-0.0, std::numeric_limits<double>::max(),
                     std::numeric_limits<double>::lowest(),
                     -std::numeric_limits<double>::denorm_min(),
                     std::numeric_limits<double>::min()}};
  }
  SECTION("every category missing or invalid: no values") {
    rows.categorical = {{{}, {kMissingId, kInvalidId, kInvalidId, kMissingId, kMissingId}}};
  }
  SECTION("only the empty value") {
    rows.categorical = {{{""}, {0, 0, kMissingId, 0, 0}}};
  }
  SECTION("the longest value, and the ends of every length of UTF-8") {
    std::string ascii(128, ' ');
    for (std::size_t i = 0; i < ascii.size(); ++i) ascii[i] = static_cast<char>(i);
    std::string ends;  // around the surrogates too
    for (const char32_t c : std::initializer_list<char32_t>{0x80, 0x7ff, 0x800, 0xd7ff, 0xe000,
                                                            0xffff, 0x10000, 0x10ffff}) {
      ends += utf8(c);
    }
    CHECK(ends.size() == 2 + 2 + 3 + 3 + 3 + 3 + 4 + 4);
    rows.categorical = {column_of({std::string(kMaxCaptureValueBytes, 'v'), ascii, ends,
                                   kInvalidId, ascii})};
  }
  SECTION("a value per row") {
    rows.categorical = {{{"a", "b", "c", "d", "e"}, {0, 1, 2, 3, 4}}};
  }
  SECTION("the longest names") {
    record.stream.assign(kMaxPartialNameBytes, '\0');
    record.producer.assign(kMaxPartialNameBytes, '\xff');
  }
  SECTION("more columns of each kind than 16 bits count, one row") {
    rows.times_ms = {kMaxTimestampMs};
    rows.numeric.assign(65537, std::vector<double>{-0.0});
    rows.categorical.assign(65537, Column{{"v"}, {0}});
  }
  check_round_trip(record);
}

TEST_CASE("Every truncation, deletion and bit flip of capture rows is refused") {
  check_every_damage_refused(to_bytes(kDocumentedBytes), [](std::span<const std::byte> bytes) {
    return decode_capture_rows(bytes);
  });
}

// A column's values as the format writes them: each its u32 length first.
std::vector<std::byte> values_bytes(const std::vector<std::string>& values) {
  std::vector<std::byte> out;
  for (const std::string& value : values) {
    append(out, value.size(), 4);
    for (char c : value) out.push_back(static_cast<std::byte>(c));
  }
  return out;
}

// Capture rows written field by field, any field as the test wants it,
// sealed with a valid CRC: what a buggy or hostile instance could send. By
// default three rows, a numeric column and a categorical one.
struct Crafted {
  struct Column {
    std::uint32_t value_count = 0;
    std::vector<std::byte> values;  // values_bytes()
    std::vector<std::uint32_t> ids;
  };

  std::uint8_t version = 1;
  std::array<std::uint8_t, 3> reserved{};
  std::uint32_t row_count = 3;
  std::uint32_t numeric_count = 1;
  std::uint32_t categorical_count = 1;
  std::string stream = "s";
  std::string producer = "p";
  std::vector<std::int64_t> times = {1000, 2000, 1500};
  // Every numeric column's values, column after column.
  std::vector<std::uint64_t> numbers = {bits(2.5), bits(kMissing), bits(kInvalid)};
  std::vector<Column> columns = {{2, values_bytes({"a", "b"}), {0, kMissingId, 1}}};
  std::vector<std::byte> trailing;

  std::vector<std::byte> bytes() const {
    std::vector<std::byte> out = to_bytes({'D', 'R', 'O', 'W', version});
    for (std::uint8_t byte : reserved) append(out, byte, 1);
    append(out, 7, 8);  // sequence
    append(out, row_count, 4);
    append(out, numeric_count, 4);
    append(out, categorical_count, 4);
    for (const std::string* name : {&stream, &producer}) {
      append(out, name->size(), 1);
      for (char c : *name) out.push_back(static_cast<std::byte>(c));
    }
    for (std::int64_t time : times) append(out, static_cast<std::uint64_t>(time), 8);
    for (std::uint64_t number : numbers) append(out, number, 8);
    for (const Column& column : columns) {
      append(out, column.value_count, 4);
      out.insert(out.end(), column.values.begin(), column.values.end());
      for (std::uint32_t id : column.ids) append(out, id, 4);
    }
    out.insert(out.end(), trailing.begin(), trailing.end());
    return sealed(std::move(out));
  }
};

// The smallest crafted record: one row, no columns.
Crafted smallest() {
  Crafted crafted;
  crafted.row_count = 1;
  crafted.numeric_count = 0;
  crafted.categorical_count = 0;
  crafted.times = {1000};
  crafted.numbers.clear();
  crafted.columns.clear();
  return crafted;
}

// Texts that are not UTF-8, as the reader and the encoder must refuse them.
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kNotUtf8 = {{
    {"a lone continuation byte", "\x80"},
    {"a lead byte without its continuation", "\xc3"},
    {"an overlong encoding of '/'", "\xc0\xaf"},
    {"an overlong three-byte encoding", "\xe0\x9f\xbf"},
    {"a surrogate", "\xed\xa0\x80"},
    {"above U+10FFFF", "\xf4\x90\x80\x80"},
    {"a byte never in UTF-8", "\xff"},
    {"a four-byte form cut short", "\xf0\x9f\x98"},
}};

void check_refused(const Crafted& crafted, const std::string& message) {
  CHECK_THROWS_WITH(decode_capture_rows(crafted.bytes()), Catch::Contains(message));
}

TEST_CASE("Crafted capture rows with a valid checksum decode as the format says") {
  const CaptureRows decoded = decode_capture_rows(Crafted().bytes());
  CaptureRows expected;
  expected.stream = "s";
  expected.producer = "p";
  expected.sequence = 7;
  expected.rows.times_ms = {1000, 2000, 1500};
  expected.rows.numeric = {{2.5, kMissing, kInvalid}};
  expected.rows.categorical = {{{"a", "b"}, {0, kMissingId, 1}}};
  CHECK(decoded == expected);
  CHECK(encode_capture_rows(decoded) == Crafted().bytes());
}

TEST_CASE("Capture rows headers out of the format are refused, checksum or not") {
  Crafted crafted;
  SECTION("bad magic") {
    std::vector<std::byte> bytes = crafted.bytes();
    bytes[3] = std::byte{'X'};
    CHECK_THROWS_WITH(decode_capture_rows(bytes),
                      Catch::Contains("not a capture rows record (bad magic)"));
  }
  SECTION("a pane partial") {
    PanePartial partial;
    partial.stream = "s";
    partial.producer = "p";
    CHECK_THROWS_WITH(decode_capture_rows(encode_pane_partial(partial)),
                      Catch::Contains("bad magic"));
  }
  SECTION("another version, before the checksum is looked at") {
    crafted.version = 2;
    std::vector<std::byte> bytes = crafted.bytes();
    bytes.back() ^= std::byte{1};
    CHECK_THROWS_WITH(decode_capture_rows(bytes), Catch::Contains("unknown format version 2"));
  }
  SECTION("a wrong checksum") {
    std::vector<std::byte> bytes = crafted.bytes();
    bytes.back() ^= std::byte{0x80};
    CHECK_THROWS_WITH(decode_capture_rows(bytes), Catch::Contains("CRC mismatch"));
  }
  SECTION("a short record") {
    CHECK_THROWS_WITH(decode_capture_rows(to_bytes({'D', 'R', 'O', 'W', 1, 0, 0, 0})),
                      Catch::Contains("truncated (8 bytes, at least 44)"));
  }
  for (std::size_t i = 0; i < 3; ++i) {
    SECTION("reserved byte " + std::to_string(i)) {
      crafted.reserved[i] = 0x02;
      check_refused(crafted, "non-zero reserved bytes");
    }
  }
  SECTION("an empty stream") {
    crafted.stream.clear();
    check_refused(crafted, "empty stream");
  }
  SECTION("an empty producer") {
    crafted.producer.clear();
    check_refused(crafted, "empty producer");
  }
  SECTION("the smallest record is valid") {
    CHECK(smallest().bytes().size() == 44);
    CHECK(decode_capture_rows(smallest().bytes()).rows.times_ms == smallest().times);
  }
  SECTION("a name longer than the bytes") {
    std::vector<std::byte> bytes = smallest().bytes();
    bytes.resize(bytes.size() - 4);
    bytes[28] = std::byte{200};  // the stream's length
    CHECK_THROWS_WITH(decode_capture_rows(sealed(std::move(bytes))),
                      Catch::Contains("truncated at stream"));
  }
  SECTION("bytes after the last column") {
    crafted.trailing = to_bytes({0});
    check_refused(crafted, "capture rows record has trailing bytes");
  }
}

TEST_CASE("Capture rows of no rows, or more than the format or bytes hold, are refused") {
  Crafted crafted;
  SECTION("no rows") {
    crafted.row_count = 0;
    check_refused(crafted, "capture rows record has no rows");
  }
  SECTION("no rows, the columns as they would be") {
    crafted.stream = "orders";
    crafted.producer = "driftd-host-a1b2";
    crafted.row_count = 0;
    crafted.times.clear();
    crafted.numbers.clear();
    crafted.columns = {{0, {}, {}}};
    check_refused(crafted, "capture rows record has no rows");
  }
  SECTION("more than the limit") {
    crafted.row_count = kMaxCaptureRows + 1;
    check_refused(crafted, "capture rows record has 16777217 rows, more than 16777216");
  }
  SECTION("the most rows in a few bytes, before anything is allocated") {
    crafted.row_count = kMaxCaptureRows;
    const auto start = std::chrono::steady_clock::now();
    check_refused(crafted,
                  "truncated at rows (16777216 rows of 1 numeric and 1 categorical columns take "
                  "at least 335544324 bytes, 74 are left)");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  }
  SECTION("more columns than the limit") {
    crafted.numeric_count = kMaxCaptureColumns + 1;
    check_refused(crafted,
                  "capture rows record has 16777217 numeric and 1 categorical columns, more "
                  "than 16777216 of a kind");
    crafted.numeric_count = 1;
    crafted.categorical_count = std::numeric_limits<std::uint32_t>::max();
    check_refused(crafted, "has 1 numeric and 4294967295 categorical columns, more than");
  }
  SECTION("the most columns in a few bytes, before anything is allocated") {
    crafted.numeric_count = kMaxCaptureColumns;
    crafted.categorical_count = kMaxCaptureColumns;
    const auto start = std::chrono::steady_clock::now();
    check_refused(crafted,
                  "truncated at rows (3 rows of 16777216 numeric and 16777216 categorical "
                  "columns take at least 671088664 bytes, 74 are left)");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  }
  SECTION("more numeric columns than one row's bytes hold") {
    crafted = smallest();
    crafted.numeric_count = 2;
    crafted.numbers = {bits(1.0)};
    check_refused(crafted,
                  "1 rows of 2 numeric and 0 categorical columns take at least 24 bytes, 16 are "
                  "left");
  }
  SECTION("categorical columns without their value counts and ids") {
    crafted = smallest();
    crafted.categorical_count = 2;
    check_refused(crafted,
                  "1 rows of 0 numeric and 2 categorical columns take at least 24 bytes, 8 are "
                  "left");
  }
  SECTION("one row more than the bytes hold") {
    crafted.row_count = 4;
    check_refused(crafted, "truncated at rows");
  }
}

TEST_CASE("Capture rows times and numbers out of the format are refused") {
  Crafted crafted;
  SECTION("a time below the timestamps") {
    crafted.times[1] = kMinTimestampMs - 1;
    check_refused(crafted, "row 1 has time -4611686018427387905, outside the timestamps");
  }
  SECTION("a time above the timestamps") {
    crafted.times[2] = kMaxTimestampMs + 1;
    check_refused(crafted, "row 2 has time 4611686018427387904, outside the timestamps");
  }
  SECTION("the ends of the timestamps are valid") {
    crafted.times = {kMinTimestampMs, kMaxTimestampMs, kMinTimestampMs};
    CHECK(decode_capture_rows(crafted.bytes()).rows.times_ms == crafted.times);
  }
  SECTION("+infinity") {
    crafted.numbers[0] = bits(kInfinity);
    check_refused(crafted, "numeric column 0 row 0 is infinite");
  }
  SECTION("-infinity") {
    crafted.numbers[2] = bits(-kInfinity);
    check_refused(crafted, "numeric column 0 row 2 is infinite");
  }
  for (const std::uint64_t nan : {0x7ff8000000000001ULL,    // another payload
                                  0xfff8000000000000ULL,    // negative: x86's 0.0 / 0.0
                                  0xfff80000000dead1ULL,    // the invalid one, negative
                                  0x7ff0000000000001ULL,    // signalling
                                  0x7fffffffffffffffULL}) {
    SECTION("a NaN of bits " + std::to_string(nan)) {
      crafted.numbers[1] = nan;
      check_refused(crafted, "numeric column 0 row 1 is a NaN other than missing and invalid");
    }
  }
  SECTION("in a later column") {
    crafted.numeric_count = 2;
    crafted.numbers.insert(crafted.numbers.end(), {bits(0.0), bits(-0.0), bits(kInfinity)});
    check_refused(crafted, "numeric column 1 row 2 is infinite");
  }
}

TEST_CASE("Capture rows categorical columns out of the format are refused") {
  Crafted crafted;
  Crafted::Column& column = crafted.columns[0];
  SECTION("more values than rows") {
    column.value_count = 4;
    column.values = values_bytes({"a", "b", "c", "d"});
    check_refused(crafted, "categorical column 0 has 4 values for 3 rows");
  }
  SECTION("a value longer than the bytes") {
    column.values = values_bytes({"a"});
    append(column.values, 0xffffffff, 4);
    check_refused(crafted, "truncated at value");
  }
  SECTION("a value longer than the limit") {
    column.values = values_bytes({std::string(kMaxCaptureValueBytes + 1, 'v'), "b"});
    check_refused(crafted, "categorical column 0: value 0 has 16777217 bytes, more than 16777216");
  }
  for (const auto& [what, bad] : kNotUtf8) {
    SECTION("a value not UTF-8: " + std::string(what)) {
      column.values = values_bytes({"a", "x" + std::string(bad)});
      check_refused(crafted, "categorical column 0: value 1 is not UTF-8");
    }
  }
  SECTION("values not in the order of first use") {
    column.ids = {1, 0, 1};
    check_refused(crafted, "categorical column 0: row 0 uses value 1 before value 0");
  }
  SECTION("values not in the order of first use, after special codes") {
    column.ids = {kInvalidId, 1, 0};
    check_refused(crafted, "row 1 uses value 1 before value 0");
  }
  SECTION("an unused value") {
    column.ids = {0, kMissingId, 0};
    check_refused(crafted, "categorical column 0: value 1 is not used");
  }
  SECTION("an unused value, no row using any") {
    column.ids = {kMissingId, kInvalidId, kMissingId};
    check_refused(crafted, "value 0 is not used");
  }
  SECTION("a value twice") {
    column.values = values_bytes({"a", "a"});
    check_refused(crafted, "categorical column 0: value 1 repeats value 0");
  }
  SECTION("the empty value twice") {
    column.values = values_bytes({"", ""});
    check_refused(crafted, "value 1 repeats value 0");
  }
  SECTION("an id beyond the values") {
    column.ids = {0, 1, 2};
    check_refused(crafted, "categorical column 0: row 2 has id 2, beyond its 2 values");
  }
  SECTION("the id below the special codes") {
    column.ids = {0, 1, 0xfffffffd};
    check_refused(crafted, "row 2 has id 4294967293, beyond its 2 values");
  }
  SECTION("in a later column") {
    crafted.categorical_count = 2;
    crafted.columns.push_back({1, values_bytes({"x"}), {kMissingId, kMissingId, kInvalidId}});
    check_refused(crafted, "categorical column 1: value 0 is not used");
  }
  SECTION("the same value in two columns is fine") {
    crafted.categorical_count = 2;
    crafted.columns.push_back({1, values_bytes({"a"}), {kMissingId, 0, 0}});
    check_column(decode_capture_rows(crafted.bytes()).rows.categorical[1], {"a"},
                 {kMissingId, 0, 0});
  }
}

TEST_CASE("Invalid capture rows are not encoded") {
  auto refused = [](auto change, const std::string& message) {
    CaptureRows rows = documented_rows();
    change(rows);
    CHECK_THROWS_MATCHES(encode_capture_rows(rows), std::invalid_argument,
                         Catch::Message("invalid capture rows: " + message));
    CHECK_THROWS_AS(encode_capture_rows_records(rows), std::invalid_argument);
  };
  refused([](CaptureRows& r) { r.stream.clear(); }, "stream must have 1 to 255 bytes, has 0");
  refused([](CaptureRows& r) { r.producer.assign(kMaxPartialNameBytes + 1, 'p'); },
          "producer must have 1 to 255 bytes, has 256");
  refused([](CaptureRows& r) { r.rows.times_ms[4] = kMaxTimestampMs + 1; },
          "row 4 has time 4611686018427387904, outside the timestamps driftd accepts");
  refused([](CaptureRows& r) { r.rows.times_ms.pop_back(); }, "numeric column 0 has 5 rows, not 4");
  refused([](CaptureRows& r) { r.rows.numeric[0].push_back(1); },
          "numeric column 0 has 6 rows, not 5");
  refused([](CaptureRows& r) { r.rows.numeric[0][0] = -kInfinity; },
          "numeric column 0: row 0 is infinite");
  refused([](CaptureRows& r) { r.rows.numeric[0][2] = -kMissing; },
          "numeric column 0: row 2 is a NaN other than missing and invalid");
  refused([](CaptureRows& r) { r.rows.categorical[0].ids.pop_back(); },
          "categorical column 0 has 4 rows, not 5");
  refused([](CaptureRows& r) { r.rows.categorical[0].ids[2] = 2; },
          "categorical column 0: row 2 has id 2, beyond its 2 values");
  refused([](CaptureRows& r) { r.rows.categorical[0].ids = {1, kMissingId, 0, kInvalidId, 1}; },
          "categorical column 0: row 0 uses value 1 before value 0: values must be in the "
          "order of their first use");
  refused([](CaptureRows& r) { r.rows.categorical[0].values[1] = "DE"; },
          "categorical column 0: value 1 repeats value 0");
  refused([](CaptureRows& r) { r.rows.categorical[0].values.push_back("FR"); },
          "categorical column 0: value 2 is not used");
  refused([](CaptureRows& r) { r.rows.categorical[0].ids[2] = 0; },
          "categorical column 0: value 1 is not used");
  refused(
      [](CaptureRows& r) {
        r.rows.categorical[0].values[0].assign(kMaxCaptureValueBytes + 1, 'v');
      },
      "categorical column 0: value 0 has 16777217 bytes, more than 16777216");
  for (const auto& [what, bad] : kNotUtf8) {
    INFO(what);
    refused([bad = bad](CaptureRows& r) { r.rows.categorical[0].values[1] = std::string(bad); },
            "categorical column 0: value 1 is not UTF-8");
  }
  refused(
      [](CaptureRows& r) {
        r.rows.times_ms = {1};
        r.rows.numeric.clear();
        r.rows.categorical = {{{"a", "b"}, {0}}};
      },
      "categorical column 0: 2 values for 1 rows");
  refused(
      [](CaptureRows& r) {
        r.rows.categorical.clear();
        r.rows.numeric.assign(kMaxCaptureColumns + 1, std::vector<double>{});
      },
      "16777217 numeric and 0 categorical columns, more than 16777216 of a kind");
}

TEST_CASE("Capture rows of no rows, or of more than one record holds, are not encoded") {
  CaptureRows rows = documented_rows();
  SECTION("no rows: no record") {
    rows.rows.times_ms.clear();
    rows.rows.numeric = {{}};
    rows.rows.categorical = {Column{}};
    CHECK_THROWS_MATCHES(encode_capture_rows(rows), std::invalid_argument,
                         Catch::Message("invalid capture rows: no rows"));
    CHECK(encode_capture_rows_records(rows).empty());
    // Still valid but for their number.
    rows.rows.numeric = {{1.0}};
    CHECK_THROWS_WITH(encode_capture_rows_records(rows),
                      "invalid capture rows: numeric column 0 has 1 rows, not 0");
  }
  SECTION("more rows than a record holds") {
    rows.rows.times_ms.assign(kMaxCaptureRows + 1, 0);
    rows.rows.numeric.clear();
    rows.rows.categorical.clear();
    CHECK_THROWS_MATCHES(encode_capture_rows(rows), std::invalid_argument,
                         Catch::Message("invalid capture rows: 16777217 rows, more than 16777216"));
  }
}

TEST_CASE("Unordered values in the encoder's refusal name the row that breaks the order") {
  CaptureRows rows = documented_rows();
  rows.rows.categorical[0] = {{"a", "b", "c"}, {0, 2, 1, 0, 0}};
  CHECK_THROWS_WITH(encode_capture_rows(rows),
                    Catch::Contains("row 1 uses value 2 before value 1"));
}

// The rows of `records`, concatenated: times, numbers by their bits,
// categories by their text.
struct Concatenated {
  std::vector<std::int64_t> times;
  std::vector<std::vector<std::uint64_t>> numeric;
  std::vector<std::vector<Cell>> categorical;

  friend bool operator==(const Concatenated&, const Concatenated&) = default;
};

void add_rows(Concatenated& out, const ingest::RawRows& rows) {
  out.numeric.resize(rows.numeric.size());
  out.categorical.resize(rows.categorical.size());
  out.times.insert(out.times.end(), rows.times_ms.begin(), rows.times_ms.end());
  for (std::size_t c = 0; c < rows.numeric.size(); ++c) {
    for (const double value : rows.numeric[c]) out.numeric[c].push_back(bits(value));
  }
  for (std::size_t c = 0; c < rows.categorical.size(); ++c) {
    const std::vector<Cell> cells = cells_of(rows.categorical[c]);
    out.categorical[c].insert(out.categorical[c].end(), cells.begin(), cells.end());
  }
}

// `record` with row `row` of `source` appended, its dictionaries canonical.
CaptureRows with_row(const CaptureRows& record, const ingest::RawRows& source, std::size_t row) {
  CaptureRows with = record;
  ingest::RawRows& out = with.rows;
  out.times_ms.push_back(source.times_ms[row]);
  for (std::size_t c = 0; c < out.numeric.size(); ++c) {
    out.numeric[c].push_back(source.numeric[c][row]);
  }
  for (std::size_t c = 0; c < out.categorical.size(); ++c) {
    std::vector<Cell> cells = cells_of(out.categorical[c]);
    cells.push_back(cells_of(source.categorical[c])[row]);
    out.categorical[c] = column_of(cells);
  }
  return with;
}

// `records` are `whole` (of at least one row, at most kMaxCaptureRows)
// split as encode_capture_rows_records() promises for `limit`: each record
// decodes (so its dictionaries are canonical), has the rows' stream,
// producer and sequence, at least one row, at most `limit` bytes unless it
// is one row, and as many rows as fit (the next record's first row would
// not); together they are the rows, in order.
void check_records(const CaptureRows& whole, const std::vector<std::vector<std::byte>>& records,
                   std::size_t limit) {
  REQUIRE_FALSE(records.empty());
  std::vector<CaptureRows> parts;
  Concatenated together;
  for (const std::vector<std::byte>& record : records) {
    CHECK(is_capture_rows(record));
    parts.push_back(decode_capture_rows(record));
    const CaptureRows& part = parts.back();
    CHECK(part.stream == whole.stream);
    CHECK(part.producer == whole.producer);
    CHECK(part.sequence == whole.sequence);
    REQUIRE(part.rows.rows() > 0);
    CHECK((record.size() <= limit || part.rows.rows() == 1));
    add_rows(together, part.rows);
  }
  Concatenated expected;
  add_rows(expected, whole.rows);
  CHECK(together == expected);
  std::size_t next = 0;
  for (std::size_t r = 0; r + 1 < parts.size(); ++r) {
    next += parts[r].rows.rows();
    INFO("record " << r);
    CHECK(encode_capture_rows(with_row(parts[r], whole.rows, next)).size() > limit);
  }
}

TEST_CASE("A cut's capture rows split into records of at most the limit, rows in order") {
  RowsGenerator generator(20261207);
  std::mt19937_64 random(3);
  for (int round = 0; round < 200; ++round) {
    INFO("round " << round);
    const CaptureRows rows = generator.next();
    const std::vector<std::byte> whole = encode_capture_rows(rows);
    // Fits: the one encoding.
    CHECK(encode_capture_rows_records(rows, whole.size()) ==
          std::vector<std::vector<std::byte>>{whole});
    CHECK(encode_capture_rows_records(rows) == std::vector<std::vector<std::byte>>{whole});
    for (const std::size_t limit :
         {whole.size() - 1, whole.size() / 2, whole.size() / 5,
          static_cast<std::size_t>(random() % whole.size()), std::size_t{1}}) {
      INFO("limit " << limit);
      check_records(rows, encode_capture_rows_records(rows, limit), limit);
    }
  }
}

TEST_CASE("Splitting capture rows gives each record its own dictionary") {
  CaptureRows rows;
  rows.stream = "s";
  rows.producer = "p";
  rows.sequence = 9;
  rows.rows.times_ms = {1, 2, 3, 4, 5, 6};
  rows.rows.categorical = {column_of({"a", "b", kMissingId, "c", "b", "a"})};
  // A record of two rows: the header (34 + 2 names' bytes + 4), 2 x 12
  // bytes of rows, two values of 5 bytes.
  const std::size_t two_rows = 34 + 2 + 4 + 2 * 12 + 2 * 5;
  const std::vector<std::vector<std::byte>> records = encode_capture_rows_records(rows, two_rows);
  REQUIRE(records.size() == 3);
  CHECK(records[0].size() == two_rows);
  check_column(decode_capture_rows(records[0]).rows.categorical[0], {"a", "b"}, {0, 1});
  check_column(decode_capture_rows(records[1]).rows.categorical[0], {"c"}, {kMissingId, 0});
  check_column(decode_capture_rows(records[2]).rows.categorical[0], {"b", "a"}, {0, 1});
  check_records(rows, records, two_rows);
  // One byte less: no two values fit one record.
  const std::vector<std::vector<std::byte>> single =
      encode_capture_rows_records(rows, two_rows - 1);
  CHECK(single.size() == 5);  // the missing row fits beside "b"
  check_records(rows, single, two_rows - 1);
}

TEST_CASE("Splitting capture rows keeps each record within kMaxCaptureRows rows") {
  CaptureRows rows;
  rows.stream = "s";
  rows.producer = "p";
  const std::size_t count = std::size_t{kMaxCaptureRows} + 1;
  rows.rows.times_ms.resize(count);
  std::iota(rows.rows.times_ms.begin(), rows.rows.times_ms.end(), 0);
  const std::vector<std::vector<std::byte>> records =
      encode_capture_rows_records(rows, std::numeric_limits<std::size_t>::max());
  rows = {};
  REQUIRE(records.size() == 2);
  // The header (34 + 2 names' bytes), 8 bytes a row.
  CHECK(records[0].size() == 34 + 2 + 8 * std::size_t{kMaxCaptureRows});
  const CaptureRows first = decode_capture_rows(records[0]);
  REQUIRE(first.rows.rows() == kMaxCaptureRows);
  std::int64_t time = 0;
  CHECK(std::all_of(first.rows.times_ms.begin(), first.rows.times_ms.end(),
                    [&time](std::int64_t ms) { return ms == time++; }));
  CHECK(decode_capture_rows(records[1]).rows.times_ms == std::vector<std::int64_t>{time});
}

TEST_CASE("A capture row larger than the limit is a record of its own") {
  CaptureRows rows = documented_rows();
  rows.rows.categorical[0] =
      column_of({std::string(2000, 'x'), "a", "b", std::string(2000, 'y'), "a"});
  const std::vector<std::vector<std::byte>> records = encode_capture_rows_records(rows, 1000);
  REQUIRE(records.size() == 4);
  CHECK(records[0].size() > 1000);
  CHECK(decode_capture_rows(records[0]).rows.rows() == 1);
  CHECK(decode_capture_rows(records[1]).rows.rows() == 2);
  CHECK(records[2].size() > 1000);
  CHECK(decode_capture_rows(records[2]).rows.rows() == 1);
  CHECK(decode_capture_rows(records[3]).rows.rows() == 1);
  check_records(rows, records, 1000);
}

TEST_CASE("is_capture_rows tells capture rows from pane partials") {
  CHECK(is_capture_rows(encode_capture_rows(documented_rows())));
  PanePartial partial;
  partial.stream = "s1";
  partial.producer = "i-7";
  CHECK_FALSE(is_capture_rows(encode_pane_partial(partial)));
  CHECK_FALSE(is_capture_rows(to_bytes({'D', 'R', 'O'})));
  CHECK_FALSE(is_capture_rows({}));
  CHECK_FALSE(is_capture_rows(to_bytes({'D', 'R', 'O', 'w', 1})));
  // The magic alone: the rest is decode_capture_rows()'s to judge.
  CHECK(is_capture_rows(to_bytes({'D', 'R', 'O', 'W'})));
}

}  // namespace
}  // namespace driftd::cluster
