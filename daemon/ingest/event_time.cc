#include "ingest/event_time.h"

#include <cmath>
#include <limits>
#include <string>

#include "common/error.h"

namespace driftd::ingest {
namespace {

std::int64_t floor_div(std::int64_t value, std::int64_t divisor) {
  std::int64_t quotient = value / divisor;
  if (value % divisor != 0 && value < 0) {
    --quotient;
  }
  return quotient;
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
// (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool is_leap(unsigned y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(unsigned y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads `count` decimal digits at text[pos]; false if any is not a digit.
bool read_digits(std::string_view text, std::size_t pos, std::size_t count, unsigned& out) {
  if (pos + count > text.size()) {
    return false;
  }
  out = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return false;
    }
    out = out * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return true;
}

}  // namespace

TimeUnit parse_time_unit(std::string_view text) {
  if (text == "s") return TimeUnit::kSeconds;
  if (text == "ms") return TimeUnit::kMilliseconds;
  if (text == "us") return TimeUnit::kMicroseconds;
  if (text == "ns") return TimeUnit::kNanoseconds;
  throw InputError("unknown event-time unit \"" + std::string(text) +
                   "\" (expected s, ms, us or ns)");
}

std::string_view to_string(TimeUnit unit) noexcept {
  switch (unit) {
    case TimeUnit::kSeconds: return "s";
    case TimeUnit::kMilliseconds: return "ms";
    case TimeUnit::kMicroseconds: return "us";
    case TimeUnit::kNanoseconds: return "ns";
  }
  return "?";
}

std::optional<std::int64_t> epoch_ms_from_int(std::int64_t value, TimeUnit unit) noexcept {
  switch (unit) {
    case TimeUnit::kSeconds: {
      std::int64_t ms = 0;
      if (__builtin_mul_overflow(value, std::int64_t{1000}, &ms)) {
        return std::nullopt;
      }
      return ms;
    }
    case TimeUnit::kMilliseconds: return value;
    case TimeUnit::kMicroseconds: return floor_div(value, 1000);
    case TimeUnit::kNanoseconds: return floor_div(value, 1000000);
  }
  return std::nullopt;
}

std::optional<std::int64_t> epoch_ms_from_uint(std::uint64_t value, TimeUnit unit) noexcept {
  if (value <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return epoch_ms_from_int(static_cast<std::int64_t>(value), unit);
  }
  switch (unit) {
    case TimeUnit::kSeconds:
    case TimeUnit::kMilliseconds: return std::nullopt;
    case TimeUnit::kMicroseconds: return static_cast<std::int64_t>(value / 1000);
    case TimeUnit::kNanoseconds: return static_cast<std::int64_t>(value / 1000000);
  }
  return std::nullopt;
}

std::optional<std::int64_t> epoch_ms_from_double(double value, TimeUnit unit) noexcept {
  if (!std::isfinite(value)) {
    return std::nullopt;
  }
  double ms = value;
  switch (unit) {
    case TimeUnit::kSeconds: ms = value * 1000.0; break;
    case TimeUnit::kMilliseconds: break;
    case TimeUnit::kMicroseconds: ms = value / 1000.0; break;
    case TimeUnit::kNanoseconds: ms = value / 1000000.0; break;
  }
  const double nearest = std::nearbyint(ms);
  const double magnitude = std::fabs(ms);
  const double ulp = std::nextafter(magnitude, std::numeric_limits<double>::infinity()) - magnitude;
  if (std::fabs(ms - nearest) <= 4 * ulp) {
    ms = nearest;
  }
  ms = std::floor(ms);
  // [-2^63, 2^63): both bounds are exact doubles.
  if (!(ms >= -9223372036854775808.0 && ms < 9223372036854775808.0)) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(ms);
}

std::optional<std::int64_t> epoch_ms_from_rfc3339(std::string_view text) noexcept {
  // YYYY-MM-DD(T|t| )HH:MM:SS[.f+](Z|z|(+|-)HH[:]MM)
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(text, 0, 4, year) || text.size() < 19 || text[4] != '-' ||
      !read_digits(text, 5, 2, month) || text[7] != '-' || !read_digits(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      !read_digits(text, 11, 2, hour) || text[13] != ':' || !read_digits(text, 14, 2, minute) ||
      text[16] != ':' || !read_digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t first = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (pos - first < 3) {
        millis = millis * 10 + (text[pos] - '0');
      }
      ++pos;
    }
    if (pos == first) {
      return std::nullopt;
    }
    for (std::size_t digits = pos - first; digits < 3; ++digits) {
      millis *= 10;
    }
  }
  if (pos >= text.size()) {
    return std::nullopt;  // no offset
  }
  std::int64_t offset_minutes = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    const bool negative = text[pos] == '-';
    unsigned off_hour = 0, off_minute = 0;
    if (!read_digits(text, pos + 1, 2, off_hour)) {
      return std::nullopt;
    }
    pos += 3;
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
    }
    if (!read_digits(text, pos, 2, off_minute) || off_hour > 23 || off_minute > 59) {
      return std::nullopt;
    }
    pos += 2;
    offset_minutes = (negative ? -1 : 1) * static_cast<std::int64_t>(off_hour * 60 + off_minute);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) {
    return std::nullopt;
  }
  const std::int64_t days = days_from_civil(year, month, day);
  const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return seconds * 1000 + millis;
}

}  // namespace driftd::ingest
