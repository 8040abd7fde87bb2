// What the event decoder extracts from each event: the features (a name, a
// JSON Pointer, a type) and optionally the event time (a pointer and the
// unit of numeric timestamps).
//
// Columns: each feature owns one column of the decoded batch, numbered
// within its type in the order features were added: the first numeric
// feature is numeric column 0, the first categorical feature categorical
// column 0 (FeatureSpec::column). Two features may share a pointer (a field
// viewed both as a number and as a category), and the event-time pointer may
// also be a feature's.
//
// Guarantees: add_*() and set_event_time() throw driftd::InputError for an
// invalid pointer, an empty name or a name already used, and leave the
// schema unchanged when they throw.
//
// Thread safety: a value type; const access from any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/event_time.h"
#include "ingest/json_pointer.h"

namespace driftd::ingest {

enum class FeatureType : std::uint8_t { kNumeric, kCategorical };

struct FeatureSpec {
  std::string name;
  JsonPointer pointer;
  FeatureType type;
  // Index of the feature's column among the columns of its type.
  std::size_t column;
};

struct EventTimeSpec {
  JsonPointer pointer;
  TimeUnit unit;  // of numeric timestamps; strings are RFC 3339
};

class DecoderSchema {
 public:
  DecoderSchema& add_feature(std::string name, std::string_view pointer, FeatureType type);
  DecoderSchema& add_numeric(std::string name, std::string_view pointer) {
    return add_feature(std::move(name), pointer, FeatureType::kNumeric);
  }
  DecoderSchema& add_categorical(std::string name, std::string_view pointer) {
    return add_feature(std::move(name), pointer, FeatureType::kCategorical);
  }
  // Events without a valid event time are then not decoded into rows but
  // counted (DecodedBatch::invalid_event_time()).
  DecoderSchema& set_event_time(std::string_view pointer, TimeUnit unit);

  std::span<const FeatureSpec> features() const { return features_; }
  const std::optional<EventTimeSpec>& event_time() const { return event_time_; }
  std::size_t numeric_count() const { return numeric_count_; }
  std::size_t categorical_count() const { return categorical_count_; }
  // The feature called name, or nullptr.
  const FeatureSpec* find(std::string_view name) const;

 private:
  std::vector<FeatureSpec> features_;
  std::optional<EventTimeSpec> event_time_;
  std::size_t numeric_count_ = 0;
  std::size_t categorical_count_ = 0;
};

}  // namespace driftd::ingest
