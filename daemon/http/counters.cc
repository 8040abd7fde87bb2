#include "http/counters.h"

namespace driftd::http {

std::uint64_t ServerCounters::responses(int status_class) const {
  if (status_class < 1 || status_class > 5) {
    return 0;
  }
  return responses_by_class[static_cast<std::size_t>(status_class - 1)].load(
      std::memory_order_relaxed);
}

std::uint64_t ServerCounters::rejected_total() const {
  return rejected_connections.load(std::memory_order_relaxed) +
         rejected_streams.load(std::memory_order_relaxed) +
         rejected_body_too_large.load(std::memory_order_relaxed) +
         rejected_body_budget.load(std::memory_order_relaxed) +
         rejected_header_too_large.load(std::memory_order_relaxed) +
         rejected_unauthorized.load(std::memory_order_relaxed) +
         timeouts.load(std::memory_order_relaxed);
}

void ServerCounters::count_response(unsigned status) {
  const unsigned status_class = status / 100;
  if (status_class >= 1 && status_class <= 5) {
    responses_by_class[status_class - 1].fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace driftd::http
