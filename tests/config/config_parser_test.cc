// parse_config() and load_config_file() on valid configurations: the example
// from the docs, the shipped files, defaults, comments and every variant.
#include "config/config_parser.h"

#include <fstream>

#include <catch2/catch.hpp>

namespace driftd::config {
namespace {

using namespace std::chrono_literals;

// The example of the configuration brief, verbatim.
constexpr const char* kExample = R"json({
  "storage": { "path": "driftd.db" },
  "http": { "listen": "127.0.0.1:8080" },
  "kafka": { "brokers": "127.0.0.1:9092", "group_id": "driftd" },
  "streams": [
    {
      "name": "payments",
      "source": { "type": "kafka", "topic": "payments" },
      "event_time": { "field": "/ts", "unit": "ms" },
      "window": { "type": "tumbling", "size": "1m", "allowed_lateness": "10s" },
      "reference": { "type": "capture", "events": 5000 },
      "features": [
        { "name": "amount", "path": "/amount", "type": "numeric", "bins": 20 },
        { "name": "country", "path": "/country", "type": "categorical", "max_categories": 50 }
      ],
      "alerts": [
        { "metric": "jsd", "warn": 0.02, "critical": 0.05, "for": 2, "min_samples": 500, "max_p_value": 0.001 }
      ]
    },
    {
      "name": "clicks",
      "source": { "type": "http" },
      "window": { "type": "count", "events": 2000 },
      "reference": { "type": "capture", "events": 2000 },
      "features": [ { "name": "latency_ms", "path": "/latency_ms", "type": "numeric" } ],
      "alerts": [ { "metric": "psi", "warn": 0.1, "critical": 0.25 } ]
    }
  ]
})json";

// A stream with one numeric feature, wrapped in the smallest valid config.
std::string minimal_with_stream(const std::string& stream) {
  return R"({"storage": {"path": "x.db"}, "streams": [)" + stream + "]}";
}

void check_example(const Config& config) {
  CHECK(config.storage.path == "driftd.db");
  CHECK(config.storage.synchronous == SyncMode::full);
  CHECK(config.storage.checkpoint_interval == 10s);
  CHECK_FALSE(config.storage.retention.has_value());
  CHECK(config.storage.event_retention == 24h * 90);

  CHECK(config.http.listen == ListenAddress{"127.0.0.1", 8080});
  CHECK_FALSE(config.http.auth_token.has_value());
  CHECK_FALSE(config.http.tls.has_value());
  CHECK(config.http.ingest_ack == IngestAck::durable);
  CHECK(config.http.max_body_bytes == 16u * 1024 * 1024);
  CHECK(config.http.max_inflight_body_bytes == 256u * 1024 * 1024);
  CHECK(config.http.max_connections == 1024u);
  CHECK(config.http.idle_timeout == 60s);
  CHECK(config.http.read_threads == 2u);
  CHECK(config.http.read_queue == 64u);
  CHECK(config.http.read_time_budget == 5s);

  REQUIRE(config.kafka.has_value());
  CHECK(config.kafka->brokers == "127.0.0.1:9092");
  CHECK(config.kafka->group_id == "driftd");
  CHECK(config.kafka->properties.empty());
  CHECK(config.kafka->poll_batch == 1000u);
  CHECK(config.kafka->threads == 1u);
  CHECK_FALSE(config.kafka->instance_id.has_value());  // derived: static membership

  REQUIRE(config.streams.size() == 2);
  const StreamConfig& payments = config.streams[0];
  CHECK(payments.name == "payments");
  CHECK(payments.source.type == SourceType::kafka);
  CHECK(payments.source.topic == "payments");
  REQUIRE(payments.event_time.has_value());
  CHECK(payments.event_time->source == EventTimeSource::field);
  CHECK(payments.event_time->field == "/ts");
  CHECK(payments.event_time->unit == TimeUnit::ms);
  CHECK(payments.event_time->max_future == 1h);
  CHECK(payments.window.type == WindowType::tumbling);
  CHECK(payments.window.size == 1min);
  CHECK(payments.window.slide == 1min);
  CHECK(payments.window.events == 0u);
  CHECK(payments.window.allowed_lateness == 10s);
  CHECK(payments.reference.type == ReferenceType::capture);
  CHECK(payments.reference.events == std::optional<std::uint64_t>(5000));
  CHECK(payments.reference.min_values == 10u);
  CHECK(payments.reference.path.empty());
  CHECK(payments.smoothing_alpha == 0.5);
  CHECK_FALSE(payments.fdr.has_value());
  REQUIRE(payments.features.size() == 2);
  const FeatureConfig& amount = payments.features[0];
  CHECK(amount.name == "amount");
  CHECK(amount.path == "/amount");
  CHECK(amount.type == FeatureType::numeric);
  CHECK(amount.bins == 20u);
  CHECK(amount.binning == Binning::quantile);
  CHECK(amount.edges.empty());
  CHECK(amount.max_categories == 0u);
  CHECK(amount.gaussian);
  const FeatureConfig& country = payments.features[1];
  CHECK(country.name == "country");
  CHECK(country.path == "/country");
  CHECK(country.type == FeatureType::categorical);
  CHECK(country.bins == 0u);
  CHECK(country.max_categories == 50u);
  CHECK_FALSE(country.gaussian);
  REQUIRE(payments.alerts.size() == 1);
  const AlertRule& jsd = payments.alerts[0];
  CHECK(jsd.metric == Metric::jsd);
  CHECK(jsd.warn == 0.02);
  CHECK(jsd.critical == 0.05);
  CHECK(jsd.for_windows == 2u);
  CHECK(jsd.min_samples == 500u);
  CHECK(jsd.max_p_value == std::optional<double>(0.001));
  CHECK(jsd.resolve_below == 0.02);
  CHECK(jsd.features.empty());

  const StreamConfig& clicks = config.streams[1];
  CHECK(clicks.name == "clicks");
  CHECK(clicks.source.type == SourceType::http);
  CHECK(clicks.source.topic.empty());
  CHECK_FALSE(clicks.event_time.has_value());
  CHECK(clicks.window.type == WindowType::count);
  CHECK(clicks.window.events == 2000u);
  CHECK(clicks.window.size == 0ms);
  CHECK(clicks.window.slide == 0ms);
  CHECK(clicks.window.allowed_lateness == 0ms);
  CHECK(clicks.reference.type == ReferenceType::capture);
  CHECK(clicks.reference.events == std::optional<std::uint64_t>(2000));
  CHECK(clicks.smoothing_alpha == 0.5);
  REQUIRE(clicks.features.size() == 1);
  CHECK(clicks.features[0].name == "latency_ms");
  CHECK(clicks.features[0].path == "/latency_ms");
  CHECK(clicks.features[0].type == FeatureType::numeric);
  CHECK(clicks.features[0].bins == 20u);
  CHECK(clicks.features[0].binning == Binning::quantile);
  CHECK(clicks.features[0].gaussian);
  REQUIRE(clicks.alerts.size() == 1);
  const AlertRule& psi = clicks.alerts[0];
  CHECK(psi.metric == Metric::psi);
  CHECK(psi.warn == 0.1);
  CHECK(psi.critical == 0.25);
  CHECK(psi.for_windows == 1u);
  CHECK(psi.min_samples == 0u);
  CHECK_FALSE(psi.max_p_value.has_value());
  CHECK(psi.resolve_below == 0.1);
  CHECK(psi.features.empty());
}

