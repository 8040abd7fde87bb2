// The limits of config/README.md ("Limits"): each value at its limit is
// accepted and one step beyond is refused with the field's path, so that what
// validates also runs (issue 9: configurations that passed --check-config and
// then aborted driftd, overflowed its timers or never left the capture).
// Also a stream's groups and pairs (issue 11), and the text itself: nesting
// depth, numbers beyond a double, NUL characters in file names, a
// configuration file that never ends.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/config_parser.h"

namespace driftd::config {
namespace {

const std::string kFeatures = R"("features": [{"name": "f", "path": "/f", "type": "numeric"}])";

// A valid configuration but for the given window (of an event-time stream),
// top-level sections before "streams", storage section and reference.
std::string config(const std::string& window, const std::string& top = "",
                   const std::string& storage = R"({"path": "x.db"})",
                   const std::string& reference = R"({"type": "capture"})") {
  return R"({"storage": )" + storage + ", " + top + R"("streams": [{"name": "s",
      "source": {"type": "http"}, "event_time": {"field": "/t"}, "window": )" +
         window + R"(, "reference": )" + reference + ", " + kFeatures + "}]}";
}

const std::string kTumbling = R"({"type": "tumbling", "size": "1m"})";

std::string with_top(const std::string& top) { return config(kTumbling, top + ", "); }

const std::string kTimerLimit =
    "must be at most 4611686018427ms (timers count nanoseconds in 64 bits: 2^62 ns, about 146 "
    "years, is the longest)";
const std::string kTimestampLimit =
    "must be at most 4611686018427387903ms (timestamps and their differences stay within 2^62 "
    "- 1 ms, about 146 million years)";

struct Case {
  std::string config;
  std::string message;  // "" when the configuration is valid
};

void check_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    INFO("config: " << c.config);
    if (c.message.empty()) {
      CHECK_NOTHROW(parse_config(c.config));
      continue;
    }
    try {
      parse_config(c.config);
      FAIL_CHECK("accepted, expected: " << c.message);
    } catch (const ConfigError& e) {
      CHECK(std::string(e.what()) == c.message);
    }
  }
}

TEST_CASE("Timer durations stop at 2^62 ns: the steady clock and Asio deadlines cannot overflow") {
  std::vector<Case> cases;
  const std::vector<std::pair<std::string, std::string>> timers = {
      {"http", "idle_timeout"},
      {"webhooks", "timeout"},
      {"webhooks", "retry_initial"},
  };
  for (const auto& timer : timers) {
    const std::string& section = timer.first;
    const std::string& field = timer.second;
    const auto with = [&](const std::string& value) {
      return with_top("\"" + section + "\": {\"" + field + "\": \"" + value + "\"" +
                      (field == "retry_initial" ? ", \"retry_max\": \"" + value + "\"" : "") +
                      "}");
    };
    const std::string path = section + "." + field + ": ";
    cases.push_back({with("4611686018427ms"), ""});
    cases.push_back({with("4611686018428ms"), path + kTimerLimit});
    cases.push_back({with("106751991167d"), path + kTimerLimit});  // issue 9's idle_timeout
    cases.push_back({with("9223372036854775807ms"), path + kTimerLimit});
  }
  cases.push_back({with_top(R"("webhooks": {"retry_max": "53376d"})"),
                   "webhooks.retry_max: " + kTimerLimit});
  cases.push_back({config(kTumbling, "", R"({"path": "x.db", "checkpoint_interval": "53375d"})"), ""});
  cases.push_back({config(kTumbling, "", R"({"path": "x.db", "checkpoint_interval": "53376d"})"),
                   "storage.checkpoint_interval: " + kTimerLimit});
  check_cases(cases);
}

TEST_CASE("Window sizes, slides and retention stop at the timestamp range, 2^62 - 1 ms") {
  check_cases({
      {config(R"({"type": "tumbling", "size": "4611686018427387903ms"})"), ""},
      {config(R"({"type": "tumbling", "size": "4611686018427387904ms"})"),
       "streams[0].window.size: " + kTimestampLimit},
      {config(R"({"type": "tumbling", "size": "9223372036854775807ms"})"),
       "streams[0].window.size: " + kTimestampLimit},
      {config(R"({"type": "sliding", "size": "4611686018427387904ms", "slide": "1ms"})"),
       "streams[0].window.size: " + kTimestampLimit},
      {config(R"({"type": "sliding", "size": "1m", "slide": "4611686018427387904ms"})"),
       "streams[0].window.slide: " + kTimestampLimit},
      {config(kTumbling, "", R"({"path": "x.db", "retention": "4611686018427387903ms"})"), ""},
      {config(kTumbling, "", R"({"path": "x.db", "retention": "4611686018427387904ms"})"),
       "storage.retention: " + kTimestampLimit},
      {config(kTumbling, "", R"({"path": "x.db", "hourly_retention": "106751991167d"})"),
       "storage.hourly_retention: " + kTimestampLimit},
      {config(kTumbling, "", R"({"path": "x.db", "event_retention": "106751991167d"})"),
       "storage.event_retention: " + kTimestampLimit},
  });
}

