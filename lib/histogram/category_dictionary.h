// Categorical bins: the reference's categories plus one __other__ bin.
//
// Bins 0..k-1 are categories, most frequent first, ties broken by byte-wise
// comparison of the strings (UTF-8 code point order) so that the order never
// depends on hashing or input order; k <= max_categories. Bin k, the last, is
// __other__: it takes the categories too rare to make the cut and every value
// the reference never saw. from_counts builds the bins of an offline
// comparison (driftctl compare): the categories seen in either sample,
// ordered by their total frequency over both. See docs/metrics.md, "Binning".
//
// Missing values are the caller's to count: pass only present values. The
// empty string is an ordinary category. So is a value spelled "__other__";
// its label then reads like the other bin's, but it keeps its own bin.
//
// Guarantees: bin_of() does not allocate (heterogeneous lookup by
// string_view). Invalid arguments throw driftd::InputError.
//
// Thread safety: immutable after construction; share freely.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "histogram/bin_layout.h"

namespace driftd {

inline constexpr std::size_t kMaxCategories = kMaxLayoutBins - 1;

class CategoryDictionary {
 public:
  static constexpr std::string_view kOtherLabel = "__other__";

  // REQUIRES: 1 <= max_categories <= kMaxCategories; reference not empty.
  static CategoryDictionary from_reference(std::span<const std::string_view> reference,
                                           std::size_t max_categories);
  // The bins of an offline comparison (driftctl compare) from each value's
  // count over both samples (a value listed twice: its counts add up).
  // REQUIRES: 1 <= max_categories <= kMaxCategories; a value;
  // values.size() == counts.size() (else std::invalid_argument).
  static CategoryDictionary from_counts(std::span<const std::string> values,
                                        std::span<const std::uint64_t> counts,
                                        std::size_t max_categories);

  // The dictionary with exactly these categories in this order (as stored
  // with a reference). REQUIRES: at most kMaxCategories, no duplicates.
  static CategoryDictionary from_categories(std::vector<std::string> categories);

  std::size_t bin_count() const { return categories_.size() + 1; }
  std::size_t other_bin() const { return categories_.size(); }
  // The categories in bin order (without __other__).
  std::span<const std::string> categories() const { return categories_; }

  // The bin of value: its category's, else other_bin(). Up to kScanLimit
  // categories it compares them in bin order (most frequent first), which
  // costs less than hashing the value; beyond, one hash lookup.
  std::size_t bin_of(std::string_view value) const;
  static constexpr std::size_t kScanLimit = 16;

  // The category of bin, or "__other__" for other_bin().
  // REQUIRES: bin < bin_count() (else std::out_of_range).
  std::string_view label(std::size_t bin) const;

  BinLayout layout() const;

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };

  explicit CategoryDictionary(std::vector<std::string> categories);

  std::vector<std::string> categories_;
  std::unordered_map<std::string, std::size_t, StringHash, std::equal_to<>> bin_by_category_;
  std::uint64_t fingerprint_;
};

}  // namespace driftd