TEST_CASE("The documented example loads with every value as written or defaulted") {
  check_example(parse_config(kExample));
}

TEST_CASE("config/driftd.example.json loads and equals the documented example") {
  const Config config = load_config_file(DRIFTD_SOURCE_DIR "/config/driftd.example.json");
  check_example(config);
  CHECK(config == parse_config(kExample));
}

TEST_CASE("config/embedded.json loads as the demo's HTTP stream") {
  const Config config = load_config_file(DRIFTD_SOURCE_DIR "/config/embedded.json");
  CHECK_FALSE(config.kafka.has_value());
  CHECK(config.storage.path == "driftd.db");
  CHECK(config.http.listen == ListenAddress{"127.0.0.1", 8080});
  REQUIRE(config.streams.size() == 1);
  const StreamConfig& demo = config.streams[0];
  CHECK(demo.name == "demo");
  CHECK(demo.source.type == SourceType::http);
  CHECK((demo.window.type == WindowType::count || demo.window.type == WindowType::tumbling));
  CHECK(demo.reference.type == ReferenceType::capture);
  REQUIRE(demo.features.size() == 2);
  CHECK(demo.features[0].type == FeatureType::numeric);
  CHECK(demo.features[1].type == FeatureType::categorical);
  CHECK(demo.alerts == default_alert_rules());  // the README's promise: no tuning
}

TEST_CASE("Line and block comments are accepted anywhere whitespace is") {
  const Config config = parse_config(R"(// leading comment
    /* block
       comment */ {
      "storage": /* inline */ { "path": "x.db" }, // trailing
      "streams": [ { "name": "s", "source": { "type": "http" },
        "window": { "type": "count", "events": 10 }, // count window
        "features": [ { "name": "f", "path": "/f", "type": "numeric" } ] } ]
    } // after the document
    /* and a last one */)");
  CHECK(config.streams.at(0).name == "s");
}

