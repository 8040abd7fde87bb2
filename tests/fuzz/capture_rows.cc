// Fuzz target: decode_capture_rows (cluster/capture_rows.h), the reader of
// the raw rows a stream's owner takes from the other instances in cluster
// mode while the stream captures its reference. The first input byte
// chooses whether the rest is fed as it is or with a valid CRC-32C sealed
// on (bit 0, crc32c_seal.h). Properties:
//   - bytes are either rows or an InputError, nothing else;
//   - decoded rows are valid (encode_capture_rows does not refuse them) and
//     re-encode to exactly the bytes they came from: the encoding is
//     canonical;
//   - there are 1 to kMaxCaptureRows rows; every column has a value per
//     row; every number is finite or one of the two NaNs; every category
//     id is a special code or a value's, and the values are distinct and
//     UTF-8;
//   - the rows split into records (encode_capture_rows_records, with a
//     limit from bit 1 of the first byte: the input's size or a third of
//     it) that decode to the same rows, in order.
// Nothing is skipped: the decoder allocates in proportion to the input.
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "cluster/capture_rows.h"
#include "cluster/framed_format.h"
#include "common/error.h"
#include "crc32c_seal.h"
#include "fuzz_check.h"
#include "ingest/category_resolver.h"
#include "ingest/decoded_batch.h"

namespace driftd::fuzz {

using namespace driftd::cluster;
namespace {

bool special(std::uint32_t id) {
  return id == ingest::kMissingCategory || id == ingest::kInvalidCategory;
}

void check_columns(const ingest::RawRows& rows) {
  FUZZ_CHECK(rows.rows() >= 1 && rows.rows() <= kMaxCaptureRows);
  for (const std::vector<double>& column : rows.numeric) {
    FUZZ_CHECK(column.size() == rows.rows());
    for (const double value : column) {
      const auto bits = std::bit_cast<std::uint64_t>(value);
      FUZZ_CHECK(std::isfinite(value) || bits == 0x7FF8000000000000ULL ||
                 ingest::is_invalid_number(value));
    }
  }
  for (const ingest::RawCategoricalColumn& column : rows.categorical) {
    FUZZ_CHECK(column.ids.size() == rows.rows());
    FUZZ_CHECK(std::set<std::string>(column.values.begin(), column.values.end()).size() ==
               column.values.size());
    for (const std::string& value : column.values) FUZZ_CHECK(valid_utf8(value));
    for (const std::uint32_t id : column.ids) {
      FUZZ_CHECK(special(id) || id < column.values.size());
    }
  }
}

// The records of `record` give its rows back, in order.
void check_records(const CaptureRows& record, std::size_t limit) {
  const ingest::RawRows& rows = record.rows;
  const std::vector<std::vector<std::byte>> records = encode_capture_rows_records(record, limit);
  FUZZ_CHECK(!records.empty());
  // Rows that fit the limit are one record, their own encoding.
  const std::vector<std::byte> whole = encode_capture_rows(record);
  if (whole.size() <= limit) {
    FUZZ_CHECK(records.size() == 1 && records[0] == whole);
  }
  std::size_t row = 0;
  for (const std::vector<std::byte>& bytes : records) {
    const CaptureRows part = decode_capture_rows(bytes);
    FUZZ_CHECK(part.stream == record.stream && part.producer == record.producer &&
               part.sequence == record.sequence);
    FUZZ_CHECK(part.rows.rows() > 0);
    FUZZ_CHECK(bytes.size() <= limit || part.rows.rows() == 1);
    for (std::size_t r = 0; r < part.rows.rows(); ++r, ++row) {
      FUZZ_CHECK(part.rows.times_ms[r] == rows.times_ms[row]);
      for (std::size_t c = 0; c < rows.numeric.size(); ++c) {
        FUZZ_CHECK(std::bit_cast<std::uint64_t>(part.rows.numeric[c][r]) ==
                   std::bit_cast<std::uint64_t>(rows.numeric[c][row]));
      }
      for (std::size_t c = 0; c < rows.categorical.size(); ++c) {
        const ingest::RawCategoricalColumn& got = part.rows.categorical[c];
        const ingest::RawCategoricalColumn& want = rows.categorical[c];
        FUZZ_CHECK(special(got.ids[r]) == special(want.ids[row]));
        FUZZ_CHECK(special(got.ids[r]) ? got.ids[r] == want.ids[row]
                                       : got.values[got.ids[r]] == want.values[want.ids[row]]);
      }
    }
  }
  FUZZ_CHECK(row == rows.rows());
}

}  // namespace
}  // namespace driftd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace driftd;
  using namespace driftd::cluster;
  if (size == 0) return 0;
  const std::vector<std::byte> bytes = fuzz::sealed_input(data, size);

  CaptureRows decoded;
  try {
    decoded = decode_capture_rows(bytes);
  } catch (const InputError&) {
    return 0;
  }
  FUZZ_CHECK(is_capture_rows(bytes));
  std::vector<std::byte> encoded;
  bool valid = true;
  try {
    encoded = encode_capture_rows(decoded);
  } catch (const std::invalid_argument&) {
    valid = false;
  }
  FUZZ_CHECK(valid);
  FUZZ_CHECK(encoded == bytes);
  fuzz::check_columns(decoded.rows);
  fuzz::check_records(decoded, (data[0] & 2) != 0 ? bytes.size() / 3 : bytes.size());
  return 0;
}
