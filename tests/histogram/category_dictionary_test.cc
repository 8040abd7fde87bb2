// CategoryDictionary: order, ties, the cap, __other__, unseen values, the
// union of two samples, lookups without allocation, layout identity.
#include "histogram/category_dictionary.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "allocation_counter.h"
#include "common/error.h"

namespace driftd {
namespace {

using Catch::Matchers::Message;
using Sample = std::vector<std::string_view>;

std::vector<std::string> categories_of(const CategoryDictionary& dictionary) {
  return {dictionary.categories().begin(), dictionary.categories().end()};
}

TEST_CASE("categories come most frequent first, ties in byte order", "[category_dictionary]") {
  // Three each of "z", "a", "mid"; one each of "B" and "é". Byte order, not
  // locale: "B" (0x42) < "a" (0x61) < "mid" < "z" < "\xC3\xA9" (é).
  const Sample reference = {"z", "a", "\xC3\xA9", "B", "a", "z", "mid", "mid", "mid", "z", "a"};
  const auto dictionary = CategoryDictionary::from_reference(reference, 10);
  CHECK(categories_of(dictionary) ==
        std::vector<std::string>{"a", "mid", "z", "B", "\xC3\xA9"});
  CHECK(dictionary.bin_count() == 6);
  CHECK(dictionary.other_bin() == 5);
  CHECK(dictionary.label(5) == "__other__");
  CHECK(dictionary.label(0) == "a");
  CHECK_THROWS_AS(dictionary.label(6), std::out_of_range);
}

TEST_CASE("the order does not depend on the order of the input", "[category_dictionary]") {
  Sample reference = {"c", "b", "a", "d", "b", "c", "e", "f"};
  const auto expected = categories_of(CategoryDictionary::from_reference(reference, 4));
  CHECK(expected == std::vector<std::string>{"b", "c", "a", "d"});
  std::reverse(reference.begin(), reference.end());
  CHECK(categories_of(CategoryDictionary::from_reference(reference, 4)) == expected);
}

TEST_CASE("rarer and unseen values go to __other__", "[category_dictionary]") {
  const Sample reference = {"x", "x", "x", "y", "y", "z"};
  const auto dictionary = CategoryDictionary::from_reference(reference, 2);
  CHECK(categories_of(dictionary) == std::vector<std::string>{"x", "y"});
  CHECK(dictionary.bin_of("x") == 0);
  CHECK(dictionary.bin_of("y") == 1);
  CHECK(dictionary.bin_of("z") == dictionary.other_bin());           // cut by the cap
  CHECK(dictionary.bin_of("never seen") == dictionary.other_bin());  // unseen
  CHECK(dictionary.bin_of("X") == dictionary.other_bin());           // case matters
}

TEST_CASE("the empty string and a literal __other__ are ordinary categories",
          "[category_dictionary]") {
  const Sample reference = {"", "", "__other__", "a"};
  const auto dictionary = CategoryDictionary::from_reference(reference, 5);
  CHECK(categories_of(dictionary) == std::vector<std::string>{"", "__other__", "a"});
  CHECK(dictionary.bin_of("") == 0);
  CHECK(dictionary.bin_of("__other__") == 1);
  CHECK(dictionary.bin_of("b") == 3);
}

TEST_CASE("from_counts orders categories by their counts, ties byte-wise",
          "[category_dictionary]") {
  // The counts over both samples of an offline comparison; a value may come
  // more than once (once per sample): its counts add up.
  const std::vector<std::string> values = {"a", "b", "c", "c", "d", "b"};
  const std::vector<uint64_t> counts = {3, 1, 1, 3, 1, 1};
  const auto dictionary = CategoryDictionary::from_counts(values, counts, 10);
  // c: 4, a: 3, b: 2, d: 1
  CHECK(categories_of(dictionary) == std::vector<std::string>{"c", "a", "b", "d"});
  CHECK(categories_of(CategoryDictionary::from_counts(values, counts, 2)) ==
        std::vector<std::string>{"c", "a"});
  const std::vector<std::string> tied = {"z", "y", "x"};
  CHECK(categories_of(CategoryDictionary::from_counts(tied, std::vector<uint64_t>{2, 2, 2}, 10)) ==
        std::vector<std::string>{"x", "y", "z"});
  CHECK_THROWS_AS(CategoryDictionary::from_counts(tied, std::vector<uint64_t>{1}, 10),
                  std::invalid_argument);
}

TEST_CASE("invalid arguments are InputErrors", "[category_dictionary]") {
  const Sample reference = {"a"};
  CHECK_THROWS_MATCHES(CategoryDictionary::from_reference(reference, 0), InputError,
                       Message("max_categories must be between 1 and 65535, got 0"));
  const std::vector<std::string> values = {"a"};
  const std::vector<uint64_t> counts = {1};
  CHECK_THROWS_MATCHES(CategoryDictionary::from_counts(values, counts, 65536), InputError,
                       Message("max_categories must be between 1 and 65535, got 65536"));
  CHECK_THROWS_MATCHES(CategoryDictionary::from_reference({}, 5), InputError,
                       Message("reference has no values"));
  CHECK_THROWS_MATCHES(CategoryDictionary::from_counts({}, {}, 5), InputError,
                       Message("neither sample has a value"));
}

TEST_CASE("bin_of does not allocate", "[category_dictionary]") {
  const Sample reference = {"a category name longer than any small-string buffer", "b", "c"};
  const auto dictionary = CategoryDictionary::from_reference(reference, 10);
  const std::string unseen = "another category name longer than any small-string buffer";
  const testing::AllocationScope scope;
  std::size_t bins = 0;
  for (int i = 0; i < 100; ++i) {
    bins += dictionary.bin_of(reference[0]) + dictionary.bin_of(unseen) + dictionary.bin_of("c");
  }
  CHECK(scope.stats().allocations == 0);
  CHECK(bins == 100 * (0 + 3 + 2));
}

TEST_CASE("the layout identifies the categories and their order", "[category_dictionary]") {
  const Sample ab = {"a", "a", "b"};
  const Sample ba = {"a", "b", "b"};
  const auto layout = CategoryDictionary::from_reference(ab, 5).layout();
  CHECK(layout.kind == BinKind::categorical);
  CHECK(layout.bins == 3);
  CHECK(layout == CategoryDictionary::from_reference(ab, 5).layout());
  CHECK(layout.fingerprint != CategoryDictionary::from_reference(ba, 5).layout().fingerprint);
  // Length-prefixed strings: {"ab", "c"} differs from {"a", "bc"}.
  const Sample ab_c = {"ab", "ab", "c"};
  const Sample a_bc = {"a", "a", "bc"};
  CHECK(CategoryDictionary::from_reference(ab_c, 5).layout().fingerprint !=
        CategoryDictionary::from_reference(a_bc, 5).layout().fingerprint);
}

}  // namespace
}  // namespace driftd

