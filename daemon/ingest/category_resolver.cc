#include "ingest/category_resolver.h"

#include "histogram/category_dictionary.h"

namespace driftd::ingest {

// bin_count() <= kMaxLayoutBins, far below the reserved ids.
std::uint32_t DictionaryResolver::resolve(std::string_view value) {
  return static_cast<std::uint32_t>(dictionary_->bin_of(value));
}

std::uint32_t InterningResolver::resolve(std::string_view value) {
  const auto found = ids_.find(value);
  if (found != ids_.end()) return found->second;
  const auto id = static_cast<std::uint32_t>(values_.size());
  values_.emplace_back(value);
  ids_.emplace(values_.back(), id);
  return id;
}

}  // namespace driftd::ingest
