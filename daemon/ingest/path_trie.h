// The per-schema key table of the event decoder: the schema's JSON Pointers
// merged into a trie with one node per path prefix, so that the decoder
// walks each event once and dispatches on every key it meets instead of
// searching the event once per feature.
//
// Node 0 is the root (the event object). A node's members are its children
// by object key; its elements the subset of members whose key is a
// canonical array index (json_pointer.h), looked up by index when the value
// at the node is an array. A node's targets are the features (and the event
// time) whose pointer ends there; a node may have both targets and children
// ("/a" and "/a/b").
//
// Lookup: member() hashes the key (two 64-bit words, two multiplies) and
// finds its slot in a per-node open-addressed table (load <= 1/2) by
// multiply-shift, with a multiplier searched at construction to make the
// hash perfect: a member is then found with one probe and a comparison of
// two words and the size (plus a memcmp for keys longer than 16 bytes). Tables that no multiplier tried makes perfect (hundreds of
// members) fall back to linear probing. Nodes with at most 4 members are
// scanned, length first.
//
// Guarantees: member() and element() never allocate or throw; keys are
// compared byte-wise, exactly.
//
// Thread safety: immutable after construction; share freely.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/decoder_schema.h"

namespace driftd::ingest {

struct PathTarget {
  enum class Kind : std::uint8_t { kNumeric, kCategorical, kEventTime };
  Kind kind;
  std::uint32_t column;  // within its kind; 0 for the event time
};

class PathTrie {
 public:
  static constexpr std::uint32_t kNoNode = 0xFFFFFFFFu;

  // How the decoder treats the value at a node: a leaf with exactly one
  // target takes a fast path; anything else (several targets, children,
  // no target) the general one.
  enum class Role : std::uint8_t { kNumeric, kCategorical, kEventTime, kGeneral };

  // A key as the trie compares it: its size and two little-endian words.
  // Up to 16 bytes the words are the key, zero-padded (bytes [0, 8) and
  // [8, 16)), so comparing them is comparing the key; longer keys keep
  // their first and last 8 bytes and are confirmed with memcmp.
  struct Key {
    std::uint64_t lo;
    std::uint64_t hi;
    std::size_t size;
    const char* data;
  };
  static Key key_of(std::string_view key) noexcept;
  // The same, reading whole words around the key.
  // REQUIRES: 16 bytes readable from data, even when size < 16 (a key
  // inside a simdjson-padded document is).
  static Key key_of_padded(const char* data, std::size_t size) noexcept;
  static std::uint64_t hash(const Key& key) noexcept {
    return (key.lo * 0xBF58476D1CE4E5B9ull) ^ ((key.hi + key.size) * 0x94D049BB133111EBull);
  }

  explicit PathTrie(const DecoderSchema& schema);

  std::uint32_t root() const noexcept { return 0; }
  std::size_t node_count() const noexcept { return nodes_.size(); }

  // The child of node under object key `key`, or kNoNode.
  std::uint32_t member(std::uint32_t node, const Key& key) const noexcept {
    const std::uint32_t edge = find_edge(node, key);
    return edge == kNoNode ? kNoNode : edges_[edge].child;
  }
  std::uint32_t member(std::uint32_t node, std::string_view key) const noexcept {
    return member(node, key_of(key));
  }
  // The same through edges, the member links (numbered from 0 to
  // edge_count() - 1), for callers that predict the next key: the index of
  // node's edge for key or kNoNode; whether edge is key's; its child.
  std::size_t edge_count() const noexcept { return edges_.size(); }
  std::uint32_t find_edge(std::uint32_t node, const Key& key) const noexcept;
  bool edge_matches(std::uint32_t edge, const Key& key) const noexcept {
    return edge_is(edges_[edge], key);
  }
  std::uint32_t edge_child(std::uint32_t edge) const noexcept { return edges_[edge].child; }
  // The child of node for array element `index`, or kNoNode.
  std::uint32_t element(std::uint32_t node, std::uint64_t index) const noexcept;