TEST_CASE("reference.min_values and event_time.max_future") {
  const auto stream = [](const std::string& members) {
    return parse_config(minimal_with_stream(R"({"name": "s", "source": {"type": "http"},
        "window": {"type": "count", "events": 10},
        "features": [{"name": "f", "path": "/f", "type": "numeric"}], )" + members + "}"))
        .streams.at(0);
  };
  // The default minimum is 10 values, or all of a smaller capture.
  CHECK(stream(R"("reference": {"type": "capture", "events": 4})").reference.min_values == 4u);
  CHECK(stream(R"("reference": {"type": "capture", "events": 400})").reference.min_values == 10u);
  CHECK(stream(R"("reference": {"type": "capture", "events": 400, "min_values": 300})")
            .reference.min_values == 300u);
  CHECK(stream(R"("reference": {"type": "capture", "min_values": 1})").reference.min_values == 1u);
  const Config timed = parse_config(minimal_with_stream(R"({"name": "s", "source": {"type": "http"},
      "event_time": {"field": "/t", "max_future": "5m"}, "window": {"type": "tumbling", "size": "1m"},
      "features": [{"name": "f", "path": "/f", "type": "numeric"}]})"));
  CHECK(timed.streams.at(0).event_time->max_future == 5min);
}

TEST_CASE("A minimal config gets every documented default") {
  const Config config = parse_config(minimal_with_stream(R"({"name": "s",
      "source": {"type": "http"}, "window": {"type": "tumbling", "size": "30s"},
      "features": [{"name": "f", "path": "/f", "type": "categorical"}]})"));
  CHECK(config.http == HttpConfig{});
  CHECK(config.storage.synchronous == SyncMode::full);
  CHECK(config.storage.checkpoint_interval == 10s);
  const StreamConfig& stream = config.streams.at(0);
  CHECK(stream.reference.type == ReferenceType::capture);
  CHECK_FALSE(stream.reference.events.has_value());
  CHECK(stream.reference.min_values == 10u);
  CHECK(stream.window.allowed_lateness == 0ms);
  CHECK(stream.smoothing_alpha == 0.5);
  CHECK(stream.alerts == default_alert_rules());
  CHECK(stream.features.at(0).max_categories == 50u);
  CHECK(stream.groups.empty());
  CHECK(stream.pairs.empty());
}

TEST_CASE("Groups and pairs: every field, the defaults and the features' positions") {
  const auto stream = [](const std::string& members) {
    return parse_config(minimal_with_stream(R"({"name": "s", "source": {"type": "http"},
        "window": {"type": "count", "events": 10},
        "features": [
          {"name": "hour", "path": "/hour", "type": "numeric", "binning": "edges",
           "edges": [6, 12, 18]},
          {"name": "heart_rate", "path": "/hr", "type": "numeric"},
          {"name": "country", "path": "/country", "type": "categorical"},
          {"name": "spo2", "path": "/spo2", "type": "numeric", "bins": 10},
          {"name": "amount", "path": "/amount", "type": "numeric", "binning": "uniform"}
        ], )" + members + "}"))
        .streams.at(0);
  };
  const StreamConfig both = stream(R"(
      "groups": [
        {"name": "vitals", "features": ["spo2", "heart_rate", "amount"], "type": "gaussian",
         "ridge": 0.25},
        {"name": "a|b", "features": ["hour", "spo2"]}
      ],
      "pairs": [
        {"name": "amount|hour", "x": "hour", "y": "amount"},
        {"y": "country", "x": "spo2", "name": "c.2-x_Y"}
      ])");
  REQUIRE(both.groups.size() == 2);
  const GroupConfig& vitals = both.groups[0];
  CHECK(vitals.name == "vitals");
  CHECK(vitals.features == std::vector<std::string>{"spo2", "heart_rate", "amount"});
  CHECK(vitals.feature_indices == std::vector<std::size_t>{3, 1, 4});
  CHECK(vitals.type == GroupType::gaussian);
  CHECK(vitals.ridge == 0.25);
  const GroupConfig& defaulted = both.groups[1];
  CHECK(defaulted.name == "a|b");
  CHECK(defaulted.features == std::vector<std::string>{"hour", "spo2"});
  CHECK(defaulted.feature_indices == std::vector<std::size_t>{0, 3});
  CHECK(defaulted.type == GroupType::gaussian);
  CHECK(defaulted.ridge == 0.0);
  REQUIRE(both.pairs.size() == 2);
  CHECK(both.pairs[0] == PairConfig{"amount|hour", "hour", "amount", 0, 4});
  CHECK(both.pairs[1] == PairConfig{"c.2-x_Y", "spo2", "country", 3, 2});

  // The defaults written out give the same groups; ridge 0 and 1 are in range.
  CHECK(stream(R"("groups": [{"name": "a|b", "features": ["hour", "spo2"], "type": "gaussian",
                              "ridge": 0}])")
            .groups == std::vector<GroupConfig>{defaulted});
  CHECK(stream(R"("groups": [{"name": "g", "features": ["hour", "spo2"], "ridge": 1}])")
            .groups.at(0)
            .ridge == 1.0);
  // Empty arrays are no groups and no pairs, as absent ones are.
  const StreamConfig empty = stream(R"("groups": [], "pairs": [])");
  CHECK(empty.groups.empty());
  CHECK(empty.pairs.empty());
  CHECK(empty == stream(R"("smoothing_alpha": 0.5)"));
  CHECK(to_string(GroupType::gaussian) == "gaussian");
}

