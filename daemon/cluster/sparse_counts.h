// The sparse form of counter blocks that cluster mode's binary formats share
// (pane partials, owner checkpoints): unsigned LEB128 varints, and a block
// of uint64 words as runs of zero words and non-zero literals, trailing
// zeros implied. Documented byte by byte in docs/histogram-format.md ("Pane
// partials (cluster mode)": the pane's runs, "Varint", "Canonical form").
//
// Both are canonical: a value has exactly one encoding, and the readers
// refuse every other (overlong varints, zero literals, empty zero runs after
// the first run, runs that are not maximal), throwing InputError whose
// message starts with the reader's what() ("pane partial has an overlong
// varint at literal"). They never read past the reader's bytes and
// allocate nothing.
//
// Thread safety: pure functions; a reader is owned by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/binary_codec.h"

namespace driftd::cluster {

// Unsigned LEB128: 7 bits a byte, the lowest first, the high bit set on
// every byte but the last; 1 to 10 bytes.
void append_varint(std::vector<std::byte>& out, std::uint64_t value);

// The shortest form only, at most 10 bytes, at most 2^64 - 1. `field` names
// it in messages.
std::uint64_t read_varint(LittleEndianReader& reader, const char* field);

// Appends `counts` as its run count R, then R runs, each: the zero words
// before its literals, the number of literals K, the K literals. Every zero
// run but the first is non-empty, every literal non-zero; R = 0 for a block
// of zeros.
void append_sparse_counts(std::vector<std::byte>& out, std::span<const std::uint64_t> counts);

// Whether read_sparse_counts() takes a block of zeros (R = 0).
enum class ZeroBlock { refused, allowed };

// Reads a block of block.size() words written by append_sparse_counts()
// into `block`; `which` names it in messages ("pane 7"). Refuses R = 0
// when `zero_block` says so ("<what> <which> is all zeros"), more runs than
// block.size() words can hold, runs beyond them, and every non-canonical
// form. REQUIRES: block is all zeros.
void read_sparse_counts(LittleEndianReader& reader, std::span<std::uint64_t> block,
                        const std::string& which, ZeroBlock zero_block);

}  // namespace driftd::cluster
