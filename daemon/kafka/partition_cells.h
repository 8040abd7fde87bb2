// A table of 64-bit values by partition number that the Kafka consumer
// threads share: each value is written by the thread that consumes its
// partition (or raised by any thread, raise()) and read by the others.
//
// Invariants:
// - Values are relaxed atomics: a reader sees some value the cell held, no
//   ordering with anything else (the consumers' bookkeeping is made of
//   hints that only ever grow, or of values read while every consumer thread
//   is parked, which the BatchBoundaryGate orders).
// - The table grows only in ensure(), which the caller makes while no other
//   thread touches the table (before the consumer threads start, or in a
//   rebalance, with every consumer thread parked). Cells beyond the size
//   read as `empty`.
//
// Thread safety: load(), store(), raise() from any thread; ensure() alone.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

namespace driftd::kafka {

class PartitionCells {
 public:
  explicit PartitionCells(int64_t empty) : empty_(empty) {}
  PartitionCells(PartitionCells&& other) noexcept
      : empty_(other.empty_), cells_(std::move(other.cells_)), size_(std::exchange(other.size_, 0)) {}
  PartitionCells& operator=(PartitionCells&&) = delete;

  // Makes room for `partition` (new cells hold `empty`). REQUIRES: partition
  // >= 0; no other thread uses the table meanwhile.
  void ensure(int32_t partition) {
    const auto needed = static_cast<std::size_t>(partition) + 1;
    if (needed <= size_) return;
    const std::size_t size = std::max(needed, size_ * 2);
    auto cells = std::make_unique<std::atomic<int64_t>[]>(size);
    for (std::size_t p = 0; p < size; ++p) {
      cells[p].store(p < size_ ? cells_[p].load(std::memory_order_relaxed) : empty_,
                     std::memory_order_relaxed);
    }
    cells_ = std::move(cells);
    size_ = size;
  }

  std::size_t size() const { return size_; }
  bool contains(int32_t partition) const {
    return partition >= 0 && static_cast<std::size_t>(partition) < size_;
  }

  // `empty` for a partition beyond the table.
  int64_t load(int32_t partition) const {
    return contains(partition) ? cells_[static_cast<std::size_t>(partition)].load(
                                     std::memory_order_relaxed)
                               : empty_;
  }
  // REQUIRES: contains(partition).
  void store(int32_t partition, int64_t value) {
    cells_[static_cast<std::size_t>(partition)].store(value, std::memory_order_relaxed);
  }
  // Raises the cell to `value` if that is larger. REQUIRES: contains(partition).
  void raise(int32_t partition, int64_t value) {
    std::atomic<int64_t>& cell = cells_[static_cast<std::size_t>(partition)];
    int64_t current = cell.load(std::memory_order_relaxed);
    while (current < value &&
           !cell.compare_exchange_weak(current, value, std::memory_order_relaxed)) {
    }
  }

 private:
  int64_t empty_;
  std::unique_ptr<std::atomic<int64_t>[]> cells_;
  std::size_t size_ = 0;
};

}  // namespace driftd::kafka
