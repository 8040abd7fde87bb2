// Counts heap allocations made by this thread, so tests can prove that a
// call does not allocate or allocates no more than it should.
//
// allocation_counter.cc replaces the global operator new/delete of the test
// binary; the replacement forwards to malloc/free (ASan still sees them).
#pragma once

#include <cstddef>

namespace driftd::testing {

struct AllocationStats {
  std::size_t allocations = 0;
  std::size_t largest = 0;  // bytes of the largest single allocation
};

// Allocations made by this thread while the scope was alive.
class AllocationScope {
 public:
  AllocationScope();
  ~AllocationScope();
  AllocationScope(const AllocationScope&) = delete;
  AllocationScope& operator=(const AllocationScope&) = delete;

  AllocationStats stats() const;

 private:
  AllocationStats saved_;
};

}  // namespace driftd::testing
