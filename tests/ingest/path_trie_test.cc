#include "ingest/path_trie.h"

#include <string>

#include <catch2/catch.hpp>

namespace driftd::ingest {
namespace {

TEST_CASE("The trie merges shared prefixes and finds every member") {
  DecoderSchema schema;
  schema.add_numeric("age", "/user/age")
      .add_categorical("country", "/user/geo/country")
      .add_numeric("price", "/price")
      .add_numeric("slash", "/a~1b")
      .add_numeric("first", "/items/0")
      .set_event_time("/ts", TimeUnit::kSeconds);
  const PathTrie trie(schema);
  // root, user, age, geo, country, price, a/b, items, 0, ts
  CHECK(trie.node_count() == 10);
  const auto user = trie.member(trie.root(), "user");
  REQUIRE(user != PathTrie::kNoNode);
  CHECK(trie.role(user) == PathTrie::Role::kGeneral);
  const auto age = trie.member(user, "age");
  REQUIRE(age != PathTrie::kNoNode);
  CHECK(trie.role(age) == PathTrie::Role::kNumeric);
  CHECK(trie.targets(age).front().column == 0);
  const auto country = trie.member(trie.member(user, "geo"), "country");
  REQUIRE(country != PathTrie::kNoNode);
  CHECK(trie.role(country) == PathTrie::Role::kCategorical);
  CHECK(trie.member(trie.root(), "a/b") != PathTrie::kNoNode);
  CHECK(trie.member(trie.root(), "a~1b") == PathTrie::kNoNode);
  CHECK(trie.role(trie.member(trie.root(), "ts")) == PathTrie::Role::kEventTime);
  const auto items = trie.member(trie.root(), "items");
  CHECK(trie.has_elements(items));
  CHECK(trie.element(items, 0) == trie.member(items, "0"));
  CHECK(trie.element(items, 1) == PathTrie::kNoNode);
  CHECK(trie.member(trie.root(), "pric") == PathTrie::kNoNode);
  CHECK(trie.member(trie.root(), "prices") == PathTrie::kNoNode);
  CHECK(trie.member(trie.root(), "") == PathTrie::kNoNode);
}

TEST_CASE("Nodes of a typical size get a perfect hash") {
  DecoderSchema schema;
  const char* keys[] = {"session_duration_s", "page_views", "cart_value_eur", "latency_ms",
                        "model_score", "items_in_cart", "discount", "user_rating",
                        "account_age", "ts_ms", "country", "device_type"};
  for (const char* key : keys) {
    schema.add_numeric(key, std::string("/") + key);
  }
  const PathTrie trie(schema);
  CHECK(trie.hashed(trie.root()));
  CHECK(trie.perfect(trie.root()));
  for (std::size_t i = 0; i < std::size(keys); ++i) {
    CHECK(trie.targets(trie.member(trie.root(), keys[i])).front().column == i);
  }
  CHECK(trie.member(trie.root(), "session_duration") == PathTrie::kNoNode);
}

TEST_CASE("Large nodes use a hash table that finds exactly their keys") {
  DecoderSchema schema;
  std::vector<std::string> keys;
  for (int i = 0; i < 200; ++i) {
    // Short, long, shared prefixes and suffixes, keys longer than 16 bytes.
    keys.push_back(i % 3 == 0   ? "k" + std::to_string(i)
                   : i % 3 == 1 ? "feature_with_a_long_common_prefix_" + std::to_string(i)
                                : std::to_string(i) + "_and_a_long_common_suffix");
    schema.add_numeric("f" + std::to_string(i), "/" + keys.back());
  }
  schema.add_numeric("empty", "/");
  const PathTrie trie(schema);
  CHECK(trie.hashed(trie.root()));
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto node = trie.member(trie.root(), keys[i]);
    REQUIRE(node != PathTrie::kNoNode);
    CHECK(trie.targets(node).front().column == i);
  }
  CHECK(trie.member(trie.root(), "") != PathTrie::kNoNode);
  CHECK(trie.member(trie.root(), "k1") == PathTrie::kNoNode);
  CHECK(trie.member(trie.root(), "feature_with_a_long_common_prefix_") == PathTrie::kNoNode);
  CHECK(trie.member(trie.root(), "k0 ") == PathTrie::kNoNode);
}

TEST_CASE("A node with several targets and children takes the general path") {
  DecoderSchema schema;
  schema.add_numeric("a", "/a").add_categorical("a_cat", "/a").add_numeric("ab", "/a/b");
  const PathTrie trie(schema);
  const auto a = trie.member(trie.root(), "a");
  CHECK(trie.role(a) == PathTrie::Role::kGeneral);
  CHECK(trie.targets(a).size() == 2);
  CHECK(trie.has_members(a));
  CHECK_FALSE(trie.hashed(a));
}

}  // namespace
}  // namespace driftd::ingest
