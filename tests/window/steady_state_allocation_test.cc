// Proves "no allocation in steady state" by counting every operator new of
// this test executable (the replacements below apply to the whole binary).
#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include <catch2/catch.hpp>

#include "window/window_assembler.h"

namespace {
std::atomic<std::size_t> allocations{0};
}  // namespace

// Every replaceable form that a plain `delete` may free; the array and
// aligned forms keep their defaults, which pair with their own deletes.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new(std::size_t size) {
  if (void* memory = operator new(size, std::nothrow)) {
    return memory;
  }
  throw std::bad_alloc();
}
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }

using namespace std::chrono_literals;
using driftd::RecordOutcome;
using driftd::TimeDomain;
using driftd::WindowAssembler;
using driftd::WindowCheckpoint;
using driftd::WindowSpec;

namespace {

constexpr std::size_t kCounters = 650;  // 10 features x 64 bins + missing/invalid slots
constexpr std::uint64_t kBatchEvents = 512;

// Runs `step` 1000 times after 50 warm-up steps; returns the allocations made
// by the 1000.
template <class Step>
std::size_t allocations_in_steady_state(Step step) {
  for (int i = 0; i < 50; ++i) {
    step(i);
  }
  const std::size_t before = allocations.load();
  for (int i = 50; i < 1050; ++i) {
    step(i);
  }
  return allocations.load() - before;
}

}  // namespace

TEST_CASE("recording and closing event-time windows allocate nothing in steady state") {
  WindowAssembler assembler(WindowSpec::sliding(4s, 1s, TimeDomain::event_time, 2s), kCounters, 2);
  std::vector<std::uint64_t> deltas(kCounters, 1);
  deltas[WindowAssembler::kEventCounter] = kBatchEvents;
  WindowCheckpoint checkpoint;
  std::size_t windows = 0;
  std::size_t late = 0;
  const auto step = [&](int i) {
    const std::int64_t now = 300 * std::int64_t{i};
    assembler.watermark().observe(now);
    {
      auto batch = assembler.recorder().begin_batch(0);
      batch.record(assembler.clock().pane_of(now), deltas);
      late += batch.record(assembler.clock().pane_of(now - 5'000), deltas) == RecordOutcome::late;
    }
    while (assembler.next_window()) {
      ++windows;
    }
    assembler.checkpoint(checkpoint);
  };
  CHECK(allocations_in_steady_state(step) == 0);
  CHECK(windows > 300);
  CHECK(late > 1000);
}

TEST_CASE("recording and closing count windows allocate nothing in steady state") {
  WindowAssembler assembler(WindowSpec::count(2000), kCounters, 2);
  std::vector<std::uint64_t> deltas(kCounters, 1);
  std::size_t windows = 0;
  const auto step = [&](int) {
    auto& sequencer = assembler.sequencer();
    const auto range = sequencer.reserve(kBatchEvents);
    {
      auto batch = assembler.recorder().begin_batch(1);
      for (std::int64_t offset = 0; offset < range.count;) {
        const auto piece = sequencer.piece_at(range, offset);
        deltas[WindowAssembler::kEventCounter] = static_cast<std::uint64_t>(piece.length);
        batch.record(piece.pane, deltas);
        offset += piece.length;
      }
    }
    while (assembler.next_window()) {
      ++windows;
    }
  };
  CHECK(allocations_in_steady_state(step) == 0);
  CHECK(windows == 1050 * kBatchEvents / 2000);
}
