#include "ingest/event_time.h"

#include <cmath>
#include <limits>

#include <catch2/catch.hpp>

#include "common/error.h"

namespace driftd::ingest {
namespace {

using std::nullopt;

TEST_CASE("Time units parse and print") {
  CHECK(parse_time_unit("s") == TimeUnit::kSeconds);
  CHECK(parse_time_unit("ms") == TimeUnit::kMilliseconds);
  CHECK(parse_time_unit("us") == TimeUnit::kMicroseconds);
  CHECK(parse_time_unit("ns") == TimeUnit::kNanoseconds);
  CHECK_THROWS_AS(parse_time_unit("sec"), InputError);
  CHECK(to_string(TimeUnit::kMicroseconds) == "us");
}

TEST_CASE("Integer timestamps convert exactly and floor") {
  CHECK(epoch_ms_from_int(1700000000, TimeUnit::kSeconds) == 1700000000000);
  CHECK(epoch_ms_from_int(1700000000123, TimeUnit::kMilliseconds) == 1700000000123);
  CHECK(epoch_ms_from_int(1700000000123456, TimeUnit::kMicroseconds) == 1700000000123);
  CHECK(epoch_ms_from_int(1700000000123456789, TimeUnit::kNanoseconds) == 1700000000123);
  CHECK(epoch_ms_from_int(1999, TimeUnit::kMicroseconds) == 1);
  CHECK(epoch_ms_from_int(-1, TimeUnit::kMicroseconds) == -1);
  CHECK(epoch_ms_from_int(-1000000, TimeUnit::kNanoseconds) == -1);
  CHECK(epoch_ms_from_int(-1000001, TimeUnit::kNanoseconds) == -2);
  CHECK(epoch_ms_from_int(-5, TimeUnit::kSeconds) == -5000);
  CHECK(epoch_ms_from_int(std::numeric_limits<std::int64_t>::max(), TimeUnit::kSeconds) == nullopt);
  CHECK(epoch_ms_from_int(std::numeric_limits<std::int64_t>::min(), TimeUnit::kSeconds) == nullopt);
  CHECK(epoch_ms_from_int(std::numeric_limits<std::int64_t>::min(), TimeUnit::kNanoseconds) ==
        -9223372036855);
}

TEST_CASE("Unsigned timestamps beyond int64 convert when the unit divides") {
  const std::uint64_t big = 18446744073709551615ull;
  CHECK(epoch_ms_from_uint(big, TimeUnit::kNanoseconds) == 18446744073709);
  CHECK(epoch_ms_from_uint(big, TimeUnit::kMicroseconds) == 18446744073709551);
  CHECK(epoch_ms_from_uint(big, TimeUnit::kMilliseconds) == nullopt);
  CHECK(epoch_ms_from_uint(big, TimeUnit::kSeconds) == nullopt);
  CHECK(epoch_ms_from_uint(42, TimeUnit::kSeconds) == 42000);
}

TEST_CASE("Fractional timestamps floor after absorbing binary rounding") {
  CHECK(epoch_ms_from_double(1700000000.123, TimeUnit::kSeconds) == 1700000000123);
  CHECK(epoch_ms_from_double(1700000000.1239, TimeUnit::kSeconds) == 1700000000123);
  CHECK(epoch_ms_from_double(0.001, TimeUnit::kSeconds) == 1);
  CHECK(epoch_ms_from_double(1.5, TimeUnit::kMilliseconds) == 1);
  CHECK(epoch_ms_from_double(-1.5, TimeUnit::kMilliseconds) == -2);
  CHECK(epoch_ms_from_double(1999999.0, TimeUnit::kMicroseconds) == 1999);
  CHECK(epoch_ms_from_double(1.7e18, TimeUnit::kNanoseconds) == 1700000000000);
  CHECK(epoch_ms_from_double(1.7e12, TimeUnit::kMilliseconds) == 1700000000000);
  CHECK(epoch_ms_from_double(1e300, TimeUnit::kSeconds) == nullopt);
  CHECK(epoch_ms_from_double(9.3e18, TimeUnit::kMilliseconds) == nullopt);
  CHECK(epoch_ms_from_double(std::nan(""), TimeUnit::kSeconds) == nullopt);
  CHECK(epoch_ms_from_double(std::numeric_limits<double>::infinity(), TimeUnit::kNanoseconds) ==
        nullopt);
}

TEST_CASE("RFC 3339 timestamps parse with offsets and fractions") {
  CHECK(epoch_ms_from_rfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(epoch_ms_from_rfc3339("2023-11-14T22:13:20Z") == 1700000000000);
  CHECK(epoch_ms_from_rfc3339("2023-11-14T22:13:20.123Z") == 1700000000123);
  CHECK(epoch_ms_from_rfc3339("2023-11-14t22:13:20.1z") == 1700000000100);
  CHECK(epoch_ms_from_rfc3339("2023-11-14 22:13:20.123456789Z") == 1700000000123);
  CHECK(epoch_ms_from_rfc3339("2023-11-15T00:13:20+02:00") == 1700000000000);
  CHECK(epoch_ms_from_rfc3339("2023-11-14T20:43:20-0130") == 1700000000000);
  CHECK(epoch_ms_from_rfc3339("1969-12-31T23:59:59.5Z") == -500);
  CHECK(epoch_ms_from_rfc3339("2024-02-29T00:00:00Z") == 1709164800000);
  CHECK(epoch_ms_from_rfc3339("2016-12-31T23:59:60Z") == 1483228800000);
  CHECK(epoch_ms_from_rfc3339("0000-01-01T00:00:00Z") == -62167219200000);
}

TEST_CASE("Malformed RFC 3339 timestamps are refused") {
  for (const char* text : {"", "2023-11-14", "2023-11-14T22:13:20", "2023-11-14T22:13Z",
                           "2023-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2023-04-31T00:00:00Z",
                           "2023-11-14T24:00:00Z", "2023-11-14T22:60:00Z", "2023-11-14T22:13:61Z",
                           "2023-11-14T22:13:20.Z", "2023-11-14T22:13:20Zjunk",
                           "2023-11-14T22:13:20+2:00", "2023-11-14T22:13:20+24:00",
                           "2023-11-14X22:13:20Z", "20231114T221320Z", "1700000000",
                           "2023-11-14T22:13:20+02:0"}) {
    INFO(text);
    CHECK(epoch_ms_from_rfc3339(text) == nullopt);
  }
}

}  // namespace
}  // namespace driftd::ingest
