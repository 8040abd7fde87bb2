#include "pipeline/checkpoint_codec.h"

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
  return checkpoint;
}

TEST_CASE("A window checkpoint survives encoding") {
  const StreamCheckpoint decoded = decode_checkpoint(encode_checkpoint(sample()));
  CHECK(decoded.windows.first_pane == -3);
  CHECK(decoded.windows.first_open_pane == 7);
  CHECK(decoded.windows.next_sequence == 123456789);
  CHECK(decoded.windows.counts == sample().windows.counts);
  CHECK(decoded.reference_ids == sample().reference_ids);
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

}  // namespace
}  // namespace driftd