  bool has_members(std::uint32_t node) const noexcept { return nodes_[node].edge_count != 0; }
  bool has_elements(std::uint32_t node) const noexcept {
    return nodes_[node].element_count != 0;
  }
  std::span<const PathTarget> targets(std::uint32_t node) const noexcept {
    return {targets_.data() + nodes_[node].target_begin, nodes_[node].target_count};
  }
  Role role(std::uint32_t node) const noexcept { return nodes_[node].role; }
  // Whether member() uses a hash table at node, and whether it is perfect
  // (for tests).
  bool hashed(std::uint32_t node) const noexcept { return nodes_[node].hashed; }
  bool perfect(std::uint32_t node) const noexcept { return nodes_[node].perfect; }

 private:
  struct Node {
    std::uint32_t edge_begin = 0;
    std::uint32_t edge_count = 0;
    std::uint32_t element_begin = 0;
    std::uint32_t element_count = 0;
    std::uint32_t target_begin = 0;
    std::uint32_t target_count = 0;
    std::uint32_t slot_begin = 0;
    std::uint32_t slot_mask = 0;   // slot count - 1
    std::uint32_t shift = 0;       // 64 - log2(slot count)
    std::uint64_t multiplier = 0;  // odd
    Role role = Role::kGeneral;
    bool hashed = false;
    bool perfect = false;
  };
  struct Edge {
    std::uint64_t lo;
    std::uint64_t hi;
    std::uint32_t key_offset;  // into key_pool_
    std::uint32_t key_size;
    std::uint32_t child;
  };
  struct Element {
    std::uint64_t index;
    std::uint32_t child;
  };

  bool edge_is(const Edge& edge, const Key& key) const noexcept {
    return edge.lo == key.lo && edge.hi == key.hi && edge.key_size == key.size &&
           (key.size <= 16 ||
            std::memcmp(key_pool_.data() + edge.key_offset, key.data, key.size) == 0);
  }
  void build_hash(Node& node);

  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  std::vector<Element> elements_;
  std::vector<PathTarget> targets_;
  std::vector<std::uint32_t> slots_;  // edge index or kNoNode
  std::string key_pool_;
};

static_assert(std::endian::native == std::endian::little,
              "PathTrie::key_of_padded masks words as little-endian");

inline PathTrie::Key PathTrie::key_of(std::string_view key) noexcept {
  Key out{0, 0, key.size(), key.data()};
  const std::size_t n = key.size();
  if (n > 0) std::memcpy(&out.lo, key.data(), n < 8 ? n : 8);
  if (n > 16) {
    std::memcpy(&out.hi, key.data() + n - 8, 8);
  } else if (n > 8) {
    std::memcpy(&out.hi, key.data() + 8, n - 8);
  }
  return out;
}

inline PathTrie::Key PathTrie::key_of_padded(const char* data, std::size_t size) noexcept {
  // Bytes [0, k) of a little-endian word.
  const auto low_bytes = [](std::uint64_t word, std::size_t k) {
    return k >= 8 ? word : word & ((std::uint64_t{1} << (8 * k)) - 1);
  };
  Key out{0, 0, size, data};
  std::memcpy(&out.lo, data, 8);
  if (size > 16) {
    std::memcpy(&out.hi, data + size - 8, 8);
    return out;
  }
  out.lo = low_bytes(out.lo, size);
  if (size > 8) {
    std::memcpy(&out.hi, data + 8, 8);
    out.hi = low_bytes(out.hi, size - 8);
  }
  return out;
}

inline std::uint32_t PathTrie::find_edge(std::uint32_t node, const Key& key) const noexcept {
  const Node& n = nodes_[node];
  if (n.hashed) {
    auto slot = static_cast<std::uint32_t>((hash(key) * n.multiplier) >> n.shift);
    for (;;) {
      const std::uint32_t edge = slots_[n.slot_begin + slot];
      if (edge == kNoNode || edge_is(edges_[edge], key)) {
        return edge;
      }
      slot = (slot + 1) & n.slot_mask;
    }
  }
  for (std::uint32_t e = n.edge_begin; e < n.edge_begin + n.edge_count; ++e) {
    if (edge_is(edges_[e], key)) {
      return e;
    }
  }
  return kNoNode;
}

inline std::uint32_t PathTrie::element(std::uint32_t node, std::uint64_t index) const noexcept {
  const Node& n = nodes_[node];
  for (std::uint32_t e = n.element_begin; e < n.element_begin + n.element_count; ++e) {
    if (elements_[e].index == index) {
      return elements_[e].child;
    }
  }
  return kNoNode;
}

}  // namespace driftd::ingest
