// Maps a categorical value to its bin id the moment the decoder reads it, so
// no string outlives the event that carried it.
//
// The decoder calls resolve() with the value's text: a JSON string unescaped,
// a number as its JSON text ("1", "1.0" and "1e0" are three categories), a
// boolean as "true" or "false". Null, absent and array/object values never
// reach the resolver; they become kMissingCategory and kInvalidCategory,
// the two ids the decoder reserves.
//
// REQUIRES of implementations: resolve() returns an id below
// kInvalidCategory, does not throw, and copies the text if it keeps it (the
// view dies with the event).
//
// Thread safety: a resolver is called from the thread of the decoder that
// holds it; one shared by several decoders must allow concurrent calls
// (DictionaryResolver does: it is immutable).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace driftd {
class CategoryDictionary;
}

namespace driftd::ingest {

inline constexpr std::uint32_t kMissingCategory = 0xFFFFFFFFu;
inline constexpr std::uint32_t kInvalidCategory = 0xFFFFFFFEu;

class CategoryResolver {
 public:
  virtual ~CategoryResolver() = default;
  virtual std::uint32_t resolve(std::string_view value) = 0;
};

// The bins of a reference's CategoryDictionary: a known category's bin, else
// the __other__ bin. Does not allocate.
class DictionaryResolver final : public CategoryResolver {
 public:
  // REQUIRES: dictionary outlives the resolver.
  explicit DictionaryResolver(const CategoryDictionary& dictionary) : dictionary_(&dictionary) {}
  std::uint32_t resolve(std::string_view value) override;

 private:
  const CategoryDictionary* dictionary_;
};

// For a categorical column nobody counts (a feature without reference):
// every value is bin 0, nothing is looked up.
class IgnoringResolver final : public CategoryResolver {
 public:
  std::uint32_t resolve(std::string_view) override { return 0; }
};

// Interns every value it meets: id = position of first appearance, value(id)
// gives the text back. For rows whose categories are not binned yet (a
// reference capture, cluster mode's raw rows). Allocates per new value.
class InterningResolver final : public CategoryResolver {
 public:
  std::uint32_t resolve(std::string_view value) override;
  // REQUIRES: id < size().
  std::string_view value(std::uint32_t id) const { return values_[id]; }
  std::size_t size() const { return values_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> ids_;
  std::vector<std::string> values_;
};

}  // namespace driftd::ingest
