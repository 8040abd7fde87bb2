// Every instance writes the results topic into its own SQLite
// (results_materializer.h), on the real broker: two instances' databases
// hold the same rows, byte for byte, including alert and event ids derived
// from the results' offsets and times from the records' timestamps; a
// result that does not decode or fit is skipped with its position; a
// restart reads on from the stored position; only the publishing owner's
// events are delivered here; results the topic's retention deleted before
// an instance read them are counted, skipped and not counted again; results
// of a reference switch are evaluated with its references, active in SQLite
// from its first result on.
#include "cluster/results_materializer.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <librdkafka/rdkafka.h>

#include "cluster/reference_record.h"
#include "cluster/window_result.h"
#include "config/config_parser.h"
#include "kafka_test_support.h"
#include "pipeline/feature_reference.h"
#include "pipeline/stream_layout.h"
#include "store/alert_event_reader.h"

namespace driftd::cluster {
namespace {

using namespace testing;  // kafka_test_support.h
using std::chrono::milliseconds;

// `reference`: the stream's reference section (a file the tests do not
// read: they give the references themselves).
config::Config materializer_config(
    const std::string& db, const std::string& reference = R"({"type": "file", "path": "unused.csv"})") {
  return config::parse_config(R"({
    "storage": {"path": ")" + db + R"("},
    "kafka": {"brokers": ")" + bootstrap() + R"(", "group_id": "unused"},
    "streams": [{
      "name": "payments", "source": {"type": "kafka", "topic": "unused"},
      "window": {"type": "tumbling", "size": "1s"},
      "reference": )" + reference + R"(,
      "features": [{"name": "x", "path": "/x", "type": "numeric", "binning": "edges",
                    "edges": [10, 20, 30]}],
      "alerts": [{"metric": "tv", "warn": 0.2, "critical": 0.4}]}]})");
}

std::filesystem::path fresh_db(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "driftd_results_materializer_test";
  std::filesystem::create_directories(dir);
  const auto file = dir / (name + ".db");
  std::filesystem::remove(file);
  return file;
}

// One instance: its configuration, store, references (saved, so they have
// ids) and materializer.
// With `captured`, the stream captures its reference: the materializer
// has none until set_references().
struct Instance {
  Instance(const std::string& name, const config::ClusterConfig& cluster, bool captured = false)
      : config(captured ? materializer_config(fresh_db(name).string(), R"({"type": "capture"})")
                        : materializer_config(fresh_db(name).string())),
        store(config.storage) {
    store.sync_stream(config.streams[0]);
    ClusterStream& stream = streams.emplace_back();
    stream.config = &config.streams[0];
    stream.references.features.push_back(
        numeric_reference(config.streams[0].features[0], std::vector<double>{5, 15, 25, 35}));
    store.save_references(config.streams[0], stream.references, "test");
    stream.reference_version = 1;
    materializer = std::make_unique<ResultsMaterializer>(config.kafka.value(), cluster, streams,
                                                         store, name);
  }
  void read_to(int64_t offset) {
    for (const Steady::time_point give_up = Steady::now() + std::chrono::seconds(30);
         Steady::now() < give_up && materializer->next_offset() < offset;) {
      for (const store::AlertEvent& event : materializer->poll(milliseconds(100), 100).events) {
        published.push_back(event);
      }
    }
    REQUIRE(materializer->next_offset() == offset);
  }
  // Every row of the tables the results fill, as text (but who delivers
  // the events, which differs by design).
  std::vector<std::string> rows() {
    std::vector<std::string> out;
    for (const char* sql :
         {"SELECT * FROM window_metrics ORDER BY id", "SELECT * FROM alerts ORDER BY id",
          "SELECT id, alert_id, transition, severity, at, payload FROM alert_events ORDER BY id"}) {
      store::Statement query = store.database().prepare(sql);
      while (query.step()) {
        std::string row;
        for (int c = 0; c < query.column_count(); ++c) {
          row += (query.is_null(c) ? std::string("NULL") : query.column_text(c)) + "|";
        }
        out.push_back(row);
      }
    }
    return out;
  }

