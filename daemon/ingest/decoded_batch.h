// The columns an EventDecoder produces from a batch of events: one row per
// accepted event, one column per feature, plus the event time.
//
// Columns (all of length rows()):
// - event_time_ms(): int64 milliseconds since the epoch; empty when the
//   schema has no event time.
// - numeric(c): doubles; NaN where the value was missing or invalid (JSON
//   has no NaN, so NaN is never a value). numeric_counts(c) tells how many
//   of each; is_invalid_number() tells which, row by row (an invalid value
//   is kInvalidNumber, a NaN with its own payload, so a subset of the rows
//   can be split into missing and invalid without another column).
// - categorical(c): bin ids from the feature's CategoryResolver, or
//   kMissingCategory / kInvalidCategory.
// Counters:
// - FeatureCounts::missing: the member was absent or null.
//   FeatureCounts::invalid: it was there with the wrong type (numeric: a
//   string, boolean, array or object, or a number beyond double range;
//   categorical: an array or object). Valid values = rows() - both.
// - malformed(): events that were not one valid JSON object (syntax error,
//   not an object, trailing characters). They add no row and touch no
//   feature counter.
// - invalid_event_time(): events dropped because the schema has an event
//   time and theirs was missing, invalid or beyond the decoder's latest
//   event time (too far in the future). They add no row and touch no
//   feature counter either.
// So events() = rows() + malformed() + invalid_event_time() is every event
// the batch has seen.
//
// Guarantees: clear() keeps every column's capacity, so a batch reused for
// batches of similar size allocates nothing in steady state. A batch takes
// the shape of the decoder that fills it on first use (re-shaping clears
// it); it should serve one schema at a time.
//
// Thread safety: none; one thread at a time (the decoding worker, then
// whoever it hands the batch to).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "ingest/category_resolver.h"

namespace driftd::ingest {

// The NaN written for an invalid numeric value; a missing one is the default
// quiet NaN. Both are NaN to every comparison (the binner counts both as
// not binned).
inline constexpr double kInvalidNumber = std::bit_cast<double>(std::uint64_t{0x7FF80000000DEAD1});
inline bool is_invalid_number(double value) {
  return std::bit_cast<std::uint64_t>(value) == std::bit_cast<std::uint64_t>(kInvalidNumber);
}


struct FeatureCounts {
  std::uint64_t missing = 0;
  std::uint64_t invalid = 0;
};

class DecodedBatch {
 public:
  DecodedBatch() = default;

  // Drops every row and zeroes every counter; keeps shape and capacity.
  void clear() noexcept;
  // Reserves room for rows in every column (optional; columns also grow).
  void reserve(std::size_t rows);

  std::size_t rows() const noexcept { return rows_; }
  std::uint64_t malformed() const noexcept { return malformed_; }
  std::uint64_t invalid_event_time() const noexcept { return invalid_event_time_; }
  std::uint64_t events() const noexcept { return rows_ + malformed_ + invalid_event_time_; }

  bool has_event_time() const noexcept { return has_event_time_; }
  std::size_t numeric_columns() const noexcept { return numeric_.size(); }
  std::size_t categorical_columns() const noexcept { return categorical_.size(); }

  std::span<const std::int64_t> event_time_ms() const noexcept { return event_time_ms_; }
  // REQUIRES: column < numeric_columns() (else std::out_of_range).
  std::span<const double> numeric(std::size_t column) const { return numeric_.at(column); }
  const FeatureCounts& numeric_counts(std::size_t column) const {
    return numeric_counts_.at(column);
  }
  // REQUIRES: column < categorical_columns() (else std::out_of_range).
  std::span<const std::uint32_t> categorical(std::size_t column) const {
    return categorical_.at(column);
  }
  const FeatureCounts& categorical_counts(std::size_t column) const {
    return categorical_counts_.at(column);
  }
  // For re-mapping ids decoded with one resolver to another's bins (the
  // events that complete a reference capture).
  std::span<std::uint32_t> mutable_categorical(std::size_t column) {
    return categorical_.at(column);
  }

  // Appends row `row` of `source`, counting its missing and invalid values
  // (the rows a reference capture holds back until it knows where it ends).
  // This batch takes source's shape first (clearing it if it had another).
  // REQUIRES: row < source.rows().
  void append_row(const DecodedBatch& source, std::size_t row);
  // Appends one row given its values (rows decoded elsewhere: raw_rows.h),
  // counting its missing and invalid values; with event_time, time_ms is
  // its event time. This batch takes the shape (numbers.size(), ids.size(),
  // event_time) first, clearing it if it had another.
  void append_values(bool event_time, std::int64_t time_ms, std::span<const double> numbers,
                     std::span<const std::uint32_t> ids);

 private:
  friend class EventDecoder;

  // Gives the batch this shape, clearing it if it had another.
  void shape(std::size_t numeric, std::size_t categorical, bool has_event_time);
  // Appends one value to a column, counting it if missing or invalid.
  void push_number(std::size_t column, double value);
  void push_category(std::size_t column, std::uint32_t id);

  std::size_t rows_ = 0;
  std::uint64_t malformed_ = 0;
  std::uint64_t invalid_event_time_ = 0;
  bool has_event_time_ = false;
  std::vector<std::int64_t> event_time_ms_;
  std::vector<std::vector<double>> numeric_;
  std::vector<FeatureCounts> numeric_counts_;
  std::vector<std::vector<std::uint32_t>> categorical_;
  std::vector<FeatureCounts> categorical_counts_;
};

}  // namespace driftd::ingest