TEST_CASE("A sliding window spans at most 4096 slides") {
  check_cases({
      {config(R"({"type": "sliding", "size": "4096ms", "slide": "1ms"})"), ""},
      {config(R"({"type": "sliding", "size": "4097ms", "slide": "1ms"})"),
       "streams[0].window.size: must be at most 4096 times slide (1ms): a sliding window is kept "
       "as size/slide panes of its slide"},
      {config(R"({"type": "sliding", "size": "1d", "slide": "1s"})"),
       "streams[0].window.size: must be at most 4096 times slide (1s): a sliding window is kept "
       "as size/slide panes of its slide"},
  });
}

TEST_CASE("Allowed lateness keeps the open panes within the recorder's 4096") {
  const auto lateness = [](const std::string& window, const std::string& late) {
    return config(window.substr(0, window.size() - 1) + R"(, "allowed_lateness": ")" + late +
                  "\"}");
  };
  const std::string one_ms = R"({"type": "tumbling", "size": "1ms"})";
  const std::string sliding = R"({"type": "sliding", "size": "1m", "slide": "1s"})";
  const std::string longest = R"({"type": "tumbling", "size": "4611686018427387903ms"})";
  check_cases({
      {lateness(one_ms, "4093ms"), ""},
      {lateness(one_ms, "4094ms"),
       "streams[0].window.allowed_lateness: must be at most 4093ms with panes of 1ms: late events "
       "wait in open panes, at most 4096 including the current one and 2 spares"},
      // Issue 9: size 1ms with a day of lateness never left the capture.
      {lateness(one_ms, "1d"),
       "streams[0].window.allowed_lateness: must be at most 4093ms with panes of 1ms: late events "
       "wait in open panes, at most 4096 including the current one and 2 spares"},
      {lateness(sliding, "4093s"), ""},
      {lateness(sliding, "4094s"),
       "streams[0].window.allowed_lateness: must be at most 4093s with panes of 1s: late events "
       "wait in open panes, at most 4096 including the current one and 2 spares"},
      // Issue 9: int64's largest lateness aborted driftd.
      {lateness(kTumbling, "9223372036854775807ms"),
       "streams[0].window.allowed_lateness: must be at most 4093m with panes of 1m: late events "
       "wait in open panes, at most 4096 including the current one and 2 spares"},
      {lateness(longest, "4611686018427387903ms"), ""},
      {lateness(longest, "4611686018427387904ms"),
       "streams[0].window.allowed_lateness: must be at most 4611686018427387903ms with panes of "
       "4611686018427387903ms: late events wait in open panes, at most 4096 including the current "
       "one and 2 spares"},
  });
}

TEST_CASE("Events per count window and per captured reference stop at 2^62 - 1") {
  const auto count = [](const std::string& events) {
    return config(R"({"type": "count", "events": )" + events + "}");
  };
  const auto captured = [](const std::string& events) {
    return config(kTumbling, "", R"({"path": "x.db"})",
                  R"({"type": "capture", "events": )" + events + "}");
  };
  const std::string too_many = "must be at most 4611686018427387903";
  // A count window has no event time: drop it from config().
  const auto no_event_time = [](std::string text) {
    const std::string event_time = R"("event_time": {"field": "/t"}, )";
    return text.replace(text.find(event_time), event_time.size(), "");
  };
  check_cases({
      {no_event_time(count("4611686018427387903")), ""},
      {no_event_time(count("4611686018427387904")), "streams[0].window.events: " + too_many},
      {no_event_time(count("9223372036854775808")), "streams[0].window.events: " + too_many},
      {no_event_time(count("1e19")), "streams[0].window.events: " + too_many},  // issue 9
      {no_event_time(count("18446744073709551615")), "streams[0].window.events: " + too_many},
      {no_event_time(count("1e300")), "streams[0].window.events: " + too_many},
      {captured("4611686018427387903"), ""},
      {captured("4611686018427387904"), "streams[0].reference.events: " + too_many},
      {captured("1e19"), "streams[0].reference.events: " + too_many},
  });
}

