// What /readyz says about the Kafka consumer (ConsumerHealth), driven by a
// manual clock: missing topics, waiting for an assignment, no progress.
#include "kafka/consumer_health.h"

#include <chrono>
#include <map>
#include <string>

#include <catch2/catch.hpp>

namespace driftd::kafka {
namespace {

using namespace std::chrono_literals;

struct Fixture {
  ManualClock clock{1'700'000'000'000, Clock::SteadyTime(std::chrono::hours(1))};
  ConsumerHealth health{{"payments", "refunds"}, clock};
};

TEST_CASE("A subscribed topic that does not exist is named until it is assigned") {
  Fixture f;
  CHECK_FALSE(f.health.problem());  // not subscribed yet
  f.health.subscribed();
  f.health.topic_missing("refunds");
  f.health.topic_missing("not-ours");  // not subscribed: ignored
  CHECK(f.health.problem() == "topic 'refunds' does not exist");
  f.health.topic_missing("payments");
  CHECK(f.health.problem() == "topics 'payments', 'refunds' do not exist");

  // One topic now exists and is assigned; the other is still missing.
  f.health.assigned({"payments"});
  CHECK(f.health.problem() == "topic 'refunds' does not exist");
  f.clock.advance(1h);
  CHECK(f.health.problem() == "topic 'refunds' does not exist");
  f.health.assigned({"payments", "refunds"});
  CHECK_FALSE(f.health.problem());
}

TEST_CASE("No assignment for longer than the grace period is reported, naming the topics") {
  Fixture f;
  f.health.subscribed();
  f.clock.advance(ConsumerHealth::kAssignmentGrace);
  CHECK_FALSE(f.health.problem());  // the group may take this long
  f.clock.advance(2s);
  const auto waiting = f.health.problem();
  REQUIRE(waiting);
  CHECK(waiting->starts_with("no partition assigned for 12 s: waiting for the consumer group to "
                             "assign partitions of 'payments', 'refunds'"));

  // An empty assignment is an answer: the group gave the partitions to others.
  f.health.assigned({});
  CHECK_FALSE(f.health.problem());

  // An eager rebalance takes everything away; the wait starts again.
  f.health.unassigned();
  f.clock.advance(5s);
  CHECK_FALSE(f.health.problem());
  f.clock.advance(ConsumerHealth::kAssignmentGrace);
  CHECK(f.health.problem()->starts_with("no partition assigned for 15 s"));
  f.health.assigned({"payments"});
  CHECK_FALSE(f.health.problem());
}

TEST_CASE("Unread messages and no delivery for longer than the stall limit is no progress") {
  Fixture f;
  f.health.subscribed();
  f.health.assigned({"payments", "refunds"});
  const std::map<std::string, int64_t> backlog{{"payments", 1200}, {"refunds", 7}};

  // Deliveries keep it healthy, however large the backlog.
  uint64_t delivered = 0;
  for (int second = 0; second < 100; ++second) {
    f.health.statistics(delivered += 1000, backlog);
    f.clock.advance(1s);
    REQUIRE_FALSE(f.health.problem());
  }
  // Then nothing is delivered while messages wait: 30 s since the last
  // delivery is the limit, not yet beyond it.
  for (int second = 0; second < 29; ++second) {
    f.health.statistics(delivered, backlog);
    f.clock.advance(1s);
  }
  CHECK_FALSE(f.health.problem());
  f.clock.advance(1s);
  CHECK(f.health.problem() == "no message consumed for 31 s while assigned partitions hold "
                              "unread messages: 'payments' (1200), 'refunds' (7)");

  // A delivery is progress again.
  f.health.statistics(delivered + 1, {{"payments", 1199}});
  CHECK_FALSE(f.health.problem());
  // Nothing delivered with nothing unread is only an idle stream.
  f.health.statistics(delivered + 1, {});
  f.clock.advance(1h);
  CHECK_FALSE(f.health.problem());
}

TEST_CASE("A new assignment restarts the stall clock, and missing topics come first") {
  Fixture f;
  f.health.subscribed();
  f.health.assigned({"payments"});
  f.health.statistics(10, {{"payments", 50}});
  f.clock.advance(40s);
  REQUIRE(f.health.problem());
  f.health.assigned({"payments"});  // partitions handed over again (a rebalance)
  CHECK_FALSE(f.health.problem());
  f.clock.advance(40s);
  f.health.topic_missing("refunds");
  CHECK(f.health.problem() == "topic 'refunds' does not exist");
}

}  // namespace
}  // namespace driftd::kafka
