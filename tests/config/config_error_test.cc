#include "config/config_error.h"

#include <catch2/catch.hpp>

namespace driftd::config {
namespace {

TEST_CASE("ConfigError what() joins path and problem") {
  const ConfigError error("streams[0].window", "must be an object");
  CHECK(std::string(error.what()) == "streams[0].window: must be an object");
  CHECK(error.path() == "streams[0].window");
  CHECK(error.problem() == "must be an object");
}

TEST_CASE("ConfigError with an empty path is the problem alone") {
  const ConfigError error("", "line 1, column 2: oops");
  CHECK(std::string(error.what()) == "line 1, column 2: oops");
}

TEST_CASE("ConfigError is an InputError") {
  CHECK_THROWS_AS(throw ConfigError("a", "b"), InputError);
}

TEST_CASE("Config paths join keys with dots and indices with brackets") {
  CHECK(append_key("", "storage") == "storage");
  CHECK(append_key("storage", "path") == "storage.path");
  CHECK(append_index("streams", 3) == "streams[3]");
  CHECK(append_key(append_index("streams", 0), "name") == "streams[0].name");
}

TEST_CASE("Config paths quote keys that are not plain identifiers") {
  CHECK(append_key("kafka.properties", "security.protocol") ==
        "kafka.properties[\"security.protocol\"]");
  CHECK(append_key("", "") == "[\"\"]");
  CHECK(append_key("a", "say \"hi\"") == "a[\"say \\\"hi\\\"\"]");
  CHECK(append_key("a", "x\ny") == "a[\"x\\u000ay\"]");
}

}  // namespace
}  // namespace driftd::config
