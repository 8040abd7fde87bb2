#include "ingest/category_resolver.h"

#include "histogram/category_dictionary.h"

namespace driftd::ingest {

// bin_count() <= kMaxLayoutBins, far below the reserved ids.
std::uint32_t DictionaryResolver::resolve(std::string_view value) {
  return static_cast<std::uint32_t>(dictionary_->bin_of(value));
}

}  // namespace driftd::ingest
