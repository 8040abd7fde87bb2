// Event time: conversion of the JSON value at the event-time pointer to
// int64 milliseconds since the Unix epoch (UTC), the unit of every window.
//
// Numbers carry a unit given by the schema (s, ms, us, ns):
// - integers convert exactly; dividing units (us, ns) round towards
//   negative infinity (floor), so -1 us is -1 ms, 1999 us is 1 ms;
// - non-integral numbers (1700000000.123 s) are scaled in double precision
//   and floored; a result within 4 ulp of a whole millisecond is first
//   snapped to it, so the decimal-to-binary rounding of 1700000000.123 does
//   not turn it into ...122 ms;
// - a result outside int64 is nullopt (invalid), as are NaN and infinities.
// Strings are RFC 3339 timestamps (the ISO 8601 profile of the internet),
// independent of the unit: "2024-03-01T12:34:56Z",
// "2024-03-01t12:34:56.789+02:00", "2024-03-01 12:34:56.5-0130". The date
// and time are required, the seconds too, the offset as well (a timestamp
// without one is ambiguous, so invalid); the fraction may have any number
// of digits and is truncated to the millisecond; second 60 (a leap second)
// is accepted and counts as the first second of the next minute; years
// 0000-9999.
//
// Guarantees: every function is noexcept and allocation-free except
// parse_time_unit, which throws driftd::InputError for an unknown unit.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace driftd::ingest {

enum class TimeUnit : std::uint8_t { kSeconds, kMilliseconds, kMicroseconds, kNanoseconds };

// "s", "ms", "us" or "ns" (else InputError).
TimeUnit parse_time_unit(std::string_view text);
std::string_view to_string(TimeUnit unit) noexcept;

std::optional<std::int64_t> epoch_ms_from_int(std::int64_t value, TimeUnit unit) noexcept;
std::optional<std::int64_t> epoch_ms_from_uint(std::uint64_t value, TimeUnit unit) noexcept;
std::optional<std::int64_t> epoch_ms_from_double(double value, TimeUnit unit) noexcept;
std::optional<std::int64_t> epoch_ms_from_rfc3339(std::string_view text) noexcept;

}  // namespace driftd::ingest
