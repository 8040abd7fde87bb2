#include "pipeline/reference_capture.h"

#include <algorithm>
#include <cmath>

#include "window/pane.h"

namespace driftd {

ReferenceCapture::ReferenceCapture(const config::StreamConfig& stream, const StreamSchema& schema,
                                   const WindowSpec& windows)
    : stream_(stream),
      schema_(schema),
      event_time_(windows.is_time_window() && windows.domain() == TimeDomain::event_time),
      resolvers_(schema.decoder.categorical_count()),
      numeric_values_(schema.decoder.numeric_count()),
      category_values_(schema.decoder.categorical_count()) {
  if (stream.reference.events) {
    target_events_ = *stream.reference.events;
  } else if (stream.window.type == config::WindowType::count) {
    target_events_ = stream.window.events;
  } else {
    window_length_ms_ = stream.window.size.count();
  }
  if (event_time_) {
    pane_length_ms_ = stream.window.type == config::WindowType::sliding
                          ? stream.window.slide.count()
                          : stream.window.size.count();
    lateness_ms_ = stream.window.allowed_lateness.count();
  }
}

std::vector<ingest::CategoryResolver*> ReferenceCapture::resolvers() {
  std::vector<ingest::CategoryResolver*> out;
  for (ingest::InterningResolver& resolver : resolvers_) out.push_back(&resolver);
  return out;
}

bool ReferenceCapture::row_ends_capture(const ingest::DecodedBatch& batch, std::size_t row,
                                        int64_t now_ms) {
  if (target_events_) return captured_ >= *target_events_;
  const int64_t time = batch.event_time_ms().empty() ? now_ms : batch.event_time_ms()[row];
  if (!first_window_end_) {
    // The first window is the tumbling/sliding window containing the first
    // event: [floor(t / length) * length, + length).
    first_window_end_ = floor_div(time, window_length_ms_) * window_length_ms_ + window_length_ms_;
  }
  return time >= *first_window_end_;
}

void ReferenceCapture::take_row(const ingest::DecodedBatch& batch, std::size_t row) {
  for (std::size_t c = 0; c < numeric_values_.size(); ++c) {
    numeric_values_[c].push_back(batch.numeric(c)[row]);
  }
  for (std::size_t c = 0; c < category_values_.size(); ++c) {
    category_values_[c].push_back(batch.categorical(c)[row]);
  }
  ++captured_;
}

std::size_t ReferenceCapture::absorb(const ingest::DecodedBatch& batch, int64_t now_ms,
                                     int64_t frontier) {
  if (complete_) return 0;
  if (event_time_) {
    const auto times = batch.event_time_ms();
    for (std::size_t row = 0; row < batch.rows(); ++row) {
      held_.append_row(batch, row);
      ++rows_per_pane_[floor_div(times[row], pane_length_ms_)];
      earliest_ms_ = std::min(earliest_ms_, times[row]);
    }
    observe_frontier(frontier);
    return batch.rows();
  }
  std::size_t row = 0;
  for (; row < batch.rows(); ++row) {
    if (row_ends_capture(batch, row, now_ms)) {
      complete_ = true;
      break;
    }
    take_row(batch, row);
  }
  if (target_events_ && captured_ >= *target_events_) complete_ = true;
  return row;
}

void ReferenceCapture::observe_frontier(int64_t frontier) {
  if (!event_time_ || complete_) return;
  frontier_ = std::max(frontier_, frontier);
  end_at_cut();
}

std::optional<int64_t> ReferenceCapture::find_cut() const {
  if (rows_per_pane_.empty()) return std::nullopt;
  if (!target_events_) {
    return floor_div(earliest_ms_, window_length_ms_) * window_length_ms_ + window_length_ms_;
  }
  uint64_t rows = 0;
  for (const auto& [pane, count] : rows_per_pane_) {
    rows += count;
    if (rows >= *target_events_) return (pane + 1) * pane_length_ms_;
  }
  return std::nullopt;
}

void ReferenceCapture::end_at_cut() {
  const std::optional<int64_t> end = find_cut();
  // Pane bounds and lateness are at most 2^62: the sum does not overflow.
  if (!end || frontier_ < *end + lateness_ms_) return;
  const auto times = held_.event_time_ms();
  for (std::size_t row = 0; row < held_.rows(); ++row) {
    if (times[row] < *end) {
      take_row(held_, row);
    } else {
      rows_after_cut_.append_row(held_, row);
    }
  }
  held_ = {};
  rows_per_pane_.clear();
  cut_ms_ = *end;
  complete_ = true;
}

uint64_t ReferenceCapture::values(std::size_t feature) const {
  const FeatureColumn& column = schema_.columns[feature];
  if (column.numeric) {
    const std::vector<double>& numbers = numeric_values_[column.column];
    return static_cast<uint64_t>(
        std::count_if(numbers.begin(), numbers.end(), [](double x) { return !std::isnan(x); }));
  }
  const std::vector<uint32_t>& ids = category_values_[column.column];
  return static_cast<uint64_t>(std::count_if(ids.begin(), ids.end(), [](uint32_t id) {
    return id != ingest::kMissingCategory && id != ingest::kInvalidCategory;
  }));
}

std::vector<FeatureReference> ReferenceCapture::build() const {
  std::vector<FeatureReference> references;
  for (std::size_t f = 0; f < stream_.features.size(); ++f) {
    if (values(f) < stream_.reference.min_values) {
      references.emplace_back();  // too few values: no reference
      continue;
    }
    const FeatureColumn& column = schema_.columns[f];
    if (column.numeric) {
      references.push_back(numeric_reference(stream_.features[f], numeric_values_[column.column]));
      continue;
    }
    std::vector<std::string_view> values;
    uint64_t missing = 0;
    for (uint32_t id : category_values_[column.column]) {
      if (id == ingest::kMissingCategory || id == ingest::kInvalidCategory) {
        ++missing;
      } else {
        values.push_back(resolvers_[column.column].value(id));
      }
    }
    references.push_back(categorical_reference(stream_.features[f], values, missing));
  }
  return references;
}

std::vector<PairReference> ReferenceCapture::build_pairs(
    std::span<const FeatureReference> features) const {
  // Each reference row's bin of feature f (at least its bin count when the
  // value was missing or invalid).
  const auto row_bins = [&](std::size_t f) {
    const FeatureColumn& column = schema_.columns[f];
    if (column.numeric) {
      const std::vector<double>& values = numeric_values_[column.column];
      std::vector<uint32_t> bins(values.size());
      features[f].bins.binner().assign(values, bins);
      return bins;
    }
    const CategoryDictionary& dictionary = features[f].bins.dictionary();
    std::vector<uint32_t> bins;
    for (const uint32_t id : category_values_[column.column]) {
      bins.push_back(id == ingest::kMissingCategory || id == ingest::kInvalidCategory
                         ? ingest::kMissingCategory
                         : static_cast<uint32_t>(
                               dictionary.bin_of(resolvers_[column.column].value(id))));
    }
    return bins;
  };
  std::vector<PairReference> out;
  for (const config::PairConfig& pair : stream_.pairs) {
    const FeatureReference& x = features[pair.x_index];
    const FeatureReference& y = features[pair.y_index];
    if (!x.present() || !y.present()) {
      out.emplace_back();
      continue;
    }
    out.push_back(pair_reference(row_bins(pair.x_index), row_bins(pair.y_index),
                                 x.bins.bin_count(), y.bins.bin_count()));
  }
  return out;
}

std::vector<GroupReference> ReferenceCapture::build_groups() const {
  std::vector<GroupReference> out;
  for (const config::GroupConfig& group : stream_.groups) {
    std::vector<std::span<const double>> columns;
    for (const std::size_t f : group.feature_indices) {
      columns.emplace_back(numeric_values_[schema_.columns[f].column]);
    }
    out.push_back(group_reference(columns));
  }
  return out;
}

}  // namespace driftd
