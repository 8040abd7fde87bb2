#include "config/duration.h"

#include <array>
#include <cstdint>
#include <limits>

namespace driftd::config {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t millis;
};

// Longest suffix first where one is a suffix of another ("ms" before "s").
constexpr std::array<Unit, 5> kUnits{{
    {"ms", 1},
    {"s", 1000},
    {"m", 60 * 1000},
    {"h", 60 * 60 * 1000},
    {"d", 24 * 60 * 60 * 1000},
}};

}  // namespace

std::optional<Duration> parse_duration(std::string_view text, std::string& problem) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string_view suffix = text.substr(digits);
  const Unit* unit = nullptr;
  for (const Unit& u : kUnits) {
    if (suffix == u.suffix) unit = &u;
  }
  if (digits == 0 || unit == nullptr) {
    problem = kDurationSyntaxProblem;
    return std::nullopt;
  }
  constexpr std::int64_t kMax = std::numeric_limits<Duration::rep>::max();
  std::int64_t value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const int digit = text[i] - '0';
    if (value > (kMax - digit) / 10) {
      problem = "is too large for a duration";
      return std::nullopt;
    }
    value = value * 10 + digit;
  }
  if (value > kMax / unit->millis) {
    problem = "is too large for a duration";
    return std::nullopt;
  }
  return Duration(value * unit->millis);
}

std::string format_duration(Duration d) {
  const std::int64_t ms = d.count();
  if (ms == 0) return "0s";
  for (auto it = kUnits.rbegin(); it != kUnits.rend(); ++it) {
    if (ms % it->millis == 0) return std::to_string(ms / it->millis) + std::string(it->suffix);
  }
  return std::to_string(ms) + "ms";  // not reached: every count divides by 1
}

}  // namespace driftd::config
