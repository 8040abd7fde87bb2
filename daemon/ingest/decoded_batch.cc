#include "ingest/decoded_batch.h"

#include <cmath>

namespace driftd::ingest {

void DecodedBatch::clear() noexcept {
  rows_ = 0;
  malformed_ = 0;
  invalid_event_time_ = 0;
  event_time_ms_.clear();
  for (auto& column : numeric_) column.clear();
  for (auto& column : categorical_) column.clear();
  for (auto& counts : numeric_counts_) counts = {};
  for (auto& counts : categorical_counts_) counts = {};
}

void DecodedBatch::reserve(std::size_t rows) {
  if (has_event_time_) event_time_ms_.reserve(rows);
  for (auto& column : numeric_) column.reserve(rows);
  for (auto& column : categorical_) column.reserve(rows);
}

void DecodedBatch::shape(std::size_t numeric, std::size_t categorical, bool has_event_time) {
  if (numeric == numeric_.size() && categorical == categorical_.size() &&
      has_event_time == has_event_time_) {
    return;
  }
  clear();
  has_event_time_ = has_event_time;
  numeric_.resize(numeric);
  numeric_counts_.resize(numeric);
  categorical_.resize(categorical);
  categorical_counts_.resize(categorical);
}

void DecodedBatch::append_row(const DecodedBatch& source, std::size_t row) {
  shape(source.numeric_.size(), source.categorical_.size(), source.has_event_time_);
  if (has_event_time_) event_time_ms_.push_back(source.event_time_ms_[row]);
  for (std::size_t c = 0; c < numeric_.size(); ++c) push_number(c, source.numeric_[c][row]);
  for (std::size_t c = 0; c < categorical_.size(); ++c) push_category(c, source.categorical_[c][row]);
  ++rows_;
}

void DecodedBatch::append_values(bool event_time, std::int64_t time_ms,
                                 std::span<const double> numbers,
                                 std::span<const std::uint32_t> ids) {
  shape(numbers.size(), ids.size(), event_time);
  if (has_event_time_) event_time_ms_.push_back(time_ms);
  for (std::size_t c = 0; c < numeric_.size(); ++c) push_number(c, numbers[c]);
  for (std::size_t c = 0; c < categorical_.size(); ++c) push_category(c, ids[c]);
  ++rows_;
}

void DecodedBatch::push_number(std::size_t column, double value) {
  numeric_[column].push_back(value);
  if (is_invalid_number(value)) {
    ++numeric_counts_[column].invalid;
  } else if (std::isnan(value)) {  // missing
    ++numeric_counts_[column].missing;
  }
}

void DecodedBatch::push_category(std::size_t column, std::uint32_t id) {
  categorical_[column].push_back(id);
  if (id == kMissingCategory) ++categorical_counts_[column].missing;
  if (id == kInvalidCategory) ++categorical_counts_[column].invalid;
}

}  // namespace driftd::ingest
