#include "allocation_counter.h"

#include <algorithm>
#include <cstdlib>
#include <new>

namespace driftd::testing {
namespace {

// Per thread, so allocations of other threads (none in these tests, but
// Catch2 or the runtime may have some) never leak into a measurement.
thread_local AllocationStats current;

}  // namespace

AllocationScope::AllocationScope() : saved_(current) { current = {}; }

// Hands this scope's allocations on to the enclosing scope, if any.
AllocationScope::~AllocationScope() {
  current.allocations += saved_.allocations;
  current.largest = std::max(current.largest, saved_.largest);
}

AllocationStats AllocationScope::stats() const { return current; }

}  // namespace driftd::testing

namespace {

void* counted_malloc(std::size_t size) noexcept {
  auto& stats = driftd::testing::current;
  ++stats.allocations;
  stats.largest = std::max(stats.largest, size);
  return std::malloc(size == 0 ? 1 : size);
}

}  // namespace

// Every unaligned form, so that no allocation reaches a new/delete pair of
// the sanitizer runtime (Catch2 uses the nothrow form).
void* operator new(std::size_t size) {
  if (void* memory = counted_malloc(size)) return memory;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return counted_malloc(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return counted_malloc(size);
}
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete[](void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }
void operator delete[](void* memory, std::size_t) noexcept { std::free(memory); }
void operator delete(void* memory, const std::nothrow_t&) noexcept { std::free(memory); }
void operator delete[](void* memory, const std::nothrow_t&) noexcept { std::free(memory); }