TEST_CASE("The default alert rule is the documented one, \"alerts\": [] has none") {
  const std::vector<AlertRule> rules = default_alert_rules();
  REQUIRE(rules.size() == 3);
  const AlertRule& rule = rules[0];
  CHECK(rule.metric == Metric::jsd_corrected);
  CHECK(rule.warn == 0.003);
  CHECK(rule.critical == 0.05);
  CHECK(rule.for_windows == 1u);
  CHECK(rule.min_samples == 100u);
  CHECK(rule.max_p_value == std::optional<double>(0.0002));
  CHECK(rule.resolve_below == 0.0015);
  CHECK(rule.resolve_p_value == std::optional<double>(0.01));
  CHECK(rule.resolve_after == 2u);
  CHECK(rule.features.empty());

  // Written out as config/README.md shows it, it parses to the same rule.
  const Config written = parse_config(minimal_with_stream(R"({"name": "s",
      "source": {"type": "http"}, "window": {"type": "count", "events": 10},
      "features": [{"name": "f", "path": "/f", "type": "numeric"}],
      "alerts": [{ "metric": "jsd_corrected", "warn": 0.003, "critical": 0.05, "min_samples": 100,
        "max_p_value": 0.0002, "resolve_below": 0.0015, "resolve_p_value": 0.01,
        "resolve_after": 2 }]})"));
  CHECK(written.streams.at(0).alerts == std::vector<AlertRule>{rule});

  // Rules 1 and 2: the same on every pair's kl_conditional and every
  // group's gaussian_kl, with their own thresholds.
  for (std::size_t r = 1; r < 3; ++r) {
    AlertRule expected = rule;
    expected.metric = r == 1 ? Metric::kl_conditional : Metric::gaussian_kl;
    expected.warn = 0.01;
    expected.critical = 0.1;
    expected.resolve_below = 0.005;
    CHECK(rules[r] == expected);
  }

  const Config none = parse_config(minimal_with_stream(R"({"name": "s",
      "source": {"type": "http"}, "window": {"type": "count", "events": 10},
      "features": [{"name": "f", "path": "/f", "type": "numeric"}], "alerts": []})"));
  CHECK(none.streams.at(0).alerts.empty());
}

TEST_CASE("resolve_p_value defaults to max_p_value") {
  const auto rule = [](const std::string& fields) {
    return parse_config(minimal_with_stream(R"({"name": "s", "source": {"type": "http"},
        "window": {"type": "count", "events": 10},
        "features": [{"name": "f", "path": "/f", "type": "numeric"}],
        "alerts": [{"metric": "jsd", "warn": 0.1, "critical": 0.2)" + fields + "}]}"))
        .streams.at(0)
        .alerts.at(0);
  };
  CHECK(rule("").resolve_p_value == std::nullopt);
  CHECK(rule(R"(, "max_p_value": 0.01)").resolve_p_value == std::optional<double>(0.01));
  CHECK(rule(R"(, "max_p_value": 0.01, "resolve_p_value": 0.2)").resolve_p_value ==
        std::optional<double>(0.2));
  CHECK(rule(R"(, "resolve_p_value": 0.2)").resolve_p_value == std::optional<double>(0.2));
  CHECK(rule("").resolve_after == 1u);
  CHECK(rule(R"(, "resolve_after": 3)").resolve_after == 3u);
  CHECK(rule("").sequential == std::nullopt);
  CHECK(rule(R"(, "sequential": {})").sequential == SequentialRule{1000, 0.5});
  CHECK(rule(R"(, "sequential": {"arl": 5000, "k": 0.25})").sequential ==
        SequentialRule{5000, 0.25});
}

