// The bytes of request bodies the server holds at once, across all
// connections (ServerLimits::max_inflight_body_bytes). Each connection has a
// byte cap of its own (max_body_bytes), but many connections each sending a
// large body would still add up to any amount of memory; this one budget
// bounds the sum.
//
// Use (the session): before buffering a body it reserves the declared
// Content-Length, or each chunk's size as a chunked body announces it; a
// reservation that does not fit is refused (503) and nothing is read. The
// Reservation gives its bytes back when it is destroyed or released, so
// every way a request ends (answered, failed, timed out, client gone)
// returns them.
//
// Guarantees:
//  - in_use() <= capacity() at every moment: a reservation grows only by a
//    compare-and-swap that keeps the sum within capacity, so concurrent
//    reservations can never overshoot together.
//  - in_use() == the sum of bytes() over the live reservations (each
//    reservation adds exactly what it takes and gives back exactly that).
//  - Never blocks, never allocates.
//
// Thread safety: the budget is shared by every connection (any thread). A
// Reservation is a unique handle used by one thread at a time (a
// connection's strand).
#pragma once

#include <atomic>
#include <cstdint>

namespace driftd::http {

class BodyBudget {
 public:
  class Reservation {
   public:
    Reservation() = default;  // holds nothing
    explicit Reservation(BodyBudget& budget) : budget_(&budget) {}
    Reservation(Reservation&& other) noexcept;
    Reservation& operator=(Reservation&& other) noexcept;
    Reservation(const Reservation&) = delete;
    Reservation& operator=(const Reservation&) = delete;
    ~Reservation() { release(); }

    // Takes `bytes` more from the budget. False (and nothing taken) when
    // that would exceed its capacity; what is held already stays held.
    // REQUIRES: built from a budget (not default-constructed).
    bool try_grow(std::uint64_t bytes);
    // Gives everything held back. Idempotent.
    void release();
    std::uint64_t bytes() const { return bytes_; }

   private:
    BodyBudget* budget_ = nullptr;
    std::uint64_t bytes_ = 0;
  };

  // REQUIRES: capacity > 0.
  explicit BodyBudget(std::uint64_t capacity) : capacity_(capacity) {}
  BodyBudget(const BodyBudget&) = delete;
  BodyBudget& operator=(const BodyBudget&) = delete;

  std::uint64_t capacity() const { return capacity_; }
  // Bytes reserved now (a statistic: it may change as soon as it is read).
  std::uint64_t in_use() const { return in_use_.load(std::memory_order_relaxed); }

 private:
  bool try_take(std::uint64_t bytes);
  void give_back(std::uint64_t bytes);

  const std::uint64_t capacity_;
  // Relaxed everywhere: the counter publishes no other memory; atomicity of
  // the read-modify-writes alone keeps the sum exact and within capacity.
  std::atomic<std::uint64_t> in_use_{0};
};

}  // namespace driftd::http