TEST_CASE("Body size, poll batch and subscriptions have their limits") {
  const std::string kafka = R"("kafka": {"brokers": "b:9092", "group_id": "g", "poll_batch": )";
  check_cases({
      {with_top(R"("http": {"max_body_bytes": 4294967295, "max_inflight_body_bytes": 4294967295})"),
       ""},
      {with_top(R"("http": {"max_body_bytes": 4294967296})"),
       "http.max_body_bytes: must be at most 4294967295"},
      {with_top(kafka + "1000000}"), ""},
      {with_top(kafka + "1000001}"), "kafka.poll_batch: must be at most 1000000"},
      {with_top(kafka + "4294967295}"), "kafka.poll_batch: must be at most 1000000"},
      {with_top(R"("webhooks": {"max_subscriptions": 1})"), ""},
      {with_top(R"("webhooks": {"max_subscriptions": 10000})"), ""},
      {with_top(R"("webhooks": {"max_subscriptions": 0})"),
       "webhooks.max_subscriptions: must be an integer between 1 and 10000"},
      {with_top(R"("webhooks": {"max_subscriptions": 10001})"),
       "webhooks.max_subscriptions: must be an integer between 1 and 10000"},
  });
  CHECK(parse_config(with_top(R"("webhooks": {})")).webhooks.max_subscriptions == 100);
  CHECK(parse_config(with_top(R"("webhooks": {"max_subscriptions": 7})")).webhooks.max_subscriptions ==
        7);
}

TEST_CASE("smoothing_alpha stays where the smoothed probabilities are finite") {
  const auto alpha = [](const std::string& value) {
    std::string text = config(kTumbling);
    return text.replace(text.find(kFeatures), 0, R"("smoothing_alpha": )" + value + ", ");
  };
  const std::string problem =
      "streams[0].smoothing_alpha: must be at most 1e300 (the smoothed probabilities (c + alpha) "
      "/ (n + bins * alpha) need n + bins * alpha finite)";
  check_cases({
      {alpha("0"), ""},
      {alpha("1e300"), ""},
      {alpha("1.000001e300"), problem},
      {alpha("1.7e308"), problem},  // every window failed: "p sums to 0, not 1"
  });
}

TEST_CASE("A number beyond a double's range is refused at its path") {
  const std::string problem =
      "the number '1e400' is out of range (numbers must be finite, at most about 1.8e308)";
  check_cases({
      {config(R"({"type": "count", "events": 1e400})"), "streams[0].window.events: " + problem},
      {config(kTumbling).replace(config(kTumbling).find(kFeatures), kFeatures.size(),
                                 R"("features": [{"name": "f", "path": "/f", "type": "numeric",
                                     "binning": "edges", "edges": [1, 2, 1e400]}])"),
       "streams[0].features[0].edges[2]: " + problem},
      {R"({"storage": {"path": "x.db"}, "http": {"max_body_bytes": -1e400}})",
       "http.max_body_bytes: the number '-1e400' is out of range (numbers must be finite, at most "
       "about 1.8e308)"},
  });
}

// A valid configuration but for its only stream's features (the given JSON
// objects, comma-separated) and its groups and pairs members.
std::string with_views(const std::string& features, const std::string& members) {
  return R"({"storage": {"path": "x.db"}, "streams": [{"name": "s", "source": {"type": "http"},
      "window": {"type": "count", "events": 10}, "features": [)" +
         features + "], " + members + "}]}";
}

// `count` numeric features named f0, f1, ...
std::string numeric_features(std::size_t count) {
  std::string out;
  for (std::size_t j = 0; j < count; ++j) {
    out += std::string(j == 0 ? "" : ", ") + R"({"name": "f)" + std::to_string(j) +
           R"(", "path": "/f)" + std::to_string(j) + R"(", "type": "numeric"})";
  }
  return out;
}

// The JSON array of `count` objects made by `element(i)`.
template <class Element>
std::string array_of(std::size_t count, Element element) {
  std::string out = "[";
  for (std::size_t i = 0; i < count; ++i) out += std::string(i == 0 ? "" : ", ") + element(i);
  return out + "]";
}

