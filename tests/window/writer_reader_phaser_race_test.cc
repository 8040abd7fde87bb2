#include "window/writer_reader_phaser.h"

#include <array>
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include "window_test_support.h"

using driftd::WriterReaderPhaser;

TEST_CASE("a flip returns only after the writers of the old phase are done with its data") {
  const std::size_t writers = GENERATE(2U, 4U);
  constexpr std::uint64_t kUpdates = 1'200;
  WriterReaderPhaser phaser;
  // Plain words, one pair per writer: ThreadSanitizer reports every access
  // the phaser fails to order, and a lost update breaks the total.
  std::vector<std::array<std::uint64_t, 2>> per_phase(writers, {0, 0});
  const auto work = [&](std::size_t writer, auto pace) {
    auto& mine = per_phase[writer];
    for (std::uint64_t i = 0; i < kUpdates; ++i) {
      pace(i);
      const unsigned phase = phaser.enter();
      mine[phase] += 1;
      phaser.exit(phase);
    }
  };
  std::uint64_t drained = 0;
  const auto drain = [&] {
    const unsigned old_phase = phaser.flip();
    for (auto& pair : per_phase) {
      drained += pair[old_phase];
      pair[old_phase] = 0;
    }
  };
  driftd::testing::run_racing(writers, work, drain);
  drain();  // the phase left over from the final drain of run_racing
  CHECK(drained == kUpdates * writers);
}
