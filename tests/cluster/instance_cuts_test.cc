// Cluster mode on the real broker: instances consume a 3-partition topic,
// record pane deltas and cut them into the partials topic with their
// offsets. One instance dies without a last cut (what it recorded since its
// last cut is lost with it) and another takes its partitions over from the
// committed offsets. The partials, as a read_committed reader sees them,
// hold every event exactly once, in its pane and bin; and the stream's owner,
// merging them, closes windows that hold exactly their events: also when the
// first owner dies mid-stream and a second resumes from the state topic,
// whose results (counts and alert changes) equal an uninterrupted owner's.
// A stream that captures its reference: the instance spools rows, the owner
// captures from them; the first owner dies mid-capture, the second captures
// from the same rows (the chunks of the state topic), and its reference and
// results equal an uninterrupted owner's. In processing time, the windows
// close by the instances' clocks and every event is in the reference or in
// one window. Across a reference switch, the windows before it hold their
// events in the old reference's bins and those after in the new one's,
// through an owner's death mid-switch.
#include "cluster/instance_cuts.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <librdkafka/rdkafka.h>

#include "cluster/pane_partial.h"
#include "cluster/reference_record.h"
#include "cluster/reference_timeline.h"
#include "cluster/state_topic_reader.h"
#include "cluster/partials_owner.h"
#include "cluster/window_result.h"
#include "common/clock.h"
#include "config/config_parser.h"
#include "kafka_test_support.h"
#include "pipeline/feature_reference.h"
#include "pipeline/stream_references.h"

namespace driftd::cluster {
namespace {

using namespace testing;  // kafka_test_support.h
using std::chrono::milliseconds;

constexpr int kPartitions = 3;
constexpr int kEventsPerPartition = 400;
constexpr int64_t kStart = 1'700'000'000'000;
constexpr std::size_t kBins = 4;  // edges 10, 20, 30
const std::vector<double> kReferenceValues{5, 15, 25, 35, 1, 12, 22, 33};

// Forwards the source's calls to the instance's cuts until the instance
// "dies": then a revoke gets no last cut, as after kill -9.
class Mortal : public kafka::ClusterCuts {
 public:
  explicit Mortal(InstanceCuts& cuts) : cuts_(cuts) {}
  void die() { dead_ = true; }
  void cut_before_revoke() override {
    if (!dead_) cuts_.cut_before_revoke();
  }
  void discard_since_cut() override {
    if (!dead_) cuts_.discard_since_cut();
  }

