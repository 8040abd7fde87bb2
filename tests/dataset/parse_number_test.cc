// parse_number (fast_float) against the definition it must keep:
// std::from_chars on the text without surrounding blanks and one leading
// '+', the whole text consumed; beyond the double range, +-inf and +-0 as
// strtod gives them.
#include "dataset/table.h"

#include <catch2/catch.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

namespace driftd {
namespace {

std::optional<double> reference_parse_number(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Same bits (so -0.0 differs from 0.0 and NaNs compare equal), or both not numbers.
bool same(std::optional<double> a, std::optional<double> b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  if (std::isnan(*a) && std::isnan(*b)) return true;
  return std::memcmp(&*a, &*b, sizeof(double)) == 0;
}

TEST_CASE("parse_number equals its from_chars definition on plain decimals and their edges") {
  for (const std::string text :
       {"0", "-0", "-0.0", "0.000", "9007199254740992", "9007199254740993", "-9007199254740992",
        "900719925474099.2", "0.9007199254740993", "1234567890123456789", "12345678901234567890",
        "1.0000000000000000000001", "0.0000000000000000000001", "0.00000000000000000000001",
        "1.", ".5", "-.5", "5.e3", "1e5", "1.5E-3", "007.50", "-", ".", "-.", "1..2", "1.2.3",
        " 12.5\t", "+3.25", "+-3", "--3", "1,5", "0x10", "inf", "-nan", "1_000", "٣"}) {
    INFO("'" << text << "'");
    CHECK(same(parse_number(text), reference_parse_number(text)));
  }
}

TEST_CASE("parse_number rounds magnitudes beyond the double range as strtod does") {
  for (const std::string text : {"1e400", "-1e400", "1e-400", "-1e-400", "2e308", "1e-330",
                                 "4.9e-324", "123456789012345678901234567890e300"}) {
    INFO("'" << text << "'");
    CHECK(same(parse_number(text), std::strtod(text.c_str(), nullptr)));
  }
}

TEST_CASE("parse_number equals its from_chars definition in exponent notation") {
  std::mt19937_64 rng(12);
  for (int i = 0; i < 200000; ++i) {
    std::string text = std::to_string(rng() % 100000) + "." + std::to_string(rng() % 1000000) + "e" +
                       std::to_string(static_cast<int>(rng() % 600) - 300);
    INFO("'" << text << "'");
    REQUIRE(same(parse_number(text), reference_parse_number(text)));
  }
}

TEST_CASE("parse_number equals its from_chars definition on random decimals") {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 200000; ++i) {
    std::string text;
    if (rng() % 2) text += '-';
    const std::size_t integer_digits = 1 + rng() % 18;
    for (std::size_t d = 0; d < integer_digits; ++d) text += static_cast<char>('0' + rng() % 10);
    if (rng() % 4 != 0) {
      text += '.';
      const std::size_t fraction_digits = 1 + rng() % 22;
      for (std::size_t d = 0; d < fraction_digits; ++d) text += static_cast<char>('0' + rng() % 10);
    }
    INFO("'" << text << "'");
    REQUIRE(same(parse_number(text), reference_parse_number(text)));
  }
}

}  // namespace
}  // namespace driftd
