// Durations as written in a driftd configuration.
//
// A duration is a non-negative decimal integer immediately followed by a unit:
//   ms (milliseconds), s (seconds), m (minutes), h (hours), d (days = 24 h),
// e.g. "500ms", "30s", "5m", "1h", "1d", "0s". Nothing else is accepted: no
// sign ("-1s", "+1s"), no fraction ("1.5m"), no bare number ("5"), no spaces,
// no compound forms ("1h30m"), no sub-millisecond units. A value that does not
// fit in std::chrono::milliseconds (64-bit) is refused as too large.
//
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace driftd::config {

using Duration = std::chrono::milliseconds;

// The syntax above as JSON Schema patterns (ECMA-262), for
// config/json_schema.h: any duration, and one greater than 0. They say
// nothing of the 64-bit limit ("is too large for a duration").
inline constexpr std::string_view kDurationPattern = "^[0-9]+(ms|s|m|h|d)$";
inline constexpr std::string_view kPositiveDurationPattern = "^[0-9]*[1-9][0-9]*(ms|s|m|h|d)$";

// The problem reported for anything that is not a duration.
inline constexpr std::string_view kDurationSyntaxProblem =
    "must be a duration: an integer and a unit (ms, s, m, h or d), such as \"30s\"";

// The duration `text` denotes, or std::nullopt with `problem` set to a
// sentence fragment for ConfigError ("must be a duration: ...", "is too
// large ...").
std::optional<Duration> parse_duration(std::string_view text, std::string& problem);

// The canonical spelling of `d` in the largest unit that divides it exactly:
// 90000ms -> "90s", 3600000ms -> "1h", 0 -> "0s". parse_duration() reads it
// back to the same value. REQUIRES: d >= 0.
std::string format_duration(Duration d);

}  // namespace driftd::config
