// The group.instance.id driftd derives (static membership by default) and
// how the configuration chooses it.
#include "kafka/instance_id.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/config_parser.h"

namespace driftd::kafka {
namespace {

// Kafka accepts 1 to 249 characters from [a-zA-Z0-9._-] for the id.
bool kafka_accepts(const std::string& id) {
  if (id.empty() || id.size() > 249) return false;
  for (const char c : id) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

const std::vector<std::string> kTopics{"payments", "refunds"};

TEST_CASE("The derived instance id is stable and tells configurations apart") {
  const std::string id = derive_instance_id("vm-7", "driftd", kTopics, "/var/lib/driftd/d.db");
  CHECK(id.starts_with("driftd-vm-7-"));
  CHECK(id.size() == std::string("driftd-vm-7-").size() + 16);
  CHECK(id.find_first_not_of("0123456789abcdef", id.size() - 16) == std::string::npos);
  CHECK(kafka_accepts(id));

  // The same configuration gives the same id, whatever the topics' order
  // or repetition (two streams may read one topic).
  CHECK(derive_instance_id("vm-7", "driftd", kTopics, "/var/lib/driftd/d.db") == id);
  const std::vector<std::string> reordered{"refunds", "payments", "refunds"};
  CHECK(derive_instance_id("vm-7", "driftd", reordered, "/var/lib/driftd/d.db") == id);

  // Two instances on one host with different databases, or groups, differ.
  CHECK(derive_instance_id("vm-7", "driftd", kTopics, "/var/lib/driftd/e.db") != id);
  CHECK(derive_instance_id("vm-7", "driftd-b", kTopics, "/var/lib/driftd/d.db") != id);
  CHECK(derive_instance_id("vm-8", "driftd", kTopics, "/var/lib/driftd/d.db") != id);
  CHECK(derive_instance_id("vm-7", "driftd", {kTopics.begin(), 1}, "/var/lib/driftd/d.db") != id);
  // Fields do not run into each other.
  CHECK(derive_instance_id("h", "ab", {}, "c") != derive_instance_id("h", "a", {}, "bc"));
}

TEST_CASE("The derived instance id keeps to the characters and length Kafka accepts") {
  const std::string odd = derive_instance_id("host name/ünïcode:1", "g", kTopics, "/d.db");
  CHECK(odd.starts_with("driftd-host-name-"));
  CHECK(kafka_accepts(odd));

  const std::string long_host(400, 'h');
  const std::string cut = derive_instance_id(long_host, "g", kTopics, "/d.db");
  CHECK(cut.size() == 249);
  CHECK(kafka_accepts(cut));
  CHECK(kafka_accepts(derive_instance_id("", "g", kTopics, "/d.db")));
}

config::Config kafka_config(const std::string& kafka, const std::string& path = "/srv/d.db") {
  return config::parse_config(R"({"storage": {"path": ")" + path + R"("}, "kafka": )" + kafka +
                              R"(, "streams": [{"name": "s", "source": {"type": "kafka",
      "topic": "payments"}, "window": {"type": "count", "events": 10},
      "features": [{"name": "f", "path": "/f", "type": "numeric"}]}]})");
}

TEST_CASE("The configuration chooses static membership by default, or an id, or none") {
  const auto derived = group_instance_id(kafka_config(R"({"brokers": "b", "group_id": "g"})"));
  REQUIRE(derived);
  CHECK(derived->starts_with("driftd-"));
  CHECK(kafka_accepts(*derived));
  CHECK(derived == group_instance_id(kafka_config(R"({"brokers": "b", "group_id": "g"})")));
  // The database's absolute path counts: "d.db" here and in another
  // directory are different databases.
  CHECK(group_instance_id(kafka_config(R"({"brokers": "b", "group_id": "g"})", "d.db")) !=
        derived);

  CHECK(group_instance_id(kafka_config(
            R"({"brokers": "b", "group_id": "g", "instance_id": "pod-3"})")) == "pod-3");
  CHECK_FALSE(group_instance_id(
      kafka_config(R"({"brokers": "b", "group_id": "g", "instance_id": ""})")));
  // The librdkafka property wins over both.
  CHECK(group_instance_id(kafka_config(R"({"brokers": "b", "group_id": "g", "instance_id": "x",
        "properties": {"group.instance.id": "mine"}})")) == "mine");
  CHECK_FALSE(group_instance_id(kafka_config(
      R"({"brokers": "b", "group_id": "g", "properties": {"group.instance.id": ""}})")));
}

}  // namespace
}  // namespace driftd::kafka
