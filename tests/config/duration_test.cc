#include "config/duration.h"

#include <catch2/catch.hpp>

namespace driftd::config {
namespace {

using namespace std::chrono_literals;

std::optional<Duration> parse(std::string_view text) {
  std::string problem;
  return parse_duration(text, problem);
}

std::string problem_of(std::string_view text) {
  std::string problem;
  REQUIRE_FALSE(parse_duration(text, problem).has_value());
  return problem;
}

TEST_CASE("Durations take every unit") {
  CHECK(parse("500ms") == Duration(500));
  CHECK(parse("30s") == Duration(30s));
  CHECK(parse("5m") == Duration(5min));
  CHECK(parse("1h") == Duration(1h));
  CHECK(parse("1d") == Duration(24h));
  CHECK(parse("0s") == Duration(0));
  CHECK(parse("007s") == Duration(7s));
}

TEST_CASE("Durations refuse anything but an integer and a unit") {
  const std::string syntax(kDurationSyntaxProblem);
  for (const char* bad : {"5", "-1s", "+1s", "1.5m", "", "s", " 5s", "5s ", "5 s", "1h30m", "5S",
                          "5us", "5ns", "5sec", "1e3ms", "0x10s"}) {
    INFO(bad);
    CHECK(problem_of(bad) == syntax);
  }
}

TEST_CASE("Durations refuse values beyond 64-bit milliseconds") {
  CHECK(parse("9223372036854775807ms") == Duration(9223372036854775807LL));
  CHECK(problem_of("9223372036854775808ms") == "is too large for a duration");
  CHECK(problem_of("99999999999999999999999s") == "is too large for a duration");
  CHECK(parse("9223372036854775s") == Duration(9223372036854775000LL));
  CHECK(problem_of("9223372036854776s") == "is too large for a duration");
  CHECK(problem_of("106751991167301d") == "is too large for a duration");
}

TEST_CASE("Durations format in the largest exact unit and read back") {
  CHECK(format_duration(Duration(0)) == "0s");
  CHECK(format_duration(Duration(1500)) == "1500ms");
  CHECK(format_duration(Duration(90s)) == "90s");
  CHECK(format_duration(Duration(2min)) == "2m");
  CHECK(format_duration(Duration(3h)) == "3h");
  CHECK(format_duration(Duration(48h)) == "2d");
  for (const Duration d : {Duration(1), Duration(61000), Duration(86400000), Duration(123456789)}) {
    CHECK(parse(format_duration(d)) == d);
  }
}

}  // namespace
}  // namespace driftd::config
