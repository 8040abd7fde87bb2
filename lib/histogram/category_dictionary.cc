#include "histogram/category_dictionary.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "common/error.h"

namespace driftd {
namespace {

// Occurrences per distinct value; the views point into the caller's samples.
using ValueCounts = std::unordered_map<std::string_view, std::uint64_t>;

void check_max_categories(std::size_t max_categories) {
  if (max_categories < 1 || max_categories > kMaxCategories) {
    throw InputError("max_categories must be between 1 and " + std::to_string(kMaxCategories) +
                     ", got " + std::to_string(max_categories));
  }
}

void add_occurrences(std::span<const std::string_view> sample, ValueCounts& counts) {
  for (std::string_view value : sample) ++counts[value];
}

// The max_categories most frequent values, most frequent first, ties in
// byte-wise order.
std::vector<std::string> most_frequent(const ValueCounts& counts, std::size_t max_categories) {
  std::vector<std::pair<std::string_view, std::uint64_t>> ranked(counts.begin(), counts.end());
  const auto kept = std::min(max_categories, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(kept),
                    ranked.end(), [](const auto& a, const auto& b) {
                      return a.second != b.second ? a.second > b.second : a.first < b.first;
                    });
  std::vector<std::string> categories;
  categories.reserve(kept);
  for (std::size_t i = 0; i < kept; ++i) categories.emplace_back(ranked[i].first);
  return categories;
}

}  // namespace

CategoryDictionary::CategoryDictionary(std::vector<std::string> categories)
    : categories_(std::move(categories)) {
  LayoutFingerprint fingerprint(BinKind::categorical);
  fingerprint.add(static_cast<std::uint64_t>(categories_.size()));
  bin_by_category_.reserve(categories_.size());
  for (std::size_t bin = 0; bin < categories_.size(); ++bin) {
    bin_by_category_.emplace(categories_[bin], bin);
    fingerprint.add(std::string_view(categories_[bin]));
  }
  fingerprint_ = fingerprint.value();
}

CategoryDictionary CategoryDictionary::from_reference(std::span<const std::string_view> reference,
                                                      std::size_t max_categories) {
  check_max_categories(max_categories);
  if (reference.empty()) throw InputError("reference has no values");
  ValueCounts counts;
  add_occurrences(reference, counts);
  return CategoryDictionary(most_frequent(counts, max_categories));
}

CategoryDictionary CategoryDictionary::from_counts(std::span<const std::string> values,
                                                   std::span<const std::uint64_t> counts,
                                                   std::size_t max_categories) {
  check_max_categories(max_categories);
  if (values.size() != counts.size()) {
    throw std::invalid_argument("from_counts: one count per value");
  }
  if (values.empty()) throw InputError("neither sample has a value");
  ValueCounts by_value;
  by_value.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) by_value[values[i]] += counts[i];
  return CategoryDictionary(most_frequent(by_value, max_categories));
}

CategoryDictionary CategoryDictionary::from_categories(std::vector<std::string> categories) {
  if (categories.size() > kMaxCategories) {
    throw InputError("too many categories: " + std::to_string(categories.size()) + " (at most " +
                     std::to_string(kMaxCategories) + ")");
  }
  CategoryDictionary dictionary(std::move(categories));
  if (dictionary.bin_by_category_.size() != dictionary.categories_.size()) {
    throw InputError("duplicate category in the dictionary");
  }
  return dictionary;
}

namespace {

// a == b, comparing the first bytes inline (categories are mostly short;
// a memcmp call per candidate was a tenth of the decoder's time).
bool same_text(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  constexpr std::size_t kInline = 16;
  const std::size_t head = std::min(a.size(), kInline);
  for (std::size_t i = 0; i < head; ++i) {
    if (a[i] != b[i]) return false;
  }
  return a.size() <= kInline ||
         std::memcmp(a.data() + kInline, b.data() + kInline, a.size() - kInline) == 0;
}

}  // namespace

std::size_t CategoryDictionary::bin_of(std::string_view value) const {
  if (categories_.size() <= kScanLimit) {
    // Most frequent first.
    for (std::size_t bin = 0; bin < categories_.size(); ++bin) {
      if (same_text(categories_[bin], value)) return bin;
    }
    return other_bin();
  }
  const auto found = bin_by_category_.find(value);
  return found == bin_by_category_.end() ? other_bin() : found->second;
}

std::string_view CategoryDictionary::label(std::size_t bin) const {
  if (bin < categories_.size()) return categories_[bin];
  if (bin == other_bin()) return kOtherLabel;
  throw std::out_of_range("bin " + std::to_string(bin) + " of a dictionary with " +
                          std::to_string(bin_count()) + " bins");
}

BinLayout CategoryDictionary::layout() const {
  return BinLayout{BinKind::categorical, fingerprint_, bin_count()};
}

}  // namespace driftd
