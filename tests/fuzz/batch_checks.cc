#include "batch_checks.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>

#include <simdjson.h>

#include "fuzz_check.h"
#include "window/pane.h"

namespace driftd::fuzz {
namespace {

template <class T>
bool same_bits(std::span<const T> a, std::span<const T> b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](const T& x, const T& y) {
           if constexpr (std::is_same_v<T, double>) {
             return std::bit_cast<std::uint64_t>(x) == std::bit_cast<std::uint64_t>(y);
           } else {
             return x == y;
           }
         });
}

}  // namespace

void check_batch(const ingest::DecodedBatch& batch) {
  const std::size_t rows = batch.rows();
  FUZZ_CHECK(batch.events() == rows + batch.malformed() + batch.invalid_event_time());
  if (batch.has_event_time()) {
    FUZZ_CHECK(batch.event_time_ms().size() == rows);
    for (const std::int64_t time : batch.event_time_ms()) {
      FUZZ_CHECK(time >= kMinTimestampMs && time <= kMaxTimestampMs);
    }
  } else {
    FUZZ_CHECK(batch.event_time_ms().empty());
  }
  for (std::size_t c = 0; c < batch.numeric_columns(); ++c) {
    const auto values = batch.numeric(c);
    FUZZ_CHECK(values.size() == rows);
    std::uint64_t missing = 0;
    std::uint64_t invalid = 0;
    for (const double value : values) {
      if (ingest::is_invalid_number(value)) {
        ++invalid;
      } else if (std::isnan(value)) {
        ++missing;
      } else {
        FUZZ_CHECK(std::isfinite(value));
      }
    }
    FUZZ_CHECK(batch.numeric_counts(c).missing == missing);
    FUZZ_CHECK(batch.numeric_counts(c).invalid == invalid);
  }
  for (std::size_t c = 0; c < batch.categorical_columns(); ++c) {
    const auto ids = batch.categorical(c);
    FUZZ_CHECK(ids.size() == rows);
    const auto missing = static_cast<std::uint64_t>(
        std::count(ids.begin(), ids.end(), ingest::kMissingCategory));
    const auto invalid = static_cast<std::uint64_t>(
        std::count(ids.begin(), ids.end(), ingest::kInvalidCategory));
    FUZZ_CHECK(batch.categorical_counts(c).missing == missing);
    FUZZ_CHECK(batch.categorical_counts(c).invalid == invalid);
  }
}

bool same_batch(const ingest::DecodedBatch& a, const ingest::DecodedBatch& b) {
  if (a.rows() != b.rows() || a.malformed() != b.malformed() ||
      a.invalid_event_time() != b.invalid_event_time() ||
      a.numeric_columns() != b.numeric_columns() ||
      a.categorical_columns() != b.categorical_columns() ||
      !same_bits(a.event_time_ms(), b.event_time_ms())) {
    return false;
  }
  for (std::size_t c = 0; c < a.numeric_columns(); ++c) {
    if (!same_bits(a.numeric(c), b.numeric(c)) ||
        a.numeric_counts(c).missing != b.numeric_counts(c).missing ||
        a.numeric_counts(c).invalid != b.numeric_counts(c).invalid) {
      return false;
    }
  }
  for (std::size_t c = 0; c < a.categorical_columns(); ++c) {
    if (!same_bits(a.categorical(c), b.categorical(c)) ||
        a.categorical_counts(c).missing != b.categorical_counts(c).missing ||
        a.categorical_counts(c).invalid != b.categorical_counts(c).invalid) {
      return false;
    }
  }
  return true;
}

bool is_json_object(std::string_view text) {
  static simdjson::dom::parser parser;
  simdjson::dom::element root;
  return parser.parse(simdjson::padded_string(text)).get(root) == simdjson::SUCCESS &&
         root.is_object();
}

}  // namespace driftd::fuzz
