// Helpers shared by the ingest tests.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/category_resolver.h"
#include "ingest/decoded_batch.h"
#include "ingest/event_decoder.h"

namespace driftd::ingest::testing {

// Gives each distinct text the next id, and remembers it.
class TableResolver final : public CategoryResolver {
 public:
  std::uint32_t resolve(std::string_view value) override {
    ++calls;
    const auto found = ids_.find(std::string(value));
    if (found != ids_.end()) {
      return found->second;
    }
    const auto id = static_cast<std::uint32_t>(names_.size());
    ids_.emplace(std::string(value), id);
    names_.emplace_back(value);
    return id;
  }
  // The text of id, or "<missing>" / "<invalid>" for the sentinels.
  std::string name(std::uint32_t id) const {
    if (id == kMissingCategory) return "<missing>";
    if (id == kInvalidCategory) return "<invalid>";
    return names_.at(id);
  }
  std::size_t calls = 0;

 private:
  std::map<std::string, std::uint32_t> ids_;
  std::vector<std::string> names_;
};

// text followed by kJsonPadding spaces, so no copy is needed.
struct Padded {
  explicit Padded(std::string_view text) : storage(std::string(text) + std::string(kJsonPadding, ' ')), size(text.size()) {}
  std::string_view view() const { return {storage.data(), size}; }
  std::size_t capacity() const { return storage.size(); }
  std::string storage;
  std::size_t size;
};

inline EventOutcome decode_one(EventDecoder& decoder, std::string_view json, DecodedBatch& batch) {
  const Padded padded(json);
  return decoder.decode_one(padded.view(), padded.capacity(), batch);
}

inline BodySummary decode_body(EventDecoder& decoder, std::string_view body, DecodedBatch& batch,
                               ErrorSink* errors = nullptr) {
  const Padded padded(body);
  return decoder.decode_ndjson(padded.view(), padded.capacity(), batch, errors);
}

}  // namespace driftd::ingest::testing