// A group named g<i> of features f<i> and f<i + 1>.
std::string group(std::size_t i) {
  return R"({"name": "g)" + std::to_string(i) + R"(", "features": ["f)" + std::to_string(i) +
         R"(", "f)" + std::to_string(i + 1) + R"("]})";
}

// A pair named p<i> of features f<i> and f<i + 1>.
std::string pair(std::size_t i) {
  return R"({"name": "p)" + std::to_string(i) + R"(", "x": "f)" + std::to_string(i) +
         R"(", "y": "f)" + std::to_string(i + 1) + R"("})";
}

// A group of features f0 .. f<count - 1>.
std::string group_of(std::size_t count) {
  std::string names;
  for (std::size_t j = 0; j < count; ++j) {
    names += std::string(j == 0 ? "\"f" : ", \"f") + std::to_string(j) + "\"";
  }
  return R"("groups": [{"name": "all", "features": [)" + names + "]}]";
}

TEST_CASE("A stream has at most 16 groups of at most 64 features and 64 pairs") {
  const std::string features = numeric_features(66);
  const auto groups = [&](std::size_t count) {
    return with_views(features, R"("groups": )" + array_of(count, group));
  };
  const auto pairs = [&](std::size_t count) {
    return with_views(features, R"("pairs": )" + array_of(count, pair));
  };
  check_cases({
      {groups(16), ""},
      {groups(17), "streams[0].groups: must hold at most 16 groups"},
      {pairs(64), ""},
      {pairs(65), "streams[0].pairs: must hold at most 64 pairs"},
      {with_views(features, group_of(2)), ""},
      {with_views(features, group_of(64)), ""},
      {with_views(features, group_of(65)),
       "streams[0].groups[0].features: must name at most 64 features"},
  });
  const Config config = parse_config(groups(16));
  REQUIRE(config.streams.at(0).groups.size() == 16);
  CHECK(config.streams[0].groups[15].feature_indices == std::vector<std::size_t>{15, 16});
  CHECK(parse_config(pairs(64)).streams.at(0).pairs.at(63).y_index == 64);
  CHECK(parse_config(with_views(features, group_of(64))).streams.at(0).groups.at(0)
            .feature_indices.size() == 64);
}

// A feature named `name`: numeric with `binning` members, or categorical
// with max_categories `categories` when binning is empty.
std::string feature(const std::string& name, const std::string& binning,
                    std::size_t categories = 0) {
  if (binning.empty()) {
    return R"({"name": ")" + name + R"(", "path": "/)" + name +
           R"(", "type": "categorical", "max_categories": )" + std::to_string(categories) + "}";
  }
  return R"({"name": ")" + name + R"(", "path": "/)" + name + R"(", "type": "numeric", )" +
         binning + "}";
}

// `count` strictly increasing edges.
std::string edges(std::size_t count) {
  return R"("binning": "edges", "edges": )" +
         array_of(count, [](std::size_t i) { return std::to_string(i); });
}

TEST_CASE("A pair's joint table has at most 65536 cells by its features' most bins") {
  // x then y; the bound of each: categorical max_categories + 1, numeric
  // bins (quantile, uniform) or edges + 1.
  const auto pair_of = [](const std::string& x, const std::string& y) {
    return with_views(x + ", " + y, R"("pairs": [{"name": "x|y", "x": "x", "y": "y"}])");
  };
  const auto cells = [](const std::string& product) {
    return "streams[0].pairs[0]: the joint table could have " + product + " cells, more than 65536";
  };
  check_cases({
      {pair_of(feature("x", R"("bins": 256)"), feature("y", R"("bins": 256)")), ""},
      {pair_of(feature("x", R"("bins": 256)"), feature("y", R"("bins": 257)")),
       cells("256 x 257 = 65792")},
      {pair_of(feature("x", R"("bins": 4096)"),
               feature("y", R"("bins": 16, "binning": "uniform")")),
       ""},
      {pair_of(feature("x", R"("bins": 4096)"),
               feature("y", R"("bins": 17, "binning": "uniform")")),
       cells("4096 x 17 = 69632")},
      // Categorical: max_categories + 1 (__other__).
      {pair_of(feature("x", "", 4095), feature("y", R"("bins": 16)")), ""},
      {pair_of(feature("x", "", 4096), feature("y", R"("bins": 16)")),
       cells("4097 x 16 = 65552")},
      {pair_of(feature("x", "", 255), feature("y", "", 255)), ""},
      {pair_of(feature("x", "", 255), feature("y", "", 256)), cells("256 x 257 = 65792")},
      // Edges: their number + 1.
      {pair_of(feature("x", edges(4095)), feature("y", R"("bins": 16)")), ""},
      {pair_of(feature("x", edges(4095)), feature("y", edges(16))), cells("4096 x 17 = 69632")},
      {pair_of(feature("x", "", 50), feature("y", edges(1284))), ""},  // 51 x 1285 = 65535
      {pair_of(feature("x", "", 50), feature("y", edges(1285))), cells("51 x 1286 = 65586")},
      // The smallest table beyond the limit (65537 is prime: no table has it).
      {pair_of(feature("x", R"("bins": 18)"), feature("y", "", 3640)), cells("18 x 3641 = 65538")},
      // The largest of all: 4097 x 4096.
      {pair_of(feature("x", "", 4096), feature("y", R"("bins": 4096)")),
       cells("4097 x 4096 = 16781312")},
  });
}

