// driftd's wording of librdkafka's messages and the repeat filter, over
// texts librdkafka 2.0.2 (Debian 12) wrote on this project's test machine:
// against a stopped broker, a port that closes every connection at once or
// after 0.3 s (a broker going down or starting), a host name that does not
// resolve, TLS and SASL against a plaintext listener, a subscribed topic
// that does not exist, and the real broker stopped under a consumer.
#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "kafka/client_message.h"
#include "kafka/repeat_filter.h"

namespace driftd::kafka {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string> kTopics{"payments", "outage1"};

std::string words(const std::string& text, bool reached = true) {
  return reword(text, kTopics, reached);
}

TEST_CASE("A broker outage is said as it is, without librdkafka's security.protocol guess") {
  CHECK(words("127.0.0.1:19099/bootstrap: Connect to ipv4#127.0.0.1:19099 failed: Connection "
              "refused (after 0ms in state CONNECT)", false) ==
        "broker 127.0.0.1:19099 unreachable (connection refused); retrying");
  CHECK(words("GroupCoordinator: 127.0.0.1:19192: Connect to ipv4#127.0.0.1:19192 failed: "
              "Connection refused (after 0ms in state CONNECT, 5 identical error(s) "
              "suppressed)") ==
        "broker 127.0.0.1:19192 unreachable (connection refused); retrying");
  CHECK(words("GroupCoordinator: 127.0.0.1:19192: Disconnected (after 5234ms in state UP)") ==
        "broker 127.0.0.1:19192 closed the connection; reconnecting");
  CHECK(words("127.0.0.1:19192/1: Disconnected (after 5294ms in state UP)") ==
        "broker 127.0.0.1:19192 closed the connection; reconnecting");
  CHECK(words("2/2 brokers are down") == "no broker reachable; retrying");
  CHECK(words("1/3 brokers are down") == "1/3 brokers are down");
  CHECK(words("nosuchhost.invalid:9092/bootstrap: Failed to resolve 'nosuchhost.invalid:9092': "
              "Name or service not known (after 1ms in state CONNECT)", false) ==
        "broker nosuchhost.invalid:9092 unreachable (cannot resolve its name: name or service "
        "not known); retrying");

  // A broker that closes new connections: going down or starting up once
  // it was reachable; before that, maybe a TLS or SASL listener.
  const std::string api_version =
      "127.0.0.1:19198/bootstrap: Disconnected while requesting ApiVersion: might be caused by "
      "incorrect security.protocol configuration (connecting to a SSL listener?) or broker "
      "version is < 0.10 (see api.version.request) (after 0ms in state APIVERSION_QUERY)";
  const std::string verify =
      "127.0.0.1:19196/bootstrap: Disconnected: verify that security.protocol is correctly "
      "configured, broker might require SASL authentication (after 297ms in state UP)";
  CHECK(words(api_version) ==
        "broker 127.0.0.1:19198 closed the connection during the handshake; retrying");
  CHECK(words(verify) ==
        "broker 127.0.0.1:19196 closed the connection during the handshake; retrying");
  const std::string hint =
      "; if this persists, check that security.protocol (TLS, SASL) matches the broker's "
      "listener";
  CHECK(words(api_version, false) ==
        "broker 127.0.0.1:19198 closed the connection during the handshake; retrying" + hint);
  CHECK(words(verify, false) ==
        "broker 127.0.0.1:19196 closed the connection during the handshake; retrying" + hint);
}

TEST_CASE("TLS, SASL and other client errors are kept, without the changing timing tail") {
  CHECK(words("ssl://127.0.0.1:19192/bootstrap: SSL handshake failed: error:0A000126:SSL "
              "routines::unexpected eof while reading (after 18ms in state SSL_HANDSHAKE)") ==
        "ssl://127.0.0.1:19192/bootstrap: SSL handshake failed: error:0A000126:SSL "
        "routines::unexpected eof while reading (in state SSL_HANDSHAKE)");
  CHECK(words("ssl://127.0.0.1:19195/bootstrap: SSL handshake failed: Disconnected: connecting "
              "to a PLAINTEXT broker listener? (after 0ms in state SSL_HANDSHAKE)") ==
        "ssl://127.0.0.1:19195/bootstrap: SSL handshake failed: Disconnected: connecting to a "
        "PLAINTEXT broker listener? (in state SSL_HANDSHAKE)");
  CHECK(words("sasl_plaintext://127.0.0.1:19192/bootstrap: SASL PLAIN mechanism handshake "
              "failed: Broker: Request not valid in current SASL state: broker's supported "
              "mechanisms:  (after 1ms in state AUTH_HANDSHAKE, 1 identical error(s) "
              "suppressed)") ==
        "sasl_plaintext://127.0.0.1:19192/bootstrap: SASL PLAIN mechanism handshake failed: "
        "Broker: Request not valid in current SASL state: broker's supported mechanisms:  (in "
        "state AUTH_HANDSHAKE)");
  CHECK(words("10.255.255.1:9092/bootstrap: Receive failed: Invalid response size 1213486160 "
              "(0..100000000): increase receive.message.max.bytes (after 0ms in state "
              "APIVERSION_QUERY)") ==
        "10.255.255.1:9092/bootstrap: Receive failed: Invalid response size 1213486160 "
        "(0..100000000): increase receive.message.max.bytes (in state APIVERSION_QUERY)");
  const std::string cluster_id =
      "Broker 127.0.0.1:19192/1 reports different ClusterId \"cgZNfm1ZRaCMbTPSn_ONQg\" than "
      "previously known \"_jzNUCu_Rq6l9O0LAffU1A\": a client must not be simultaneously "
      "connected to multiple clusters";
  CHECK(words(cluster_id) == cluster_id);
  CHECK(words("offset commit: Broker: Unknown member") == "offset commit: Broker: Unknown member");
}

TEST_CASE("A subscribed topic that does not exist is recognised and named") {
  // A consumer message with an error, as the source reports it ("topic: errstr").
  const std::string subscribed =
      "payments: Subscribed topic not available: payments: Broker: Unknown topic or partition";
  // The error callback, for a topic deleted under the consumer.
  const std::string deleted =
      "outage1 [1]: topic does not exist (Broker: Unknown topic or partition)";
  CHECK(missing_topic(subscribed, kTopics) == "payments");
  CHECK(missing_topic(deleted, kTopics) == "outage1");
  CHECK(words(subscribed) == "topic 'payments' does not exist; it is consumed once it is created");
  CHECK(words(deleted) == "topic 'outage1' does not exist; it is consumed once it is created");

  CHECK_FALSE(missing_topic("refunds: Subscribed topic not available: refunds: Broker: Unknown "
                            "topic or partition", kTopics));  // not subscribed
  const std::string partition_gone =
      "outage1 [0]: desired partition is no longer available (Local: Unknown partition)";
  CHECK_FALSE(missing_topic(partition_gone, kTopics));
  CHECK(words(partition_gone) == partition_gone);
}

TEST_CASE("A log line loses librdkafka's thread prefix") {
  CHECK(without_thread("[thrd:GroupCoordinator]: GroupCoordinator: 127.0.0.1:19192: "
                       "Disconnected (after 5234ms in state UP)") ==
        "GroupCoordinator: 127.0.0.1:19192: Disconnected (after 5234ms in state UP)");
  CHECK(without_thread("[thrd:main]: Topic outage1 partition count changed from 2 to 0") ==
        "Topic outage1 partition count changed from 2 to 0");
  CHECK(without_thread("no prefix") == "no prefix");
}

TEST_CASE("The repeat filter prints a line once, and again only after a quiet period") {
  ManualClock clock(0, Clock::SteadyTime(std::chrono::hours(1)));
  RepeatFilter filter(clock);
  CHECK(filter.admit("a"));
  CHECK_FALSE(filter.admit("a"));
  CHECK(filter.admit("b"));  // a new line is never held back
  clock.advance(RepeatFilter::kQuiet - 1ms);
  CHECK_FALSE(filter.admit("a"));
  CHECK_FALSE(filter.admit("b"));
  clock.advance(1ms);
  CHECK(filter.admit("a"));
  CHECK(filter.admit("b"));
  CHECK_FALSE(filter.admit("a"));

  // Beyond what it remembers, the oldest line is forgotten first.
  for (std::size_t i = 0; i < RepeatFilter::kRemembered; ++i) {
    clock.advance(1ms);
    CHECK(filter.admit("line " + std::to_string(i)));
  }
  CHECK(filter.admit("a"));  // forgotten: the oldest
  CHECK_FALSE(filter.admit("line 1"));
}

TEST_CASE("A broker stopped under a consumer is three lines, not thirteen") {
  // What librdkafka's log callback (with its thread prefix) and error
  // callback gave, in this order, when the test broker was stopped.
  const std::vector<std::string> reported{
      "[thrd:GroupCoordinator]: GroupCoordinator: 127.0.0.1:19192: Disconnected (after 5234ms "
      "in state UP)",
      "[thrd:GroupCoordinator]: GroupCoordinator: 127.0.0.1:19192: Connect to "
      "ipv4#127.0.0.1:19192 failed: Connection refused (after 0ms in state CONNECT)",
      "GroupCoordinator: 127.0.0.1:19192: Disconnected (after 5234ms in state UP)",
      "[thrd:127.0.0.1:19192/bootstrap]: 127.0.0.1:19192/1: Disconnected (after 5294ms in "
      "state UP)",
      "[thrd:127.0.0.1:19192/bootstrap]: 127.0.0.1:19192/1: Connect to ipv4#127.0.0.1:19192 "
      "failed: Connection refused (after 0ms in state CONNECT)",
      "127.0.0.1:19192/1: Disconnected (after 5294ms in state UP)",
      "2/2 brokers are down",
      "127.0.0.1:19192/1: Connect to ipv4#127.0.0.1:19192 failed: Connection refused (after "
      "0ms in state CONNECT)",
      "GroupCoordinator: 127.0.0.1:19192: Connect to ipv4#127.0.0.1:19192 failed: Connection "
      "refused (after 0ms in state CONNECT)",
      "[thrd:GroupCoordinator]: GroupCoordinator: 127.0.0.1:19192: Connect to "
      "ipv4#127.0.0.1:19192 failed: Connection refused (after 0ms in state CONNECT, 1 "
      "identical error(s) suppressed)",
      "GroupCoordinator: 127.0.0.1:19192: Connect to ipv4#127.0.0.1:19192 failed: Connection "
      "refused (after 0ms in state CONNECT, 1 identical error(s) suppressed)",
      "[thrd:127.0.0.1:19192/bootstrap]: 127.0.0.1:19192/1: Connect to ipv4#127.0.0.1:19192 "
      "failed: Connection refused (after 0ms in state CONNECT, 1 identical error(s) "
      "suppressed)",
      "127.0.0.1:19192/1: Connect to ipv4#127.0.0.1:19192 failed: Connection refused (after "
      "0ms in state CONNECT, 1 identical error(s) suppressed)",
  };
  ManualClock clock(0, Clock::SteadyTime(std::chrono::hours(1)));
  RepeatFilter filter(clock);
  std::vector<std::string> printed;
  for (const std::string& text : reported) {
    const std::string line = reword(without_thread(text), kTopics, true);
    if (filter.admit(line)) printed.push_back(line);
    clock.advance(40ms);
  }
  CHECK(printed == std::vector<std::string>{
                       "broker 127.0.0.1:19192 closed the connection; reconnecting",
                       "broker 127.0.0.1:19192 unreachable (connection refused); retrying",
                       "no broker reachable; retrying"});
}

}  // namespace
}  // namespace driftd::kafka
