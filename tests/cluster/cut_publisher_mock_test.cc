// An instance's cut as one Kafka transaction, against librdkafka's mock
// cluster, for what the real broker (cut_publisher_test.cc) cannot easily be
// made to do: answer the commit late. A commit that outlives publish()'s
// deadline is resumed until the coordinator answers, and completes.
#include "cluster/cut_publisher.h"

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "kafka/rdkafka_owned.h"
#include "kafka_test_support.h"

namespace driftd::cluster {
namespace {

using namespace testing;  // kafka_test_support.h

using std::chrono::milliseconds;

constexpr int16_t kEndTxn = 26;  // the Kafka API key of a transaction's commit or abort

// One cut of one record and the source offset `next_offset`.
CutPublisher::Result publish_cut(CutPublisher& publisher, int64_t next_offset,
                                 milliseconds timeout) {
  const std::string value = "partial";
  const CutPublisher::Record records[] = {
      {"stream", std::as_bytes(std::span(value.data(), value.size()))}};
  const kafka::PartitionList offsets(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(offsets.get(), "source", 0)->offset = next_offset;
  const kafka::GroupMetadata group(rd_kafka_consumer_group_metadata_new("instances"));
  return publisher.publish(records, offsets.get(), group.get(), timeout);
}

TEST_CASE("a commit the coordinator answers after the cut's deadline is resumed until it completes") {
  // The mock cluster lives as long as the client that made it.
  const Handle mock_owner = make_client(RD_KAFKA_PRODUCER, {{"test.mock.num.brokers", "1"}});
  rd_kafka_mock_cluster_t* mock = rd_kafka_handle_mock_cluster(mock_owner.get());
  REQUIRE(mock != nullptr);
  REQUIRE(rd_kafka_mock_topic_create(mock, "source", 1, 1) == RD_KAFKA_RESP_ERR_NO_ERROR);
  REQUIRE(rd_kafka_mock_topic_create(mock, "partials", 1, 1) == RD_KAFKA_RESP_ERR_NO_ERROR);
  config::KafkaConfig kafka;
  kafka.brokers = rd_kafka_mock_cluster_bootstraps(mock);
  kafka.group_id = "instances";
  auto publisher = std::make_shared<CutPublisher>(kafka, "partials", "instance-1.cuts",
                                                  milliseconds(30'000));
  REQUIRE(publish_cut(*publisher, 10, milliseconds(30'000)).outcome ==
          CutPublisher::Outcome::committed);

  // The next commit's answer comes 6 s late, the cut's deadline is 2 s
  // (ample for the records and offsets before it, on a warm connection to
  // the mock): the first wait for the commit times out, and the commit may
  // still complete, so publish() resumes it past the deadline until the
  // answer comes. Reporting the cut aborted instead would have its caller
  // read its events again, while the broker commits them: counted twice.
  REQUIRE(rd_kafka_mock_broker_push_request_error_rtts(mock, 1, kEndTxn, 1,
                                                       RD_KAFKA_RESP_ERR_NO_ERROR, 6'000) ==
          RD_KAFKA_RESP_ERR_NO_ERROR);
  // On a thread of its own, so that a publish() that never returns fails
  // this test instead of hanging it (the thread owns what it uses).
  auto late = std::make_shared<std::promise<CutPublisher::Result>>();
  std::future<CutPublisher::Result> outcome = late->get_future();
  std::thread([publisher, late] {
    late->set_value(publish_cut(*publisher, 20, milliseconds(2'000)));
  }).detach();
  REQUIRE(outcome.wait_for(std::chrono::seconds(60)) == std::future_status::ready);
  const CutPublisher::Result result = outcome.get();
  INFO(result.error);
  CHECK(result.outcome == CutPublisher::Outcome::committed);
  // The producer goes on: the next cut commits within its deadline.
  CHECK(publish_cut(*publisher, 30, milliseconds(30'000)).outcome ==
        CutPublisher::Outcome::committed);
}

}  // namespace
}  // namespace driftd::cluster
