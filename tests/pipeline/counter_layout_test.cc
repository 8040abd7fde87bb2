#include "pipeline/counter_layout.h"

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

namespace driftd {
namespace {

struct Shapes {
  std::vector<CounterLayout::FeatureShape> features;
  std::vector<CounterLayout::PairShape> pairs;
  std::vector<CounterLayout::GroupShape> groups;

  CounterLayout layout() const { return CounterLayout(features, pairs, groups); }
};

// Three features (one with moments), a recorded pair, an unrecorded one and
// a group of two: 38 counters.
Shapes sample() {
  return {{{4, false}, {3, true}, {2, false}},
          {{0, 1, true}, {2, 0, false}},
          {{{1, 0}, true}}};
}

TEST_CASE("A counter layout's fingerprint is pinned: the same on every platform, build and run") {
  const CounterLayout layout = sample().layout();
  REQUIRE(layout.size() == 38);
  // FNV-1a of the words 1, 38, 3, 4, 0, 3, 1, 2, 0, 2, 0, 1, 4, 3, 2, 0, 0,
  // 0, 1, 2, 1, 0, 32 (counter_layout.h), computed apart in Python.
  CHECK(layout.fingerprint() == 0x502ee45ca03c60e1ULL);
  // Only the events counter: 1, 1, 0, 0, 0.
  CHECK(CounterLayout({}).fingerprint() == 0xa7934829211a0225ULL);
  CHECK(sample().layout().fingerprint() == layout.fingerprint());
}

TEST_CASE("Layouts that differ in one field have different fingerprints") {
  std::vector<std::pair<std::string, Shapes>> variants;
  variants.emplace_back("sample", sample());
  auto vary = [&](const std::string& name, auto change) {
    Shapes shapes = sample();
    change(shapes);
    variants.emplace_back(name, std::move(shapes));
  };
  vary("a feature's bins", [](Shapes& s) { s.features[0].bins = 5; });
  vary("moments on", [](Shapes& s) { s.features[0].has_moments = true; });
  vary("moments off", [](Shapes& s) { s.features[1].has_moments = false; });
  vary("features reordered", [](Shapes& s) { std::swap(s.features[0], s.features[1]); });
  vary("a feature more", [](Shapes& s) { s.features.push_back({2, false}); });
  // Same size as the sample: x and y (and their bins) trade places.
  vary("a pair's x and y swapped", [](Shapes& s) { std::swap(s.pairs[0].x, s.pairs[0].y); });
  vary("a pair's y", [](Shapes& s) { s.pairs[0].y = 2; });
  vary("a pair not recorded", [](Shapes& s) { s.pairs[0].recorded = false; });
  vary("a pair recorded", [](Shapes& s) { s.pairs[1].recorded = true; });
  vary("a pair less", [](Shapes& s) { s.pairs.pop_back(); });
  // Same size as the sample: the group's features in the other order.
  vary("a group's order", [](Shapes& s) { s.groups[0].features = {0, 1}; });
  vary("a group's feature", [](Shapes& s) { s.groups[0].features = {1, 2}; });
  vary("a group not recorded", [](Shapes& s) { s.groups[0].recorded = false; });
  vary("a group more", [](Shapes& s) { s.groups.push_back({{0, 2}, true}); });
  vary("an unrecorded pair more", [](Shapes& s) { s.pairs.push_back({0, 2, false}); });

  std::set<uint64_t> fingerprints;
  for (const auto& [name, shapes] : variants) {
    INFO(name);
    CHECK(fingerprints.insert(shapes.layout().fingerprint()).second);
  }
  Shapes same_size = sample();
  std::swap(same_size.pairs[0].x, same_size.pairs[0].y);
  CHECK(same_size.layout().size() == sample().layout().size());
}

}  // namespace
}  // namespace driftd