TEST_CASE("max_bin_count: the most bins a reference of this configuration can have") {
  FeatureConfig numeric;  // quantile, 20 bins
  CHECK(max_bin_count(numeric) == 20);
  numeric.bins = 4096;
  CHECK(max_bin_count(numeric) == 4096);
  numeric.binning = Binning::uniform;
  numeric.bins = 2;
  CHECK(max_bin_count(numeric) == 2);
  // Edges count, whatever `bins` holds in a hand-made config.
  numeric.binning = Binning::edges;
  numeric.edges = {1, 2, 3};
  CHECK(max_bin_count(numeric) == 4);
  FeatureConfig categorical;
  categorical.type = FeatureType::categorical;
  categorical.bins = 0;
  categorical.max_categories = 4096;
  CHECK(max_bin_count(categorical) == 4097);
  categorical.max_categories = 1;
  CHECK(max_bin_count(categorical) == 2);
  // What the parser returns.
  const Config config = parse_config(with_views(
      feature("q", R"("bins": 7)") + ", " + feature("e", edges(9)) + ", " + feature("c", "", 50),
      R"("alerts": [])"));
  const std::vector<FeatureConfig>& features = config.streams.at(0).features;
  CHECK(max_bin_count(features.at(0)) == 7);
  CHECK(max_bin_count(features.at(1)) == 10);
  CHECK(max_bin_count(features.at(2)) == 51);
}

// `depth` arrays nested inside each other under the unknown top-level key "x".
std::string nested(std::size_t depth) {
  return R"({"storage": {"path": "x.db"}, "x": )" + std::string(depth, '[') +
         std::string(depth, ']') + "}";
}

TEST_CASE("Nesting deeper than 64 levels is refused with its path, however deep") {
  // 63 arrays under the top-level object: 64 levels, parsed (then refused
  // as an unknown field).
  CHECK_THROWS_WITH(parse_config(nested(63)), Catch::StartsWith("x: unknown field"));
  std::string path = "x";
  for (int level = 0; level < 63; ++level) path += "[0]";
  const std::string message = path + ": nested deeper than 64 levels";
  CHECK_THROWS_WITH(parse_config(nested(64)), message);
  // Issue 9: 40,000 levels took 2.9 GB; the same message now, in linear time.
  CHECK_THROWS_WITH(parse_config(nested(40'000)), message);
  CHECK_THROWS_WITH(parse_config(nested(1'000'000)), message);
}

TEST_CASE("A NUL in a file name is refused: the system would open a shorter name") {
  const std::string problem =
      "must not contain a NUL character (\\u0000): the system would read a shorter file name";
  check_cases({
      {config(kTumbling, "", R"({"path": "x.db\u0000.bak"})"), "storage.path: " + problem},
      {config(kTumbling, "", R"({"path": "x.db"})", R"({"type": "file", "path": "ref\u0000.csv"})"),
       "streams[0].reference.path: " + problem},
      {with_top(R"("webhooks": {"ca_file": "\u0000"})"), "webhooks.ca_file: " + problem},
      {with_top(R"("http": {"tls": {"certificate": "c\u0000", "private_key": "k"}})"),
       "http.tls.certificate: " + problem},
      {with_top(R"("http": {"tls": {"certificate": "c", "private_key": "k\u0000"}})"),
       "http.tls.private_key: " + problem},
  });
}

TEST_CASE("A configuration file that never ends is refused at 16 MiB") {
  CHECK_THROWS_WITH(load_config_file("/dev/zero"),
                    "config file \"/dev/zero\" is larger than 16777216 bytes");
}

}  // namespace
}  // namespace driftd::config