TEST_CASE("Every optional field is read when given") {
  const Config config = parse_config(R"({
    "storage": {"path": "/var/lib/driftd/driftd.db", "synchronous": "normal",
                "checkpoint_interval": "500ms", "retention": "30d", "event_retention": "7d"},
    "http": {"listen": "[::1]:0", "auth_token": "0123456789abcdef", "max_body_bytes": 1048576,
             "max_inflight_body_bytes": 1048576, "max_connections": 8, "idle_timeout": "5m",
             "read_threads": 3, "read_queue": 0, "read_time_budget": "250ms",
             "ingest_ack": "received",
             "tls": {"certificate": "/etc/driftd/tls.pem", "private_key": "/etc/driftd/tls.key"}},
    "webhooks": {"ca_file": "/etc/driftd/receivers-ca.pem"},
    "kafka": {"brokers": "k1:9092,k2:9092", "group_id": "g", "instance_id": "driftd-pod-3",
              "properties": {"security.protocol": "SASL_SSL", "fetch.min.bytes": "1"},
              "poll_batch": 50, "threads": 4},
    "streams": [{
      "name": "orders.v2",
      "source": {"type": "kafka", "topic": "orders.v2"},
      "event_time": {"kafka_timestamp": true},
      "window": {"type": "sliding", "size": "1h", "slide": "15m", "allowed_lateness": "2m"},
      "reference": {"type": "file", "path": "ref/orders.snapshot"},
      "smoothing_alpha": 0,
      "fdr": 0.05,
      "features": [
        {"name": "price", "path": "/price", "type": "numeric", "binning": "edges",
         "edges": [-1.5, 0, 10, 1e3], "gaussian": false},
        {"name": "qty", "path": "/items/0/qty", "type": "numeric", "bins": 4096,
         "binning": "uniform"},
        {"name": "a-b", "path": "/a~1b", "type": "numeric", "bins": 2.0}
      ],
      "alerts": [
        {"metric": "kl_pq_corrected", "warn": 0.1, "critical": 0.1, "for": 3, "min_samples": 1e3,
         "max_p_value": 1, "resolve_below": 0.05, "features": ["qty", "price"]},
        {"metric": "g_statistic", "warn": 0, "critical": 100}
      ]
    }]
  })");
  CHECK(config.storage.path == "/var/lib/driftd/driftd.db");
  CHECK(config.storage.synchronous == SyncMode::normal);
  CHECK(config.storage.checkpoint_interval == 500ms);
  CHECK(config.storage.retention == std::optional<Duration>(24h * 30));
  CHECK(config.storage.event_retention == 24h * 7);
  CHECK(config.http.listen == ListenAddress{"::1", 0});
  CHECK(config.http.auth_token == std::optional<std::string>("0123456789abcdef"));
  CHECK(config.http.ingest_ack == IngestAck::received);
  CHECK(config.http.tls == std::optional<TlsConfig>({"/etc/driftd/tls.pem", "/etc/driftd/tls.key"}));
  CHECK(config.webhooks.ca_file == std::optional<std::string>("/etc/driftd/receivers-ca.pem"));
  CHECK(config.http.max_body_bytes == 1048576u);
  CHECK(config.http.max_inflight_body_bytes == 1048576u);
  CHECK(config.http.max_connections == 8u);
  CHECK(config.http.idle_timeout == 5min);
  CHECK(config.http.read_threads == 3u);
  CHECK(config.http.read_queue == 0u);
  CHECK(config.http.read_time_budget == 250ms);
  REQUIRE(config.kafka.has_value());
  CHECK(config.kafka->brokers == "k1:9092,k2:9092");
  CHECK(config.kafka->properties ==
        std::map<std::string, std::string>{{"fetch.min.bytes", "1"},
                                           {"security.protocol", "SASL_SSL"}});
  CHECK(config.kafka->poll_batch == 50u);
  CHECK(config.kafka->threads == 4u);
  CHECK(config.kafka->instance_id == std::optional<std::string>("driftd-pod-3"));
  const StreamConfig& stream = config.streams.at(0);
  CHECK(stream.name == "orders.v2");
  CHECK(stream.source.topic == "orders.v2");
  REQUIRE(stream.event_time.has_value());
  CHECK(stream.event_time->source == EventTimeSource::kafka_timestamp);
  CHECK(stream.event_time->field.empty());
  CHECK(stream.event_time->unit == TimeUnit::ms);
  CHECK(stream.window.type == WindowType::sliding);
  CHECK(stream.window.size == 1h);
  CHECK(stream.window.slide == 15min);
  CHECK(stream.window.allowed_lateness == 2min);
  CHECK(stream.reference.type == ReferenceType::file);
  CHECK(stream.reference.path == "ref/orders.snapshot");
  CHECK_FALSE(stream.reference.events.has_value());
  CHECK(stream.smoothing_alpha == 0.0);
  CHECK(stream.fdr == std::optional<double>(0.05));
  REQUIRE(stream.features.size() == 3);
  CHECK(stream.features[0].binning == Binning::edges);
  CHECK(stream.features[0].edges == std::vector<double>{-1.5, 0, 10, 1000});
  CHECK(stream.features[0].bins == 5u);
  CHECK_FALSE(stream.features[0].gaussian);
  CHECK(stream.features[1].path == "/items/0/qty");
  CHECK(stream.features[1].bins == 4096u);
  CHECK(stream.features[1].binning == Binning::uniform);
  CHECK(stream.features[2].name == "a-b");
  CHECK(stream.features[2].path == "/a~1b");
  CHECK(stream.features[2].bins == 2u);
  REQUIRE(stream.alerts.size() == 2);
  CHECK(stream.alerts[0].metric == Metric::kl_pq_corrected);
  CHECK(stream.alerts[0].for_windows == 3u);
  CHECK(stream.alerts[0].min_samples == 1000u);
  CHECK(stream.alerts[0].max_p_value == std::optional<double>(1.0));
  CHECK(stream.alerts[0].resolve_below == 0.05);
  CHECK(stream.alerts[0].features == std::vector<std::string>{"qty", "price"});
  CHECK(stream.alerts[1].metric == Metric::g_statistic);
  CHECK(stream.alerts[1].resolve_below == 0.0);
}

