#include "dataset/csv_masks.h"

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "common/simd_target.h"
#include "scan_test_support.h"

namespace driftd {
namespace {

// Bytes where quotes, commas and line feeds are frequent, with their
// neighbours ('\r', '!', '#', '-', 0x8a, 0xa2, 0xac: equal in the low bits).
std::string random_bytes(std::mt19937_64& rng, std::size_t size) {
  static const std::string alphabet = "\",\n\r!#-\x8a\xa2\xac a0";
  std::uniform_int_distribution<int> any(0, 255);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = rng() % 4 == 0 ? static_cast<char>(any(rng)) : alphabet[pick(rng)];
  return bytes;
}

TEST_CASE("CSV byte classes: every SIMD target gives the scalar reference's masks") {
  std::mt19937_64 rng(7);
  testing::for_each_simd_target(csv_masks_implementation, [&] {
    for (int round = 0; round < 50; ++round) {
      const std::size_t blocks = 1 + rng() % 40;
      const std::string bytes = random_bytes(rng, blocks * kCsvBlockBytes);
      std::vector<CsvBlockMasks> expected(blocks), actual(blocks);
      scalar_csv_block_masks(bytes.data(), blocks, expected.data());
      csv_block_masks(bytes.data(), blocks, actual.data());
      REQUIRE(actual == expected);
    }
  });
}

TEST_CASE("CSV byte classes: the scalar reference marks exactly its three bytes") {
  std::string block(kCsvBlockBytes, 'x');
  block[0] = '"';
  block[5] = ',';
  block[63] = '\n';
  block[10] = '\r';
  CsvBlockMasks masks;
  scalar_csv_block_masks(block.data(), 1, &masks);
  CHECK(masks.quotes == 1);
  CHECK(masks.commas == std::uint64_t{1} << 5);
  CHECK(masks.newlines == std::uint64_t{1} << 63);
}

TEST_CASE("DRIFTD_SIMD=scalar: the CSV classifier runs the scalar reference", "[forced-scalar]") {
  if (!simd_forced_scalar()) SUCCEED("run with DRIFTD_SIMD=scalar (ctest does)");
  else CHECK(csv_masks_implementation() == "scalar");
}

}  // namespace
}  // namespace driftd