 private:
  InstanceCuts& cuts_;
  std::atomic<bool> dead_{false};
};

struct PaneTruth {
  uint64_t events = 0;
  std::vector<uint64_t> bins = std::vector<uint64_t>(kBins, 0);
  friend bool operator==(const PaneTruth&, const PaneTruth&) = default;
};

// "pane: events [bins] ..." for a failed check's message.
std::string describe(const std::map<PaneId, PaneTruth>& panes) {
  std::string out;
  for (const auto& [pane, truth] : panes) {
    out += std::to_string(pane) + ": " + std::to_string(truth.events) + " [";
    for (const uint64_t count : truth.bins) out += " " + std::to_string(count);
    out += " ]  ";
  }
  return out;
}

std::size_t bin_of(int x) { return x < 10 ? 0 : x < 20 ? 1 : x < 30 ? 2 : 3; }

// `reference`: the stream's reference section, a capture by default;
// windows in event time ("t"), or processing time.
config::Config instance_config(const std::string& group, const std::string& source,
                               const std::string& reference = R"({"type": "capture"})",
                               bool event_time = true) {
  return config::parse_config(R"({
    "storage": {"path": "unused.db"},
    "kafka": {"brokers": ")" + bootstrap() + R"(", "group_id": ")" + group + R"(",
              "properties": {"session.timeout.ms": "6000"}},
    "streams": [{
      "name": "payments", "source": {"type": "kafka", "topic": ")" + source + R"("},
      )" + (event_time ? R"("event_time": {"field": "/t"},)" : "") + R"(
      "window": {"type": "tumbling", "size": "1s"},
      "reference": )" + reference + R"(,
      "features": [{"name": "x", "path": "/x", "type": "numeric", "binning": "edges",
                    "edges": [10, 20, 30]}],
      "alerts": [{"metric": "tv", "warn": 0.2, "critical": 0.4, "for": 2}]}]})");
}

// A reference file's stream (the file is not read: the tests install it).
const std::string kFileReference = R"({"type": "file", "path": "unused.csv"})";

// Event i of partition p: at kStart + 10 i + p ms; from the second quarter
// on, two events in three are above 30.
int64_t time_of(int i, int p) { return kStart + int64_t{i} * 10 + p; }
int value_of(int i, int p) {
  return i >= kEventsPerPartition / 4 && (i + p) % 3 != 0 ? 30 + (i * 7 + p * 3) % 10
                                                          : (i * 7 + p * 3) % 40;
}

// Produces events [from, to) of the partitions [first, last) of `topic`
// (every one by default), adding each to `truth`.
void produce(rd_kafka_t* producer, const std::string& topic, int from, int to,
             std::map<PaneId, PaneTruth>& truth, int first = 0, int last = kPartitions) {
  for (int i = from; i < to; ++i) {
    for (int p = first; p < last; ++p) {
      const int64_t t = time_of(i, p);
      const int x = value_of(i, p);
      const std::string event =
          "{\"t\": " + std::to_string(t) + ", \"x\": " + std::to_string(x) + "}";
      REQUIRE(rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(p),
                                RD_KAFKA_V_VALUE(const_cast<char*>(event.data()), event.size()),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR_NO_ERROR);
      PaneTruth& pane = truth[t / 1000];
      ++pane.events;
      ++pane.bins[bin_of(x)];
    }
  }
  REQUIRE(rd_kafka_flush(producer, 30'000) == RD_KAFKA_RESP_ERR_NO_ERROR);
}

// One instance: its stream, producer, cuts and consumer.
// A stream that captures its reference spools its rows (nothing installs
// the owner's reference here: its rows keep going to the owner).
struct Instance {
  Instance(const config::Config& config, const std::string& partials, const std::string& id)
      : stream(config.streams[0], 1, WindowRole::cluster_instance),
        publisher(config.kafka.value(), partials, id, milliseconds(60'000)),
        cuts({&stream}, {captures(config) ? 0 : 1}, publisher, id),
        mortal(cuts),
        source(config.kafka.value(), {&stream}, 0, std::nullopt, &mortal) {
    if (!captures(config)) {
      StreamReferences references;
      references.features.push_back(
          numeric_reference(config.streams[0].features[0], kReferenceValues));
      stream.install_references(std::move(references));
    }
    cuts.attach(source);
    source.start();
  }
  static bool captures(const config::Config& config) {
    return config.streams[0].reference.type == config::ReferenceType::capture;
  }
  // Whether every partition of the topic is read up to `events` (by
  // default: to its end).
  bool read_all(int events = kEventsPerPartition) {
    const kafka::KafkaSource::Pause pause = source.pause();
    const std::vector<kafka::PartitionState> states = source.partition_states(stream);
    if (states.size() != kPartitions) return false;
    for (const kafka::PartitionState& state : states) {
      if (state.next_offset != events) return false;
    }
    return true;
  }
  StreamRuntime stream;
  CutPublisher publisher;
  InstanceCuts cuts;
  Mortal mortal;
  kafka::KafkaSource source;
};

// A stream owner with its own owners' group, state and results topics.
struct Owner {
  Owner(const config::Config& config, const std::string& partials, const std::string& name)
      : cluster(owner_cluster(partials, name)),
        results(config.kafka.value(), cluster.results_topic, unique(name), milliseconds(60'000)),
        owner(config.kafka.value(), cluster, specs(config), results, name) {}
  static config::ClusterConfig owner_cluster(const std::string& partials, const std::string& name) {
    config::ClusterConfig cluster;
    cluster.partials_topic = partials;
    cluster.owner_group_id = unique(name + "-owners");
    cluster.results_topic = unique(name + "-results");
    cluster.state_topic = unique(name + "-state");
    cluster.references_topic = unique(name + "-references");
    cluster.commit_interval = milliseconds(200);
    Handle admin = make_client(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap()}});
    create_topic(admin.get(), cluster.results_topic, 1);
    create_topic(admin.get(), cluster.state_topic, 1);
    create_topic(admin.get(), cluster.references_topic, 1);
    return cluster;
  }
  static std::vector<ClusterStream> specs(const config::Config& config) {
    std::vector<ClusterStream> owned(1);
    owned[0].config = &config.streams[0];
    owned[0].source_partitions = kPartitions;
    if (Instance::captures(config)) return owned;  // the owner captures it
    owned[0].references.features.push_back(
        numeric_reference(config.streams[0].features[0], kReferenceValues));
    owned[0].reference_version = 1;
    return owned;
  }
  // Another member of the same owners' group, on the same topics.
  Owner(const config::Config& config, const Owner& peer, const std::string& name)
      : cluster(peer.cluster),
        results(config.kafka.value(), cluster.results_topic, unique(name), milliseconds(60'000)),
        owner(config.kafka.value(), cluster, specs(config), results, name) {}

  config::ClusterConfig cluster;
  CutPublisher results;
  PartialsOwner owner;
};

TEST_CASE("instances' cuts hold every event once, through a crash without a last cut") {
  const std::string source_topic = unique("instances-source");
  const std::string partials_topic = unique("instances-partials");
  const std::string group = unique("instances");
  std::map<PaneId, PaneTruth> truth;
  Handle source_producer = make_client(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap()}});
  create_topic(source_producer.get(), source_topic, kPartitions);
  create_topic(source_producer.get(), partials_topic, 1);
  const auto produce = [&](int from, int to) {
    cluster::produce(source_producer.get(), source_topic, from, to, truth);
  };
  constexpr int kHalf = kEventsPerPartition / 2;
  produce(0, kHalf);
  const config::Config config = instance_config(group, source_topic, kFileReference);
  const auto now = [] { return Clock::system().wall_ms(); };

  // The first instance cuts the first half, then reads the second half and
  // dies before its next cut. The first owner merges its partials, commits
  // at least one window, and dies too (whatever it merged since its last
  // commit lost with it).
  Owner owner_a(config, partials_topic, "owner-a");
  uint64_t first_accepted = 0;
  {
    Instance first(config, partials_topic, unique("instance-a"));
    const auto accepted = [&] { return first.stream.counters().accepted.load(); };
    int cuts = 0;
    for (const Steady::time_point give_up = Steady::now() + std::chrono::seconds(60);
         Steady::now() < give_up && (cuts < 3 || accepted() < kPartitions * kHalf ||
                                     owner_a.owner.counters().windows_published < 1);) {
      REQUIRE(owner_a.owner.step(milliseconds(100)));
      if (first.cuts.cut(now()).outcome == CutPublisher::Outcome::committed) ++cuts;
    }
    REQUIRE(cuts >= 3);
    REQUIRE(owner_a.owner.counters().windows_published >= 1);
    CHECK(first.cuts.cut(now()).outcome == CutPublisher::Outcome::committed);
    produce(kHalf, kEventsPerPartition);
    for (const Steady::time_point give_up = Steady::now() + std::chrono::seconds(30);
         Steady::now() < give_up && accepted() < kPartitions * kEventsPerPartition;) {
      std::this_thread::sleep_for(milliseconds(50));
    }
    first.mortal.die();
    first.source.stop();
    first.source.close();  // leaves the group: no last cut
    first_accepted = accepted();
    CHECK(first.cuts.counters().aborted == 0);
  }

  const uint64_t first_owner_published = owner_a.owner.counters().windows_published;
  owner_a.owner.close();

  // The second takes every partition over from the committed offsets, and
  // the second owner the stream from the state topic.
  Owner owner_b(config, owner_a, "owner-b");
  {
    Instance second(config, partials_topic, unique("instance-b"));
    for (const Steady::time_point give_up = Steady::now() + std::chrono::seconds(90);
         Steady::now() < give_up && !second.read_all();) {
      REQUIRE(owner_b.owner.step(milliseconds(100)));
      second.cuts.cut(now());
    }
    REQUIRE(second.read_all());
    CHECK(second.cuts.cut(now()).outcome == CutPublisher::Outcome::committed);
    second.source.stop();
    second.source.close();
  }
  for (const Steady::time_point give_up = Steady::now() + std::chrono::seconds(60);
       Steady::now() < give_up &&
       first_owner_published + owner_b.owner.counters().windows_published < truth.size() - 1;) {
    REQUIRE(owner_b.owner.step(milliseconds(200)));
  }
  owner_b.owner.close();
  CHECK(owner_b.owner.counters().states_restored == 1);
  CHECK(owner_b.owner.counters().states_refused == 0);

  // What the owner will read.
  std::map<PaneId, PaneTruth> counted;
  std::map<std::string, uint64_t> by_producer;
  for (const std::string& value : read_committed(partials_topic, 1)) {
    const PanePartial partial = decode_pane_partial(std::as_bytes(std::span(value.data(), value.size())));
    for (const PaneDelta& delta : partial.panes) {
      PaneTruth& pane = counted[delta.pane];
      pane.events += delta.counts[0];
      for (std::size_t b = 0; b < kBins; ++b) pane.bins[b] += delta.counts[1 + b];
      by_producer[partial.producer] += delta.counts[0];
    }
  }
  REQUIRE(by_producer.size() == 2);
  uint64_t first_published = 0;
  for (const auto& [producer, events] : by_producer) {
    if (producer.starts_with("instance-a")) first_published = events;
  }
  INFO("the first instance recorded " << first_accepted << " events and published "
                                      << first_published);
  // It died with the second half recorded after its last cut: the second
  // instance read it again.
  CHECK(first_published == kPartitions * kHalf);
  CHECK(first_accepted == kPartitions * kEventsPerPartition);
  CHECK(counted == truth);

  // The stream's owner merged the partials meanwhile. Every window but the
  // last (the partitions, quiet now, hold time for idle_timeout on the
  // owner's clock, which stops with the partials) is in the results topic
  // exactly once, with exactly its events, none late: through the first
  // owner's death and the second's take-over from the state topic.
  std::map<PaneId, PaneTruth> closed_truth = truth;
  closed_truth.erase(std::prev(closed_truth.end()));
  const auto results_of = [&](const std::string& topic, std::size_t expected) {
    std::map<PaneId, PaneTruth> windows;
    std::vector<WindowResult> results;
    uint64_t late = 0;
    for (const std::string& value : read_committed(topic, expected)) {
      WindowResult result = decode_window_result(std::as_bytes(std::span(value.data(), value.size())));
      CHECK(result.stream == "payments");
      CHECK(result.bounds.end - result.bounds.start == 1000);
      PaneTruth& pane = windows[result.bounds.start / 1000];
      CHECK(pane.events == 0);  // once
      pane.events = result.counts[0];
      for (std::size_t b = 0; b < kBins; ++b) pane.bins[b] = result.counts[1 + b];
      late += result.late;
      result.owner.clear();
      results.push_back(std::move(result));
    }
    CHECK(windows == closed_truth);
    CHECK(late == 0);
    return results;
  };
  const std::vector<WindowResult> failed_over = results_of(owner_a.cluster.results_topic, closed_truth.size());
  CHECK(first_owner_published >= 1);
  CHECK(first_owner_published < closed_truth.size());

  // One owner that never fails, over the same partials from the beginning,
  // publishes the same results: the same counts and the same alert changes.
  Owner single(config, partials_topic, "single");
  for (const Steady::time_point give_up = Steady::now() + std::chrono::seconds(60);
       Steady::now() < give_up && single.owner.counters().windows_published < closed_truth.size();) {
    REQUIRE(single.owner.step(milliseconds(200)));
  }
  single.owner.close();
  CHECK(single.owner.counters().states_restored == 0);
  const std::vector<WindowResult> uninterrupted = results_of(single.cluster.results_topic, closed_truth.size());
  CHECK(failed_over == uninterrupted);
  std::size_t changes = 0;
  for (const WindowResult& result : uninterrupted) changes += result.changes.size();
  CHECK(changes >= 1);  // the drift fired the rule
}

// The windows in a results topic, with their results (owner cleared).
struct Published {
  std::map<PaneId, PaneTruth> windows;
  std::vector<WindowResult> results;
  uint64_t late = 0;
};
Published published(const std::string& topic, std::size_t expected) {
  Published out;
  for (const std::string& value : read_committed(topic, expected)) {
    WindowResult result = decode_window_result(std::as_bytes(std::span(value.data(), value.size())));
    PaneTruth& pane = out.windows[result.bounds.start / 1000];
    CHECK(pane.events == 0);  // once
    pane.events = result.counts[0];
    for (std::size_t b = 0; b < kBins; ++b) pane.bins[b] = result.counts[1 + b];
    out.late += result.late;
    result.owner.clear();
    out.results.push_back(std::move(result));
  }
  return out;
}

TEST_CASE("the owner captures the reference from the instances' rows, through a failover "
          "mid-capture, as one owner would") {
  const std::string source_topic = unique("capture-source");
  const std::string partials_topic = unique("capture-partials");
  std::map<PaneId, PaneTruth> truth;
  Handle source_producer = make_client(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap()}});
  create_topic(source_producer.get(), source_topic, kPartitions);
  create_topic(source_producer.get(), partials_topic, 1);
  // The capture of 30 events ends at the end of the first window (the pane
  // of its 30th earliest event), once every partition has passed it: not
  // with the first 20 events of each partition, all in that window.
  const config::Config config =
      instance_config(unique("capture"), source_topic, R"({"type": "capture", "events": 30})");
  const auto now = [] { return Clock::system().wall_ms(); };
  produce(source_producer.get(), source_topic, 0, 20, truth);

  Instance instance(config, partials_topic, unique("capture-instance"));
  Owner owner_a(config, partials_topic, "capture-a");
  // The first owner receives rows and commits them (as chunks of its
  // state) at least once, then dies mid-capture.
  std::optional<uint64_t> transactions_before_rows;
  for (const Steady::time_point give_up = Steady::now() + std::chrono::seconds(60);
       Steady::now() < give_up;) {
    REQUIRE(owner_a.owner.step(milliseconds(100)));
    instance.cuts.cut(now());
    const OwnerCounters& counters = owner_a.owner.counters();
    if (!transactions_before_rows && counters.rows_added > 0) {
      transactions_before_rows = counters.transactions;
    }
    if (transactions_before_rows && counters.transactions > *transactions_before_rows) break;
  }
  REQUIRE(owner_a.owner.counters().rows_added >= 1);
  REQUIRE(owner_a.owner.counters().transactions >= 1);
  CHECK(owner_a.owner.counters().references_captured == 0);
  owner_a.owner.close();

  // The second owner resumes the capture from the state topic; the
  // instance, which never installs the reference here, sends rows all
  // along, which the owner bins once it captured.
  produce(source_producer.get(), source_topic, 20, kEventsPerPartition, truth);
  std::map<PaneId, PaneTruth> closed_truth = truth;
  closed_truth.erase(closed_truth.begin());               // the reference's window
  closed_truth.erase(std::prev(closed_truth.end()));      // holds the latest event: never closes
  Owner owner_b(config, owner_a, "capture-b");
  for (const Steady::time_point give_up = Steady::now() + std::chrono::seconds(90);
       Steady::now() < give_up &&
       (!instance.read_all() || owner_b.owner.counters().windows_published < closed_truth.size());) {
    REQUIRE(owner_b.owner.step(milliseconds(100)));
    instance.cuts.cut(now());
  }
  instance.source.stop();
  instance.source.close();
  owner_b.owner.close();
  CHECK(owner_b.owner.counters().states_restored == 1);
  CHECK(owner_b.owner.counters().references_captured == 1);

  const Published failed_over = published(owner_a.cluster.results_topic, closed_truth.size());
  CHECK(failed_over.windows == closed_truth);
  CHECK(failed_over.late == 0);
  const std::vector<std::string> references = read_committed(owner_a.cluster.references_topic, 1);
  REQUIRE(references.size() == 1);
  const ReferenceRecord captured = decode_reference_record(
      std::as_bytes(std::span(references[0].data(), references[0].size())), config.streams[0]);
  // The first window's events, in its bins.
  REQUIRE(captured.references.features.size() == 1);
  CHECK(captured.references.features[0].counts == truth.begin()->second.bins);
  CHECK(captured.origin == "capture");

  // One owner that never fails captures the same reference from the same
  // rows and publishes the same results.
  Owner single(config, partials_topic, "capture-single");
  for (const Steady::time_point give_up = Steady::now() + std::chrono::seconds(60);
       Steady::now() < give_up && single.owner.counters().windows_published < closed_truth.size();) {
    REQUIRE(single.owner.step(milliseconds(200)));
  }
  single.owner.close();
  CHECK(single.owner.counters().states_restored == 0);
  CHECK(published(single.cluster.results_topic, closed_truth.size()).results == failed_over.results);
  const std::vector<std::string> single_references = read_committed(single.cluster.references_topic, 1);
  REQUIRE(single_references.size() == 1);
  CHECK(decode_reference_record(std::as_bytes(std::span(single_references[0].data(),
                                                        single_references[0].size())),
                                config.streams[0])
            .version == captured.version);
  // The capture's chunks are deleted: the stream's state is all that is left.
  StateTopicReader state(config.kafka.value(), owner_a.cluster.state_topic, Clock::system());
  const auto latest = state.read(0, std::chrono::seconds(30));
  CHECK(latest.size() == 1);
  CHECK(latest.contains("payments"));
}

TEST_CASE("processing time: the owner captures by when the instance read the rows, and "
          "closes windows by its clock") {
  const std::string source_topic = unique("processing-source");
  const std::string partials_topic = unique("processing-partials");
  std::map<PaneId, PaneTruth> by_event_time;  // unused: these windows are the clock's
  Handle source_producer = make_client(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap()}});
  create_topic(source_producer.get(), source_topic, kPartitions);
  create_topic(source_producer.get(), partials_topic, 1);
  const config::Config config = instance_config(
      unique("processing"), source_topic, R"({"type": "capture", "events": 30})", false);
  const auto now = [] { return Clock::system().wall_ms(); };
  Instance instance(config, partials_topic, unique("processing-instance"));
  Owner owner(config, partials_topic, "processing-owner");
  const auto run_for = [&](std::chrono::milliseconds span) {
    for (const Steady::time_point until = Steady::now() + span; Steady::now() < until;) {
      REQUIRE(owner.owner.step(milliseconds(50)));
      instance.cuts.cut(now());
    }
  };
  // Four batches of events, each read at least a window (1 s) after the one
  // before: the capture (the first window by the instance's clock holding
  // 30 events) takes at least the first batch, the windows the last.
  constexpr int kBatches = 4;
  constexpr int kPerBatch = kEventsPerPartition / kBatches;
  const auto accepted = [&] { return instance.stream.counters().accepted.load(); };
  for (int batch = 0; batch < kBatches; ++batch) {
    produce(source_producer.get(), source_topic, batch * kPerBatch, (batch + 1) * kPerBatch,
            by_event_time);
    const uint64_t produced = static_cast<uint64_t>((batch + 1) * kPerBatch * kPartitions);
    for (const Steady::time_point give_up = Steady::now() + std::chrono::seconds(60);
         Steady::now() < give_up && accepted() < produced;) {
      run_for(milliseconds(100));
    }
    REQUIRE(accepted() == produced);
    run_for(milliseconds(1'100));
  }
  for (const Steady::time_point give_up = Steady::now() + std::chrono::seconds(60);
       Steady::now() < give_up && !instance.read_all();) {
    run_for(milliseconds(200));
  }
  REQUIRE(instance.read_all());
  // Once every event is read, a window and a cut later every window that
  // holds one has closed.
  run_for(milliseconds(2'500));
  instance.source.stop();
  instance.source.close();
  owner.owner.close();
  REQUIRE(owner.owner.counters().references_captured == 1);
  const uint64_t windows = owner.owner.counters().windows_published;

  const std::vector<std::string> references = read_committed(owner.cluster.references_topic, 1);
  REQUIRE(references.size() == 1);
  const ReferenceRecord captured = decode_reference_record(
      std::as_bytes(std::span(references[0].data(), references[0].size())), config.streams[0]);
  REQUIRE(captured.references.features.size() == 1);
  uint64_t in_reference = 0;
  for (const uint64_t count : captured.references.features[0].counts) in_reference += count;
  CHECK(in_reference >= 30);
  const Published results = published(owner.cluster.results_topic, windows);
  uint64_t in_windows = 0;  // each window once (published() checks); empty ones are not closed
  for (const auto& [pane, window] : results.windows) in_windows += window.events;
  INFO(in_reference << " events in the reference, " << in_windows << " in " << windows
                    << " windows");
  CHECK(in_reference + in_windows == kPartitions * kEventsPerPartition);
  CHECK(in_windows >= kPartitions * kPerBatch);  // the last batch, at least
  CHECK(results.late == 0);

  // One owner over the same partials captures the same reference and
  // publishes the same results: the times are the instance's, in its rows
  // and its partitions' progress, not the owner's.
  Owner single(config, partials_topic, "processing-single");
  for (const Steady::time_point give_up = Steady::now() + std::chrono::seconds(60);
       Steady::now() < give_up && single.owner.counters().windows_published < windows;) {
    REQUIRE(single.owner.step(milliseconds(200)));
  }
  single.owner.close();
  CHECK(published(single.cluster.results_topic, windows).results == results.results);
  const std::vector<std::string> again = read_committed(single.cluster.references_topic, 1);
  REQUIRE(again.size() == 1);
  CHECK(decode_reference_record(std::as_bytes(std::span(again[0].data(), again[0].size())),
                                config.streams[0])
            .version == captured.version);
}

TEST_CASE("a reference switch: windows before it counted in the old bins, from it in the new, "
          "each event once, through an owner's failover mid-switch, as one owner would") {
  const std::string source_topic = unique("switch-source");
  const std::string partials_topic = unique("switch-partials");
  std::map<PaneId, PaneTruth> truth;
  Handle producer = make_client(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap()}});
  create_topic(producer.get(), source_topic, kPartitions);
  create_topic(producer.get(), partials_topic, 1);
  const config::Config config = instance_config(unique("switch"), source_topic, kFileReference);
  const config::StreamConfig& stream = config.streams[0];
  const auto now = [] { return Clock::system().wall_ms(); };
  // The next reference bins at 5, 15 and 25 (the file's at 10, 20 and 30),
  // from the third second of events on.
  config::FeatureConfig shifted = stream.features[0];
  shifted.edges = {5, 15, 25};
  StreamReferences next_references;
  next_references.features.push_back(numeric_reference(shifted, kReferenceValues));
  const ReferenceRecord next =
      versioned_reference_record(stream, next_references, "import:test", now());
  constexpr int64_t kSwitchMs = kStart + 2'000;
  // Whether the switch's record is in `references_topic` (no REQUIRE: a
  // thread of the test publishes it too).
  const auto publish_switch = [&](const std::string& references_topic) {
    const std::string key = reference_switch_key(stream.name, kSwitchMs);
    std::vector<std::byte> value = encode_reference_record(next, stream);
    return rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(references_topic.c_str()),
                             RD_KAFKA_V_KEY(key.data(), key.size()),
                             RD_KAFKA_V_VALUE(value.data(), value.size()),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR_NO_ERROR &&
           rd_kafka_flush(producer.get(), 30'000) == RD_KAFKA_RESP_ERR_NO_ERROR;
  };

  // The first second of events, then the switch: the instance as its node
  // would tell it, the owner from the references topic, where it comes
  // late (below).
  produce(producer.get(), source_topic, 0, 100, truth);
  Instance instance(config, partials_topic, unique("switch-instance"));
  Owner owner_a(config, partials_topic, "switch-owner-a");
  for (const Steady::time_point give_up = Steady::now() + std::chrono::seconds(60);
       Steady::now() < give_up && owner_a.owner.counters().partials < 3;) {
    REQUIRE(owner_a.owner.step(milliseconds(100)));
    instance.cuts.cut(now());
  }
  // Applied at the instance's next cut, before it reads events from the
  // switch on (its events' times are long past: the switch's time is
  // chosen ahead of the events in production).
  instance.cuts.schedule_switch(0, next_references, next.version, kSwitchMs);
  instance.cuts.cut(now());
  // Events on both sides of the switch, but partition 2's all before it
  // (its time holds the watermark there); the first owner commits what it
  // merged of them (its next merge's checkpoint beside the stream's) and
  // dies before the switch completes.
  produce(producer.get(), source_topic, 100, 190, truth);
  produce(producer.get(), source_topic, 190, 250, truth, 0, 2);
  // The owner does not step meanwhile.
  const auto accepted = [&] { return instance.stream.counters().accepted.load(); };
  for (const Steady::time_point give_up = Steady::now() + std::chrono::seconds(60);
       Steady::now() < give_up && accepted() < 190 * kPartitions + 60 * 2;) {
    std::this_thread::sleep_for(milliseconds(100));
    instance.cuts.cut(now());
  }
  REQUIRE(accepted() == 190 * kPartitions + 60 * 2);
  instance.cuts.cut(now());
  // The partials binned with the next version are there before the
  // switch's record: the owner waits for the record (published a second
  // into its wait) rather than reject them.
  bool published_late = false;
  std::thread late_record([&] {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    published_late = publish_switch(owner_a.cluster.references_topic);
  });
  const uint64_t transactions = owner_a.owner.counters().transactions;
  for (const Steady::time_point give_up = Steady::now() + std::chrono::seconds(30);
       Steady::now() < give_up && owner_a.owner.counters().transactions < transactions + 2;) {
    REQUIRE(owner_a.owner.step(milliseconds(100)));
  }
  late_record.join();
  REQUIRE(published_late);
  const uint64_t first_published = owner_a.owner.counters().windows_published;
  owner_a.owner.close();
  CHECK(first_published == 1);  // the first second's window; the second holds at partition 2
  CHECK(owner_a.owner.counters().rejected == 0);

  produce(producer.get(), source_topic, 190, 250, truth, 2, 3);
  produce(producer.get(), source_topic, 250, kEventsPerPartition, truth);
  Owner owner(config, owner_a, "switch-owner-b");
  std::map<PaneId, PaneTruth> closed_truth = truth;
  closed_truth.erase(std::prev(closed_truth.end()));  // holds the latest event: never closes
  // From the switch on, the events in the next reference's bins.
  for (auto& [pane, window] : closed_truth) {
    if (pane * 1000 < kSwitchMs) continue;
    window.bins.assign(kBins, 0);
    for (int i = 0; i < kEventsPerPartition; ++i) {
      for (int p = 0; p < kPartitions; ++p) {
        if (time_of(i, p) / 1000 != pane) continue;
        const int x = value_of(i, p);
        ++window.bins[x < 5 ? 0 : x < 15 ? 1 : x < 25 ? 2 : 3];
      }
    }
  }
  for (const Steady::time_point give_up = Steady::now() + std::chrono::seconds(90);
       Steady::now() < give_up &&
       (!instance.read_all() ||
        first_published + owner.owner.counters().windows_published < closed_truth.size());) {
    REQUIRE(owner.owner.step(milliseconds(100)));
    instance.cuts.cut(now());
  }
  instance.source.stop();
  instance.source.close();
  CHECK(owner.owner.counters().rejected == 0);
  const auto send = [&](const PanePartial& partial) {
    const std::vector<std::byte> value = encode_pane_partial(partial);
    REQUIRE(rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(partials_topic.c_str()),
                              RD_KAFKA_V_KEY(partial.stream.data(), partial.stream.size()),
                              RD_KAFKA_V_VALUE(const_cast<std::byte*>(value.data()), value.size()),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR_NO_ERROR);
  };
  // Partials of a version the references topic never had (an instance with
  // another reference file): the owner waits for it once, then rejects them.
  PanePartial stale;
  stale.stream = stream.name;
  stale.producer = "stale-instance";
  stale.reference_version = 12345;
  stale.counters = 5;
  send(stale);
  send(stale);
  // A straggler: events after the switch binned with the version switched
  // from (an instance that learned of the switch late), counted late.
  PanePartial straggler = stale;
  straggler.producer = "late-learning-instance";
  straggler.reference_version = 1;
  straggler.panes.push_back({kSwitchMs / 1000 + 1, {7, 0, 0, 0, 0}});
  send(straggler);
  REQUIRE(rd_kafka_flush(producer.get(), 30'000) == RD_KAFKA_RESP_ERR_NO_ERROR);
  for (const Steady::time_point give_up = Steady::now() + std::chrono::seconds(60);
       Steady::now() < give_up &&
       (owner.owner.counters().rejected < 2 || owner.owner.counters().switched_from < 1);) {
    REQUIRE(owner.owner.step(milliseconds(100)));
  }
  CHECK(owner.owner.counters().rejected == 2);
  CHECK(owner.owner.counters().unknown_versions == 1);
  CHECK(owner.owner.counters().switched_from == 1);
  owner.owner.close();
  CHECK(owner.owner.counters().states_restored == 1);
  CHECK(owner.owner.counters().states_refused == 0);

  const Published results = published(owner.cluster.results_topic, closed_truth.size());
  INFO("published: " << describe(results.windows) << "\nexpected: " << describe(closed_truth));
  CHECK(results.windows == closed_truth);
  CHECK(results.late == 0);
  for (const WindowResult& result : results.results) {
    CHECK(result.reference_version == (result.bounds.start < kSwitchMs ? 1 : next.version));
  }

  // One owner over the same partials, told the same switch, publishes the
  // same results.
  Owner single(config, partials_topic, "switch-single");
  REQUIRE(publish_switch(single.cluster.references_topic));
  for (const Steady::time_point give_up = Steady::now() + std::chrono::seconds(60);
       Steady::now() < give_up && single.owner.counters().windows_published < closed_truth.size();) {
    REQUIRE(single.owner.step(milliseconds(200)));
  }
  single.owner.close();
  const Published replayed = published(single.cluster.results_topic, closed_truth.size());
  INFO("replayed: " << describe(replayed.windows));
  CHECK(replayed.results == results.results);
}

}  // namespace
}  // namespace driftd::cluster