TEST_CASE("Event time from a field takes every unit") {
  for (const auto& [unit, name] : kTimeUnitNames) {
    const Config config = parse_config(minimal_with_stream(
        R"({"name": "s", "source": {"type": "http"},
            "event_time": {"field": "/t", "unit": ")" + std::string(name) + R"("},
            "window": {"type": "tumbling", "size": "1s"},
            "features": [{"name": "f", "path": "/f", "type": "numeric"}]})"));
    CHECK(config.streams.at(0).event_time->unit == unit);
  }
}

TEST_CASE("Every alert metric name parses to its enum") {
  for (const auto& [metric, name] : kMetricNames) {
    const Config config = parse_config(minimal_with_stream(
        R"({"name": "s", "source": {"type": "http"}, "window": {"type": "count", "events": 1},
            "features": [{"name": "f", "path": "/f", "type": "numeric"},
                         {"name": "g", "path": "/g", "type": "numeric"}],
            "pairs": [{"name": "p", "x": "f", "y": "g"}],
            "groups": [{"name": "v", "features": ["f", "g"]}],
            "alerts": [{"metric": ")" + std::string(name) + R"(", "warn": 1, "critical": 2}]})"));
    CHECK(config.streams.at(0).alerts.at(0).metric == metric);
    CHECK(to_string(metric) == name);
  }
}

TEST_CASE("A rule watches the subjects its metric is measured on, or those it names") {
  const StreamConfig stream = parse_config(minimal_with_stream(R"({"name": "s",
      "source": {"type": "http"}, "window": {"type": "count", "events": 10},
      "features": [{"name": "f", "path": "/f", "type": "numeric"},
                   {"name": "g", "path": "/g", "type": "categorical"},
                   {"name": "h", "path": "/h", "type": "numeric"}],
      "pairs": [{"name": "p", "x": "g", "y": "f"}],
      "groups": [{"name": "v", "features": ["f", "h"]}],
      "alerts": [{"metric": "jsd", "warn": 1, "critical": 2},
                 {"metric": "jsd", "warn": 1, "critical": 2, "features": ["p", "g"]},
                 {"metric": "kl_conditional", "warn": 1, "critical": 2},
                 {"metric": "gaussian_shape", "warn": 1, "critical": 2}]})"))
                                    .streams.at(0);
  // Subjects: f, g, h, then the pair p, then the group v.
  REQUIRE(subject_count(stream) == 5);
  CHECK(subject_name(stream, 3) == "p");
  CHECK(subject_kind(stream, 3) == SubjectKind::pair);
  CHECK(subject_name(stream, 4) == "v");
  CHECK(subject_kind(stream, 4) == SubjectKind::group);
  CHECK(find_subject(stream, "v") == std::optional<std::size_t>(4));
  CHECK(find_subject(stream, "w") == std::nullopt);
  const auto watched = [&](std::size_t rule) {
    std::vector<std::string> out;
    for (std::size_t s = 0; s < subject_count(stream); ++s) {
      if (watches(stream.alerts[rule], stream, s)) out.push_back(subject_name(stream, s));
    }
    return out;
  };
  CHECK(watched(0) == std::vector<std::string>{"f", "g", "h"});  // features only
  CHECK(watched(1) == std::vector<std::string>{"g", "p"});       // named: a pair's joint table too
  CHECK(watched(2) == std::vector<std::string>{"p"});
  CHECK(watched(3) == std::vector<std::string>{"v"});
  CHECK(measured_on(Metric::jsd_corrected, SubjectKind::pair));
  CHECK_FALSE(measured_on(Metric::jsd_corrected, SubjectKind::group));
  CHECK_FALSE(measured_on(Metric::kl_conditional, SubjectKind::feature));
  CHECK(measured_on(Metric::gaussian_location, SubjectKind::group));
}

