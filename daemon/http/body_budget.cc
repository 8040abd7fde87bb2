#include "http/body_budget.h"

#include <utility>

namespace driftd::http {

BodyBudget::Reservation::Reservation(Reservation&& other) noexcept
    : budget_(other.budget_), bytes_(std::exchange(other.bytes_, 0)) {}

BodyBudget::Reservation& BodyBudget::Reservation::operator=(Reservation&& other) noexcept {
  if (this != &other) {
    release();
    budget_ = other.budget_;
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

bool BodyBudget::Reservation::try_grow(std::uint64_t bytes) {
  if (!budget_->try_take(bytes)) {
    return false;
  }
  bytes_ += bytes;
  return true;
}

void BodyBudget::Reservation::release() {
  if (bytes_ > 0) {
    budget_->give_back(std::exchange(bytes_, 0));
  }
}

bool BodyBudget::try_take(std::uint64_t bytes) {
  std::uint64_t used = in_use_.load(std::memory_order_relaxed);
  do {
    if (bytes > capacity_ - used) {  // used <= capacity_ always: no underflow
      return false;
    }
  } while (!in_use_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
  return true;
}

void BodyBudget::give_back(std::uint64_t bytes) {
  in_use_.fetch_sub(bytes, std::memory_order_relaxed);
}

}  // namespace driftd::http
