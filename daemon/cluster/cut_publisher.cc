#include "cluster/cut_publisher.h"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include <librdkafka/rdkafka.h>

#include "kafka/producer_config.h"
#include "kafka/rdkafka_owned.h"

namespace driftd::cluster {

static_assert(CutPublisher::kAnyPartition == RD_KAFKA_PARTITION_UA);
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kRetryPause{100};
// What a commit retried past its deadline waits each time.
constexpr std::chrono::milliseconds kCommitRetryWait{1'000};
// What an abort after a refused commit may take.
constexpr std::chrono::milliseconds kAbortTime{10'000};

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 3'600'000));
}

}  // namespace

void CutPublisher::ProducerDeleter::operator()(rd_kafka_s* producer) const {
  rd_kafka_destroy(producer);
}

CutPublisher::CutPublisher(const config::KafkaConfig& kafka, std::string topic,
                           const std::string& transactional_id, std::chrono::milliseconds timeout)
    : topic_(std::move(topic)),
      client_log_("transactional producer " + transactional_id + ": ", {topic_},
                  driftd::Clock::system()) {
  kafka::ConfPtr conf = kafka::make_producer_config(kafka, transactional_id);
  kafka::log_to(conf.get(), client_log_);
  char error[512];
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), error, sizeof error);
  if (producer == nullptr) throw std::runtime_error(std::string("cluster producer: ") + error);
  conf.release();  // rd_kafka_new() took it
  producer_.reset(producer);
  if (rd_kafka_error_t* failure =
          rd_kafka_init_transactions(producer, static_cast<int>(timeout.count()))) {
    const std::string reason = rd_kafka_error_string(failure);
    rd_kafka_error_destroy(failure);
    throw std::runtime_error("cluster producer " + transactional_id +
                             ": transactions not initialised: " + reason);
  }
}

CutPublisher::~CutPublisher() = default;

CutPublisher::Result CutPublisher::abort(std::string reason, Clock::time_point deadline) {
  for (;;) {
    rd_kafka_error_t* failure = rd_kafka_abort_transaction(producer_.get(), remaining_ms(deadline));
    if (failure == nullptr) {
      abort_pending_ = false;
      return {Outcome::aborted, std::move(reason)};
    }
    const bool fatal = rd_kafka_error_is_fatal(failure);
    const bool retriable = rd_kafka_error_is_retriable(failure);
    reason += std::string("; the abort failed: ") + rd_kafka_error_string(failure);
    rd_kafka_error_destroy(failure);
    if (fatal || !retriable) {
      fenced_ = true;
      return {Outcome::fenced, std::move(reason)};
    }
    if (Clock::now() >= deadline) {
      // The broker is away: nothing of the transaction is committed, and
      // the next publish() finishes the abort before it begins.
      abort_pending_ = true;
      return {Outcome::aborted, std::move(reason) + " (the abort is finished at the next cut)"};
    }
    std::this_thread::sleep_for(kRetryPause);
  }
}

CutPublisher::Result CutPublisher::settle(rd_kafka_error_t* failure, Clock::time_point deadline,
                                          bool& retry) {
  const std::string reason = rd_kafka_error_string(failure);
  const bool fatal = rd_kafka_error_is_fatal(failure);
  const bool requires_abort = rd_kafka_error_txn_requires_abort(failure);
  const bool retriable = rd_kafka_error_is_retriable(failure);
  rd_kafka_error_destroy(failure);
  retry = false;
  if (fatal) {
    fenced_ = true;
    return {Outcome::fenced, reason};
  }
  if (retriable && !requires_abort && Clock::now() + kRetryPause < deadline) {
    retry = true;
    std::this_thread::sleep_for(kRetryPause);
    return {};
  }
  return abort(reason, deadline);
}

CutPublisher::Result CutPublisher::publish(std::span<const Record> records,
                                           const rd_kafka_topic_partition_list_t* offsets,
                                           const rd_kafka_consumer_group_metadata_t* group,
                                           std::chrono::milliseconds timeout) {
  if (fenced_) return {Outcome::fenced, "the producer was fenced or failed before"};
  const Clock::time_point deadline = Clock::now() + timeout;
  rd_kafka_t* producer = producer_.get();
  bool retry = false;
  if (abort_pending_) {
    if (Result result = abort("the previous transaction's abort", deadline); abort_pending_ ||
                                                                              result.outcome == Outcome::fenced) {
      return result;
    }
  }
  if (rd_kafka_error_t* failure = rd_kafka_begin_transaction(producer)) {
    // Beginning only fails for a producer that cannot go on.
    const std::string reason = rd_kafka_error_string(failure);
    rd_kafka_error_destroy(failure);
    fenced_ = true;
    return {Outcome::fenced, reason};
  }
  for (const Record& record : records) {
    const std::string topic(record.topic.empty() ? std::string_view(topic_) : record.topic);
    const rd_kafka_resp_err_t error = rd_kafka_producev(
        producer, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(record.partition),
        RD_KAFKA_V_KEY(record.key.data(), record.key.size()),
        // librdkafka copies the value: the caller's buffers are free at return.
        RD_KAFKA_V_VALUE(const_cast<std::byte*>(record.value.data()), record.value.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return abort("a record of " + std::to_string(record.value.size()) + " bytes for " + topic +
                       " was refused: " + rd_kafka_err2str(error),
                   deadline);
    }
  }
  do {
    rd_kafka_error_t* failure =
        rd_kafka_send_offsets_to_transaction(producer, offsets, group, remaining_ms(deadline));
    if (failure == nullptr) break;
    if (Result result = settle(failure, deadline, retry); !retry) return result;
  } while (retry);
  for (;;) {
    // Past the deadline each call still waits a while: librdkafka finishes
    // a commit (its flush, its EndTxn) only while a call waits for it.
    rd_kafka_error_t* failure = rd_kafka_commit_transaction(
        producer, std::max(remaining_ms(deadline), static_cast<int>(kCommitRetryWait.count())));
    if (failure == nullptr) return {Outcome::committed, ""};
    // A commit that timed out may still complete on the broker: only
    // calling it again tells (librdkafka's rule), so a retriable failure is
    // retried past the deadline, until the commit succeeds or the broker
    // settles it otherwise (its transaction.timeout.ms bounds the wait).
    if (rd_kafka_error_is_retriable(failure) && !rd_kafka_error_is_fatal(failure) &&
        !rd_kafka_error_txn_requires_abort(failure)) {
      rd_kafka_error_destroy(failure);
      std::this_thread::sleep_for(kRetryPause);
      continue;
    }
    return settle(failure, std::max(deadline, Clock::now() + kAbortTime), retry);
  }
}

}  // namespace driftd::cluster