TEST_CASE("A kafka section without kafka streams is allowed") {
  const Config config = parse_config(R"({"storage": {"path": "x.db"},
      "kafka": {"brokers": "b:9092", "group_id": "g"},
      "streams": [{"name": "s", "source": {"type": "http"},
                   "window": {"type": "count", "events": 1},
                   "features": [{"name": "f", "path": "/f", "type": "numeric"}]}]})");
  CHECK(config.kafka.has_value());
}

TEST_CASE("alertmanager: every field, the defaults, and absent by default") {
  const std::string stream = R"("streams": [{"name": "s", "source": {"type": "http"},
      "window": {"type": "count", "events": 1},
      "features": [{"name": "f", "path": "/f", "type": "numeric"}]}])";
  CHECK_FALSE(parse_config(R"({"storage": {"path": "x.db"}, )" + stream + "}").alertmanager);

  const Config minimal = parse_config(
      R"({"storage": {"path": "x.db"}, "alertmanager": {"url": "HTTP://am:9093//"}, )" + stream +
      "}");
  REQUIRE(minimal.alertmanager);
  AlertmanagerConfig expected;
  expected.url = "HTTP://am:9093";
  CHECK(*minimal.alertmanager == expected);
  CHECK(expected.timeout == 10s);
  CHECK(expected.resend_interval == 1min);
  CHECK(expected.retry_initial == 1s);
  CHECK(expected.retry_max == 5min);

  const Config full = parse_config(R"({"storage": {"path": "x.db"}, "alertmanager": {
      "url": "https://am.internal:9093/prefix", "basic_auth": {"username": "driftd",
      "password_file": "/etc/driftd/am.password"}, "ca_file": "/etc/driftd/am-ca.pem",
      "timeout": "3s", "resend_interval": "30s", "retry_initial": "200ms", "retry_max": "20s",
      "external_url": "https://driftd.internal/"}, )" + stream + "}");
  REQUIRE(full.alertmanager);
  const AlertmanagerConfig& am = *full.alertmanager;
  CHECK(am.url == "https://am.internal:9093/prefix");
  CHECK_FALSE(am.bearer_token_file);
  CHECK(am.basic_auth ==
        std::optional<AlertmanagerConfig::BasicAuth>({"driftd", "/etc/driftd/am.password"}));
  CHECK(am.ca_file == std::optional<std::string>("/etc/driftd/am-ca.pem"));
  CHECK(am.timeout == 3s);
  CHECK(am.resend_interval == 30s);
  CHECK(am.retry_initial == 200ms);
  CHECK(am.retry_max == 20s);
  CHECK(am.external_url == std::optional<std::string>("https://driftd.internal"));

  const Config bearer = parse_config(R"({"storage": {"path": "x.db"}, "alertmanager": {
      "url": "http://am", "bearer_token_file": "am.token"}, )" + stream + "}");
  CHECK(bearer.alertmanager->bearer_token_file == std::optional<std::string>("am.token"));
}

// A configuration with the given kafka and cluster sections ("" for none) and
// one kafka stream on "payments" with a tumbling window.
std::string with_cluster(const std::string& kafka, const std::string& cluster) {
  return R"({"storage": {"path": "x.db"}, "kafka": )" + kafka +
         (cluster.empty() ? "" : R"(, "cluster": )" + cluster) + R"(, "streams": [
      {"name": "s", "source": {"type": "kafka", "topic": "payments"},
       "window": {"type": "tumbling", "size": "1m"},
       "features": [{"name": "f", "path": "/f", "type": "numeric"}]}]})";
}

