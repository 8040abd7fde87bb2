// Capture of a stream's reference from its first events (reference type
// "capture"): collects every feature's values until the configured number of
// events (or, without one, the events of the stream's first window) has been
// seen, then builds each feature's reference from them. The capture ends
// there whatever it found: a feature with fewer than reference.min_values
// values (absent from the events, null, or of the wrong type) gets no
// reference (FeatureReference::present() false) and the others are
// monitored. So the capture holds at most `events` values per feature
// (without `events`: those of the first window).
//
// Categorical values are interned (the capture owns its strings), so the
// decoder resolves them through the capture's own resolvers while the
// dictionary does not exist yet.
//
// Thread safety: none; the stream runtime serialises capture (it is a
// bounded, one-time phase, not the steady-state hot path).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "ingest/category_resolver.h"
#include "ingest/decoded_batch.h"
#include "pipeline/feature_reference.h"
#include "pipeline/stream_schema.h"

namespace driftd {

// Interns category strings: id = position of first appearance.
class InterningResolver final : public ingest::CategoryResolver {
 public:
  uint32_t resolve(std::string_view value) override;
  std::string_view value(uint32_t id) const { return values_[id]; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> ids_;
  std::vector<std::string> values_;
};

class ReferenceCapture {
 public:
  // REQUIRES: stream.reference.type == capture.
  ReferenceCapture(const config::StreamConfig& stream, const StreamSchema& schema);

  // One resolver per categorical column, for the capture's decoder.
  std::vector<ingest::CategoryResolver*> resolvers();

  // Takes rows from `batch` until the capture is complete; returns the index
  // of the first row it did not take (batch.rows() when it took them all).
  // now_ms: processing time, for time windows without event time.
  std::size_t absorb(const ingest::DecodedBatch& batch, int64_t now_ms);

  bool complete() const { return complete_; }
  uint64_t captured() const { return captured_; }

  // The references, once complete(), in the stream's feature order; a
  // feature with fewer than reference.min_values values has none.
  std::vector<FeatureReference> build() const;

  // The values of feature f (config order) captured so far: numbers that
  // are not missing or invalid, categories that are not.
  uint64_t values(std::size_t feature) const;

  // The capture's id of a category value, for rows decoded with resolvers().
  std::string_view category(std::size_t categorical_column, uint32_t id) const {
    return resolvers_[categorical_column].value(id);
  }

 private:
  bool row_ends_capture(const ingest::DecodedBatch& batch, std::size_t row, int64_t now_ms);

  const config::StreamConfig& stream_;
  const StreamSchema& schema_;
  std::optional<uint64_t> target_events_;   // capture this many events, or
  std::optional<int64_t> first_window_end_; // capture until this time (ms)
  int64_t window_length_ms_ = 0;
  uint64_t captured_ = 0;
  bool complete_ = false;
  std::vector<InterningResolver> resolvers_;            // per categorical column
  std::vector<std::vector<double>> numeric_values_;     // per numeric column
  std::vector<std::vector<uint32_t>> category_values_;  // per categorical column (ids)
};

}  // namespace driftd