namespace driftd {
namespace {

TEST_CASE("a stored category list restores the same bins and fingerprint", "[category_dictionary]") {
  const std::vector<std::string_view> values{"b", "a", "b", "c", "b", "a"};
  const CategoryDictionary original = CategoryDictionary::from_reference(values, 10);
  const std::vector<std::string> stored(original.categories().begin(), original.categories().end());
  const CategoryDictionary restored = CategoryDictionary::from_categories(stored);
  CHECK(restored.layout() == original.layout());
  CHECK(restored.bin_of("b") == original.bin_of("b"));
  CHECK(restored.bin_of("zzz") == restored.other_bin());
  CHECK_THROWS_WITH(CategoryDictionary::from_categories({"a", "a"}),
                    "duplicate category in the dictionary");
}

TEST_CASE("bin_of gives the same bins whether it scans or hashes") {
  for (const std::size_t size : {std::size_t{1}, CategoryDictionary::kScanLimit,
                                 CategoryDictionary::kScanLimit + 1, std::size_t{200}}) {
    std::vector<std::string> categories{"", "a", "a long category, past 16 bytes"};
    for (std::size_t i = categories.size(); i < size; ++i) {
      categories.push_back("c" + std::string(i % 3, 'x') + std::to_string(i));
    }
    categories.resize(size);
    const CategoryDictionary dictionary = CategoryDictionary::from_categories(categories);
    for (std::size_t bin = 0; bin < size; ++bin) {
      CHECK(dictionary.bin_of(categories[bin]) == bin);
    }
    for (const std::string_view unseen : {"b", "aa", "c", "c1x", "__other__", "A",
                                          "a long category, past 16 byteS",
                                          "a long category, past 16 bytes!"}) {
      CHECK(dictionary.bin_of(unseen) == dictionary.other_bin());
    }
  }
}

}  // namespace
}  // namespace driftd