TEST_CASE("cluster: the names made from kafka.group_id, the defaults, and absent by default") {
  const std::string kafka = R"({"brokers": "b:9092", "group_id": "drift.prod"})";
  CHECK_FALSE(parse_config(with_cluster(kafka, "")).cluster);

  const Config minimal = parse_config(with_cluster(kafka, "{}"));
  REQUIRE(minimal.cluster);
  ClusterConfig expected;
  expected.partials_topic = "drift.prod.partials";
  expected.results_topic = "drift.prod.results";
  expected.references_topic = "drift.prod.references";
  expected.state_topic = "drift.prod.owner-state";
  expected.owner_group_id = "drift.prod.owners";
  CHECK(*minimal.cluster == expected);
  CHECK(expected.commit_interval == 1s);
  CHECK(expected.topic_partitions == 12u);
  CHECK(expected.replication_factor == -1);
  CHECK_FALSE(expected.results_retention);  // every result kept
  // The defaults written out are the same configuration.
  CHECK(parse_config(with_cluster(kafka, R"({"partials_topic": "drift.prod.partials",
      "results_topic": "drift.prod.results", "references_topic": "drift.prod.references",
      "state_topic": "drift.prod.owner-state", "owner_group_id": "drift.prod.owners",
      "commit_interval": "1s", "topic_partitions": 12, "replication_factor": -1})")) == minimal);
  // A group id Kafka takes but no topic could: the topics are written, the
  // owners' group still comes from it.
  const Config spaced = parse_config(with_cluster(
      R"({"brokers": "b:9092", "group_id": "drift prod"})",
      R"({"partials_topic": "p", "results_topic": "r", "references_topic": "f",
          "state_topic": "s"})"));
  CHECK(spaced.cluster->owner_group_id == "drift prod.owners");
}

TEST_CASE("cluster: every field as written") {
  const Config full = parse_config(with_cluster(
      R"({"brokers": "b:9092", "group_id": "g", "instance_id": "driftd-0",
          "alert_topic": "drift-alerts"})",
      R"({"partials_topic": "drift.partials.v2", "results_topic": "drift.results.v2",
          "references_topic": "drift.refs", "state_topic": "drift.state",
          "owner_group_id": "drift-owners", "commit_interval": "250ms",
          "topic_partitions": 48, "replication_factor": 3, "results_retention": "30d"})"));
  REQUIRE(full.cluster);
  const ClusterConfig& cluster = *full.cluster;
  CHECK(cluster.partials_topic == "drift.partials.v2");
  CHECK(cluster.results_topic == "drift.results.v2");
  CHECK(cluster.references_topic == "drift.refs");
  CHECK(cluster.state_topic == "drift.state");
  CHECK(cluster.owner_group_id == "drift-owners");
  CHECK(cluster.commit_interval == 250ms);
  CHECK(cluster.topic_partitions == 48u);
  CHECK(cluster.replication_factor == 3);
  CHECK(cluster.results_retention == std::chrono::hours(24 * 30));

  // The bounds, and -1 however an integer may be written.
  const auto parsed = [](const std::string& section) {
    return *parse_config(with_cluster(R"({"brokers": "b", "group_id": "g"})", section)).cluster;
  };
  CHECK(parsed(R"({"commit_interval": "10ms"})").commit_interval == 10ms);
  CHECK(parsed(R"({"commit_interval": "1m"})").commit_interval == 1min);
  CHECK(parsed(R"({"topic_partitions": 1})").topic_partitions == 1u);
  CHECK(parsed(R"({"topic_partitions": 1e4})").topic_partitions == 10000u);
  CHECK(parsed(R"({"replication_factor": 1})").replication_factor == 1);
  CHECK(parsed(R"({"replication_factor": 32.0})").replication_factor == 32);
  CHECK(parsed(R"({"replication_factor": -1.0})").replication_factor == -1);

  // Equality sees every field.
  ClusterConfig changed = cluster;
  CHECK(changed == cluster);
  changed.replication_factor = -1;
  CHECK_FALSE(changed == cluster);
  changed = cluster;
  changed.state_topic = "drift.state2";
  CHECK_FALSE(changed == cluster);
  changed = cluster;
  changed.results_retention.reset();
  CHECK_FALSE(changed == cluster);
  Config other = full;
  other.cluster->commit_interval = 1s;
  CHECK_FALSE(other == full);
  other.cluster.reset();
  CHECK_FALSE(other == full);
}

TEST_CASE("load_config_file names a file it cannot read") {
  try {
    load_config_file("/nonexistent/driftd.json");
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(e.path().empty());
    CHECK(std::string(e.what()) ==
          "cannot read config file \"/nonexistent/driftd.json\": No such file or directory");
  }
  CHECK_THROWS_WITH(load_config_file(DRIFTD_SOURCE_DIR "/config"),
                    "cannot read config file \"" DRIFTD_SOURCE_DIR
                    "/config\": Is a directory");
}

// The rows of every Markdown table in `path`, after stripping `prefix` from
// each line that has it.
std::vector<std::string> table_rows(const std::string& path, const std::string& prefix) {
  std::ifstream input(path);
  REQUIRE(input.good());
  std::vector<std::string> rows;
  std::string line;
  while (std::getline(input, line)) {
    if (line.rfind(prefix, 0) == 0) line.erase(0, prefix.size());
    if (line.rfind("|", 0) == 0) rows.push_back(line);
  }
  return rows;
}

TEST_CASE("config/README.md documents the same fields as config.h") {
  const auto header = table_rows(DRIFTD_SOURCE_DIR "/daemon/config/config.h", "// ");
  const auto readme = table_rows(DRIFTD_SOURCE_DIR "/config/README.md", "");
  CHECK(header.size() > 50);
  CHECK(header == readme);
}

}  // namespace
}  // namespace driftd::config
