// The bins of one monitored feature: numeric edges (with their SIMD binner)
// or a categorical dictionary, and their JSON form as stored with a
// reference in SQLite (reference_distributions.bins_json):
//   numeric      {"edges": [e1, e2, ...]}
//   categorical  {"categories": ["US", "DE", ...]}   (__other__ is implicit)
//
// Thread safety: immutable after construction; any number of threads may
// bin with it at once.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>
#include <string_view>

#include "histogram/batch_binner.h"
#include "histogram/bin_layout.h"
#include "histogram/category_dictionary.h"
#include "histogram/numeric_binning.h"

namespace driftd {

class FeatureBins {
 public:
  static FeatureBins numeric(NumericBinning binning);
  static FeatureBins categorical(CategoryDictionary dictionary);
  // Parses the stored JSON form; InputError when it is not one.
  static FeatureBins from_json(std::string_view json);

  // No bins: default-constructed (a feature without reference).
  bool empty() const { return numeric_ == nullptr && categorical_ == nullptr; }
  bool is_numeric() const { return numeric_ != nullptr; }
  std::size_t bin_count() const;
  std::string label(std::size_t bin) const;
  std::vector<std::string> labels() const;  // every bin's, in bin order
  BinLayout layout() const;
  std::string to_json() const;

  // REQUIRES: is_numeric().
  const NumericBinning& binning() const { return numeric_->binning; }
  const BatchBinner& binner() const { return numeric_->binner; }
  // REQUIRES: !is_numeric().
  const CategoryDictionary& dictionary() const { return *categorical_; }

 private:
  struct Numeric {
    NumericBinning binning;
    BatchBinner binner;
  };
  // Shared so copies are cheap; both are immutable.
  std::shared_ptr<const Numeric> numeric_;
  std::shared_ptr<const CategoryDictionary> categorical_;
};

}  // namespace driftd
