#include "ingest/path_trie.h"

#include <algorithm>
#include <bit>
#include <map>

namespace driftd::ingest {
namespace {

// Nodes with at most this many members are scanned, not hashed.
constexpr std::uint32_t kLinearMembers = 4;

struct BuildNode {
  std::map<std::string, std::uint32_t> members;
  std::vector<PathTarget> targets;
};

std::uint32_t insert_path(std::vector<BuildNode>& nodes, const JsonPointer& pointer) {
  std::uint32_t node = 0;
  for (const std::string& token : pointer.tokens()) {
    const auto found = nodes[node].members.find(token);
    if (found != nodes[node].members.end()) {
      node = found->second;
      continue;
    }
    const auto child = static_cast<std::uint32_t>(nodes.size());
    nodes[node].members.emplace(token, child);
    nodes.emplace_back();
    node = child;
  }
  return node;
}

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

PathTrie::PathTrie(const DecoderSchema& schema) {
  std::vector<BuildNode> build(1);
  for (const FeatureSpec& feature : schema.features()) {
    const std::uint32_t node = insert_path(build, feature.pointer);
    build[node].targets.push_back(PathTarget{feature.type == FeatureType::kNumeric
                                                 ? PathTarget::Kind::kNumeric
                                                 : PathTarget::Kind::kCategorical,
                                             static_cast<std::uint32_t>(feature.column)});
  }
  if (schema.event_time()) {
    const std::uint32_t node = insert_path(build, schema.event_time()->pointer);
    build[node].targets.push_back(PathTarget{PathTarget::Kind::kEventTime, 0});
  }

  nodes_.resize(build.size());
  for (std::size_t i = 0; i < build.size(); ++i) {
    Node& node = nodes_[i];
    const BuildNode& source = build[i];
    node.edge_begin = static_cast<std::uint32_t>(edges_.size());
    node.element_begin = static_cast<std::uint32_t>(elements_.size());
    for (const auto& [key, child] : source.members) {
      const Key words = key_of(key);
      edges_.push_back(Edge{words.lo, words.hi, static_cast<std::uint32_t>(key_pool_.size()),
                            static_cast<std::uint32_t>(key.size()), child});
      key_pool_ += key;
      const long long index = array_index_of(key);
      if (index >= 0) {
        elements_.push_back(Element{static_cast<std::uint64_t>(index), child});
      }
    }
    node.edge_count = static_cast<std::uint32_t>(edges_.size()) - node.edge_begin;
    node.element_count = static_cast<std::uint32_t>(elements_.size()) - node.element_begin;
    node.target_begin = static_cast<std::uint32_t>(targets_.size());
    node.target_count = static_cast<std::uint32_t>(source.targets.size());
    targets_.insert(targets_.end(), source.targets.begin(), source.targets.end());
    if (node.edge_count == 0 && node.target_count == 1) {
      switch (source.targets.front().kind) {
        case PathTarget::Kind::kNumeric: node.role = Role::kNumeric; break;
        case PathTarget::Kind::kCategorical: node.role = Role::kCategorical; break;
        case PathTarget::Kind::kEventTime: node.role = Role::kEventTime; break;
      }
    }
    if (node.edge_count > kLinearMembers) {
      build_hash(node);
    }
  }
}

void PathTrie::build_hash(Node& node) {
  std::vector<std::uint64_t> hashes;
  for (std::uint32_t e = node.edge_begin; e < node.edge_begin + node.edge_count; ++e) {
    hashes.push_back(hash(key_of({key_pool_.data() + edges_[e].key_offset, edges_[e].key_size})));
  }
  // At least two slots per member, so probing always meets an empty slot.
  const auto min_bits = static_cast<std::uint32_t>(std::bit_width(node.edge_count - 1)) + 1;
  std::uint64_t seed = 0x5EEDu + node.edge_begin;
  std::vector<std::uint32_t> table;
  const auto fill = [&](std::uint32_t bits, std::uint64_t multiplier, bool probe) {
    table.assign(std::size_t{1} << bits, kNoNode);
    const std::size_t mask = table.size() - 1;
    for (std::uint32_t i = 0; i < node.edge_count; ++i) {
      auto slot = static_cast<std::size_t>((hashes[i] * multiplier) >> (64 - bits));
      while (table[slot] != kNoNode) {
        if (!probe) return false;
        slot = (slot + 1) & mask;
      }
      table[slot] = node.edge_begin + i;
    }
    return true;
  };
  const auto install = [&](std::uint32_t bits, std::uint64_t multiplier, bool perfect) {
    node.hashed = true;
    node.perfect = perfect;
    node.multiplier = multiplier;
    node.shift = 64 - bits;
    node.slot_mask = static_cast<std::uint32_t>(table.size() - 1);
    node.slot_begin = static_cast<std::uint32_t>(slots_.size());
    slots_.insert(slots_.end(), table.begin(), table.end());
  };
  for (std::uint32_t bits = min_bits; bits <= min_bits + 2; ++bits) {
    for (int attempt = 0; attempt < 256; ++attempt) {
      const std::uint64_t multiplier = splitmix64(seed) | 1;
      if (fill(bits, multiplier, /*probe=*/false)) {
        install(bits, multiplier, /*perfect=*/true);
        return;
      }
    }
  }
  const std::uint64_t multiplier = splitmix64(seed) | 1;
  fill(min_bits + 1, multiplier, /*probe=*/true);
  install(min_bits + 1, multiplier, /*perfect=*/false);
}

}  // namespace driftd::ingest