  config::Config config;
  store::DriftStore store;
  std::vector<ClusterStream> streams;
  std::unique_ptr<ResultsMaterializer> materializer;
  std::vector<store::AlertEvent> published;
};

// A results topic of its own, and an owner's results for it: stream
// payments, reference version 1, the instances' layout.
struct ResultsTopic {
  ResultsTopic() {
    cluster.results_topic = unique("materialized-results");
    create_topic(producer.get(), cluster.results_topic, 1);
  }
  std::vector<std::byte> result(int64_t start, const std::vector<uint64_t>& bins,
                                std::vector<AlertChange> changes, const std::string& owner,
                                int64_t version = 1) const {
    WindowResult out;
    out.stream = "payments";
    out.owner = owner;
    out.reference_version = version;
    out.layout_fingerprint = layout.fingerprint();
    out.bounds = {start, start + 1000};
    out.counts.assign(layout.size(), 0);
    const FeatureSlots& slots = layout.feature(0);
    for (std::size_t b = 0; b < bins.size(); ++b) {
      out.counts[slots.first + b] = bins[b];
      out.counts[CounterLayout::kEvents] += bins[b];
    }
    out.changes = std::move(changes);
    return encode_window_result(out);
  }
  void produce(const std::vector<std::byte>& value, int64_t timestamp) {
    REQUIRE(rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(cluster.results_topic.c_str()),
                              RD_KAFKA_V_PARTITION(kResultsPartition),
                              RD_KAFKA_V_VALUE(const_cast<std::byte*>(value.data()), value.size()),
                              RD_KAFKA_V_TIMESTAMP(timestamp), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  void flush() { REQUIRE(rd_kafka_flush(producer.get(), 30'000) == RD_KAFKA_RESP_ERR_NO_ERROR); }

  config::ClusterConfig cluster;
  Handle producer = make_client(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap()}});
  const config::Config config = materializer_config("unused.db");
  const StreamReferences references = [this] {
    StreamReferences out;
    out.features.push_back(
        numeric_reference(config.streams[0].features[0], std::vector<double>{5, 15, 25, 35}));
    return out;
  }();
  const CounterLayout layout = counter_layout(config.streams[0], references);
};

TEST_CASE("instances write the results topic into the same SQLite rows") {
  ResultsTopic topic;
  const config::ClusterConfig& cluster = topic.cluster;
  const int64_t t0 = 1'700'000'000'000;
  topic.produce(topic.result(t0, {25, 25, 25, 25}, {}, "a"), t0 + 1500);  // offset 0
  topic.produce(topic.result(t0 + 1000, {5, 5, 5, 85},
                             {{0, 0, Transition::kFired, Severity::kCritical, 0.6}}, "a"),
                t0 + 2500);  // 1
  WindowResult foreign;
  foreign.stream = "not-here";
  foreign.owner = "a";
  foreign.bounds = {t0, t0 + 1000};
  foreign.counts = {1};
  topic.produce(encode_window_result(foreign), t0 + 2600);               // 2
  topic.produce(std::vector<std::byte>(7, std::byte{0x44}), t0 + 2700);  // 3: garbage
  topic.produce(topic.result(t0 + 2000, {25, 25, 25, 25},
                             {{0, 0, Transition::kResolved, Severity::kNone, 0.0}}, "b"),
                t0 + 3500);  // 4
  topic.flush();

  Instance a("a", cluster);
  a.read_to(5);
  CHECK(a.materializer->counters().results == 3);
  CHECK(a.materializer->counters().unknown_streams == 1);
  CHECK(a.materializer->counters().malformed == 1);
  CHECK(a.materializer->counters().skipped == 2);

  // The events: ids from the offsets, times from the timestamps; a's own
  // result is delivered here, b's is not (b delivers it).
  REQUIRE(a.published.size() == 2);
  CHECK(a.published[0].id == alert_event_id(1, 0));
  CHECK(a.published[0].transition == "fired");
  CHECK(a.published[0].delivered_here);
  CHECK(a.published[1].id == alert_event_id(4, 0));
  CHECK(a.published[1].transition == "resolved");
  CHECK_FALSE(a.published[1].delivered_here);
  const std::vector<store::AlertEvent> stored = store::read_alert_events(a.store.database(), 0, 10);
  REQUIRE(stored.size() == 2);
  CHECK(stored[0].json == a.published[0].json);
  CHECK(stored[1].delivered_here == false);
  {
    store::Statement alert = a.store.database().prepare(
        "SELECT id, state, opened_at, resolved_at, window_start FROM alerts");
    REQUIRE(alert.step());
    CHECK(alert.column_int(0) == alert_event_id(1, 0));
    CHECK(alert.column_text(1) == "resolved");
    CHECK(alert.column_int(2) == t0 + 2500);
    CHECK(alert.column_int(3) == t0 + 3500);
    CHECK(alert.column_int(4) == t0 + 1000);
    store::Statement window = a.store.database().prepare(
        "SELECT n, tv FROM window_metrics WHERE window_start = ?1");
    window.bind(1, t0 + 1000);
    REQUIRE(window.step());
    CHECK(window.column_int(0) == 100);
    // docs/metrics.md: each bin smoothed by 0.5 (the window's 100 values,
    // the reference's 4 at one per bin).
    const double p[] = {5.5 / 102, 5.5 / 102, 5.5 / 102, 85.5 / 102};
    double tv = 0;
    for (const double share : p) tv += std::abs(share - 0.25) / 2;
    CHECK(window.column_double(1) == Approx(tv).epsilon(1e-12));
  }

  // Another instance writes the same rows.
  Instance b("b", cluster);
  b.read_to(5);
  CHECK(b.rows() == a.rows());
  CHECK(b.published.size() == 2);
  CHECK_FALSE(b.published[0].delivered_here);
  CHECK(b.published[1].delivered_here);

  // A restart reads on from the stored position: nothing twice.
  a.materializer = std::make_unique<ResultsMaterializer>(a.config.kafka.value(), cluster, a.streams,
                                                         a.store, "a");
  CHECK(a.materializer->next_offset() == 5);
  topic.produce(topic.result(t0 + 3000, {25, 25, 25, 25}, {}, "a"), t0 + 4500);  // offset 5
  topic.flush();
  a.read_to(6);
  b.read_to(6);
  CHECK(a.rows() == b.rows());
  store::Statement count = a.store.database().prepare("SELECT count(*) FROM window_metrics");
  REQUIRE(count.step());
  CHECK(count.column_int(0) == 4);

  // A stream whose reference is captured: its results wait for the
  // reference (which driftd installs from the references topic), then are
  // written as everywhere else.
  Instance c("c", cluster, true);
  for (int poll = 0; poll < 10; ++poll) c.materializer->poll(milliseconds(100), 100);
  CHECK(c.materializer->next_offset() == 0);
  CHECK(c.materializer->counters().results == 0);
  c.materializer->set_references(0, std::make_shared<const StreamReferences>(c.streams[0].references),
                                 1);
  c.read_to(6);
  CHECK(c.rows() == a.rows());
}

TEST_CASE("results the topic deleted before an instance stored them are counted and skipped") {
  ResultsTopic topic;
  const int64_t t0 = 1'700'000'000'000;
  const auto produce_window = [&](int64_t w) {
    topic.produce(topic.result(t0 + w * 1000, {1, 1, 1, 1}, {}, "a"), t0 + w * 1000 + 1500);
  };
  for (int64_t w = 0; w < 3; ++w) produce_window(w);  // offsets 0 to 2
  topic.flush();
  Instance a("a-retention", topic.cluster);
  a.read_to(3);

  // While a is away, two more windows come, and retention deletes them.
  a.materializer.reset();
  for (int64_t w = 3; w < 5; ++w) produce_window(w);
  topic.flush();
  delete_records_before(topic.producer.get(), topic.cluster.results_topic, 5);

  a.materializer = std::make_unique<ResultsMaterializer>(a.config.kafka.value(), topic.cluster,
                                                         a.streams, a.store, "a");
  a.read_to(5);
  CHECK(a.materializer->counters().missed_offsets == 2);
  CHECK(a.materializer->counters().results == 0);

  // The skip is stored with the position: a restart misses nothing more,
  // and reads what comes next.
  a.materializer = std::make_unique<ResultsMaterializer>(a.config.kafka.value(), topic.cluster,
                                                         a.streams, a.store, "a");
  CHECK(a.materializer->next_offset() == 5);
  produce_window(5);
  topic.flush();
  a.read_to(6);
  CHECK(a.materializer->counters().missed_offsets == 0);
  CHECK(a.materializer->counters().results == 1);
  store::Statement windows =
      a.store.database().prepare("SELECT window_start FROM window_metrics ORDER BY window_start");
  std::vector<int64_t> starts;
  while (windows.step()) starts.push_back(windows.column_int(0));
  CHECK(starts == std::vector<int64_t>{t0, t0 + 1000, t0 + 2000, t0 + 5000});

  // A new instance starts at the topic's first offset: nothing missed, its
  // history begins there.
  Instance b("b-retention", topic.cluster);
  b.read_to(6);
  CHECK(b.materializer->counters().missed_offsets == 0);
  CHECK(b.materializer->counters().results == 1);
}

TEST_CASE("results of a reference switch are evaluated with its references, active from then on") {
  ResultsTopic topic;
  const int64_t t0 = 1'700'000'000'000;
  // The switch's references: the same bins, other counts (a window like
  // the first drifts from these).
  StreamReferences switched;
  switched.features.push_back(numeric_reference(topic.config.streams[0].features[0],
                                                std::vector<double>{1, 2, 3, 35}));
  // Its version, as the references topic's record names it (derived from
  // its bytes: a restart recognises the active references by it).
  const int64_t kSwitched = versioned_reference_record(topic.config.streams[0], switched, "", 0).version;
  topic.produce(topic.result(t0, {25, 25, 25, 25}, {}, "a"), t0 + 1500);                 // 0
  topic.produce(topic.result(t0 + 1000, {25, 25, 25, 25}, {}, "a", kSwitched), t0 + 2500);  // 1
  topic.produce(topic.result(t0 + 2000, {25, 25, 25, 25}, {}, "a", kSwitched + 1), t0 + 3500);  // 2: unknown
  topic.flush();

  Instance a("switch-a", topic.cluster);
  a.materializer->add_references(0, kSwitched, std::make_shared<const StreamReferences>(switched));
  a.read_to(3);
  CHECK(a.materializer->counters().results == 2);
  CHECK(a.materializer->counters().not_fitting == 1);
  // Each window compared with its own version's references: the same
  // counts are no drift against the first, drift against the switch's.
  const auto tv_of = [&](int64_t start) {
    store::Statement query = a.store.database().prepare(
        "SELECT m.tv, r.origin FROM window_metrics m JOIN reference_distributions r "
        "ON r.id = m.reference_id WHERE m.window_start = ?");
    query.bind(1, start);
    REQUIRE(query.step());
    return std::pair{query.column_double(0), query.column_text(1)};
  };
  CHECK(tv_of(t0).first == Approx(0.0).margin(1e-12));
  CHECK(tv_of(t0).second == "test");
  CHECK(tv_of(t0 + 1000).first > 0.3);
  CHECK(tv_of(t0 + 1000).second == "switch (cluster)");
  const std::optional<StreamReferences> active = a.store.load_active_references(a.config.streams[0]);
  REQUIRE(active.has_value());
  CHECK(active->features[0].counts == switched.features[0].counts);

  // A restart stores the switch's references once: the active ones are reused.
  a.materializer.reset();
  a.materializer = std::make_unique<ResultsMaterializer>(a.config.kafka.value(), topic.cluster,
                                                         a.streams, a.store, "switch-a");
  a.materializer->add_references(0, kSwitched, std::make_shared<const StreamReferences>(switched));
  topic.produce(topic.result(t0 + 3000, {25, 25, 25, 25}, {}, "a", kSwitched), t0 + 4500);  // 3
  topic.flush();
  a.read_to(4);
  store::Statement versions = a.store.database().prepare(
      "SELECT count(*) FROM reference_distributions WHERE origin = 'switch (cluster)'");
  REQUIRE(versions.step());
  CHECK(versions.column_int(0) == 1);
}

}  // namespace
}  // namespace driftd::cluster
