#include "window/count_sequencer.h"

#include <vector>

#include <catch2/catch.hpp>

using driftd::CountPiece;
using driftd::CountSequencer;
using driftd::Interval;
using driftd::SequenceRange;

namespace {

std::vector<CountPiece> pieces(const CountSequencer& sequencer, SequenceRange batch) {
  std::vector<CountPiece> out;
  for (std::int64_t offset = 0; offset < batch.count;) {
    out.push_back(sequencer.piece_at(batch, offset));
    offset += out.back().length;
  }
  return out;
}

}  // namespace

TEST_CASE("reservations hand out consecutive sequence ranges") {
  CountSequencer sequencer(100, 0);
  CHECK(sequencer.reserve(30) == SequenceRange{0, 30});
  CHECK(sequencer.reserve(0) == SequenceRange{30, 0});
  CHECK(sequencer.reserve(90) == SequenceRange{30, 90});
  CHECK(sequencer.next_sequence() == 120);
  sequencer.reset(500);
  CHECK(sequencer.reserve(1).first == 500);
}

TEST_CASE("count window k holds the sequence numbers from k*N up to (k+1)*N") {
  const CountSequencer sequencer(100, 0);
  CHECK(sequencer.pane_of(0) == 0);
  CHECK(sequencer.pane_of(99) == 0);
  CHECK(sequencer.pane_of(100) == 1);
  CHECK(sequencer.window_bounds(3) == Interval{300, 400});
}

TEST_CASE("a batch is cut where count windows end") {
  const CountSequencer sequencer(100, 0);
  SECTION("inside one window") {
    CHECK(pieces(sequencer, {210, 50}) == std::vector<CountPiece>{{2, 0, 50}});
  }
  SECTION("ending exactly at a window end") {
    CHECK(pieces(sequencer, {250, 50}) == std::vector<CountPiece>{{2, 0, 50}});
  }
  SECTION("starting exactly at a window start") {
    CHECK(pieces(sequencer, {300, 120}) == std::vector<CountPiece>{{3, 0, 100}, {4, 100, 20}});
  }
  SECTION("spanning several windows") {
    CHECK(pieces(sequencer, {90, 512}) == std::vector<CountPiece>{{0, 0, 10},
                                                                  {1, 10, 100},
                                                                  {2, 110, 100},
                                                                  {3, 210, 100},
                                                                  {4, 310, 100},
                                                                  {5, 410, 100},
                                                                  {6, 510, 2}});
  }
}
