#include "pipeline/checkpoint_codec.h"

#include <utility>
#include <vector>

#include <boost/crc.hpp>
#include <catch2/catch.hpp>

#include "common/error.h"

namespace driftd {
namespace {

StreamCheckpoint sample() {
  StreamCheckpoint checkpoint;
  checkpoint.windows.first_pane = -3;
  checkpoint.windows.first_open_pane = 7;
  checkpoint.windows.next_sequence = 123456789;
  checkpoint.windows.counts = {0, 1, 2, 0xFFFFFFFFFFFFFFFFull, 42};
  checkpoint.reference_ids = {11, 12, 13};
  checkpoint.waiting = {{9, {3, 1, 2}}, {12, {}}, {-1, {0xFFFFFFFFFFFFFFFFull}}};
  checkpoint.late_pending = 0x0102030405060708ull;
  return checkpoint;
}

// `body` followed by its CRC-32C, as the encoder ends a checkpoint.
std::vector<std::byte> sealed(std::vector<std::byte> body) {
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;
  crc.process_bytes(body.data(), body.size());
  for (int i = 0; i < 4; ++i) body.push_back(static_cast<std::byte>(crc.checksum() >> (8 * i)));
  return body;
}

// The version-1 bytes of `checkpoint` (no waiting pieces): what driftd
// stored before pieces were part of the cut.
std::vector<std::byte> version_1(StreamCheckpoint checkpoint) {
  checkpoint.waiting.clear();
  std::vector<std::byte> bytes = encode_checkpoint(checkpoint);
  bytes.resize(bytes.size() - 16);  // the CRC, the late count and the zero piece count
  bytes[4] = std::byte{1};
  return sealed(std::move(bytes));
}

// The version-2 bytes of `checkpoint` (no late events pending): what driftd
// stored before they were part of the cut.
std::vector<std::byte> version_2(const StreamCheckpoint& checkpoint) {
  std::vector<std::byte> bytes = encode_checkpoint(checkpoint);
  bytes.resize(bytes.size() - 12);  // the CRC and the late count
  bytes[4] = std::byte{2};
  return sealed(std::move(bytes));
}

TEST_CASE("A window checkpoint survives encoding") {
  const StreamCheckpoint decoded = decode_checkpoint(encode_checkpoint(sample()));
  CHECK(decoded.windows.first_pane == -3);
  CHECK(decoded.windows.first_open_pane == 7);
  CHECK(decoded.windows.next_sequence == 123456789);
  CHECK(decoded.windows.counts == sample().windows.counts);
  CHECK(decoded.reference_ids == sample().reference_ids);
  REQUIRE(decoded.waiting.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(decoded.waiting[i].pane == sample().waiting[i].pane);
    CHECK(decoded.waiting[i].deltas == sample().waiting[i].deltas);
  }
  CHECK(decoded.late_pending == sample().late_pending);
}

TEST_CASE("A version 2 window checkpoint is still read, with no late events pending") {
  const StreamCheckpoint decoded = decode_checkpoint(version_2(sample()));
  CHECK(decoded.windows.counts == sample().windows.counts);
  REQUIRE(decoded.waiting.size() == 3);
  CHECK(decoded.waiting[2].deltas == sample().waiting[2].deltas);
  CHECK(decoded.late_pending == 0);
  const auto bytes = version_2(sample());
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    CHECK_THROWS_AS(decode_checkpoint(std::span(bytes).first(size)), InputError);
  }
}

TEST_CASE("A version 1 window checkpoint is still read") {
  const StreamCheckpoint decoded = decode_checkpoint(version_1(sample()));
  CHECK(decoded.windows.counts == sample().windows.counts);
  CHECK(decoded.reference_ids == sample().reference_ids);
  CHECK(decoded.waiting.empty());
  const auto bytes = version_1(sample());
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    CHECK_THROWS_AS(decode_checkpoint(std::span(bytes).first(size)), InputError);
  }
}

TEST_CASE("Every truncation of a window checkpoint is rejected") {
  const auto bytes = encode_checkpoint(sample());
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    INFO(size);
    CHECK_THROWS_AS(decode_checkpoint(std::span(bytes).first(size)), InputError);
  }
}

TEST_CASE("Every single bit flip of a window checkpoint is rejected") {
  const auto bytes = encode_checkpoint(sample());
  for (std::size_t bit = 0; bit < bytes.size() * 8; ++bit) {
    auto corrupt = bytes;
    corrupt[bit / 8] ^= static_cast<std::byte>(1u << (bit % 8));
    INFO(bit);
    CHECK_THROWS_AS(decode_checkpoint(corrupt), InputError);
  }
}

// Found by tests/fuzz/checkpoint.cc: non-zero reserved bytes (with a valid
// CRC) were ignored, so the checkpoint did not re-encode to its own bytes.
TEST_CASE("A window checkpoint with non-zero reserved bytes is rejected") {
  const auto bytes = encode_checkpoint(sample());
  for (std::size_t offset = 5; offset < 8; ++offset) {
    std::vector<std::byte> body(bytes.begin(), bytes.end() - 4);
    body[offset] = std::byte{2};
    INFO(offset);
    CHECK_THROWS_AS(decode_checkpoint(sealed(std::move(body))), InputError);
  }
}

}  // namespace
}  // namespace driftd
