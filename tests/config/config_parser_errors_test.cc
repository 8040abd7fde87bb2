// parse_config() on invalid configurations: each case asserts the exact
// message, path included, so that a change of wording is a visible decision.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/config_parser.h"

namespace driftd::config {
namespace {

// A config made of a valid storage section and the given streams.
std::string with_streams(const std::string& streams) {
  return R"({"storage": {"path": "x.db"}, "streams": [)" + streams + "]}";
}

// A config with a valid stream and the given alertmanager section.
std::string with_alertmanager(const std::string& section) {
  return R"({"storage": {"path": "x.db"}, "alertmanager": )" + section + R"(, "streams": [
      {"name": "s", "source": {"type": "http"}, "window": {"type": "count", "events": 10},
       "features": [{"name": "f", "path": "/f", "type": "numeric"}]}]})";
}

// A config whose only stream has a count window and the given members.
std::string with_stream_members(const std::string& members) {
  return with_streams(R"({"name": "s", "source": {"type": "http"}, )" + members + "}");
}

// A config whose only stream (count window) has the given features.
std::string with_features(const std::string& features) {
  return with_stream_members(R"("window": {"type": "count", "events": 10}, "features": [)" +
                             features + "]");
}

// A config whose only stream has features "f" and "g" and the given alert.
std::string with_alert(const std::string& alert) {
  return with_stream_members(R"("window": {"type": "count", "events": 10},
      "features": [{"name": "f", "path": "/f", "type": "numeric"},
                   {"name": "g", "path": "/g", "type": "categorical"}],
      "alerts": [)" + alert + "]");
}

// A config whose only stream has numeric features "f" and "g", categorical
// "c" (80 bins), numeric "n" (1000 bins) and the given groups and pairs
// members.
std::string with_views(const std::string& members) {
  return with_stream_members(R"("window": {"type": "count", "events": 10},
      "features": [{"name": "f", "path": "/f", "type": "numeric"},
                   {"name": "g", "path": "/g", "type": "numeric"},
                   {"name": "c", "path": "/c", "type": "categorical", "max_categories": 79},
                   {"name": "n", "path": "/n", "type": "numeric", "bins": 1000}], )" +
                             members);
}

// with_views() with one group and no pairs.
std::string with_group(const std::string& group) {
  return with_views(R"("groups": [)" + group + "]");
}

// with_views() with one pair and no groups.
std::string with_pair(const std::string& pair) { return with_views(R"("pairs": [)" + pair + "]"); }

// A config whose only stream has the given window (and event time members).
std::string with_window(const std::string& window, const std::string& more = "") {
  return with_stream_members(more + R"("window": )" + window +
                             R"(, "features": [{"name": "f", "path": "/f", "type": "numeric"}])");
}

// A config with the given http section.
std::string with_http(const std::string& http) {
  return R"({"storage": {"path": "x.db"}, "http": )" + http + R"(, "streams": [
      {"name": "s", "source": {"type": "http"}, "window": {"type": "count", "events": 10},
       "features": [{"name": "f", "path": "/f", "type": "numeric"}]}]})";
}

// A config with the given storage section.
std::string with_storage(const std::string& storage) {
  return R"({"storage": )" + storage + R"(, "streams": [
      {"name": "s", "source": {"type": "http"}, "window": {"type": "count", "events": 10},
       "features": [{"name": "f", "path": "/f", "type": "numeric"}]}]})";
}

// A config with the given kafka section and one kafka stream.
std::string with_kafka(const std::string& kafka) {
  return R"({"storage": {"path": "x.db"}, "kafka": )" + kafka + R"(, "streams": [
      {"name": "s", "source": {"type": "kafka", "topic": "t"},
       "window": {"type": "count", "events": 10},
       "features": [{"name": "f", "path": "/f", "type": "numeric"}]}]})";
}

// A config with the given kafka and cluster sections, a kafka stream on "t"
// (tumbling window) and the given more streams.
std::string with_cluster(const std::string& cluster,
                         const std::string& kafka = R"({"brokers": "b", "group_id": "g"})",
                         const std::string& more_streams = "") {
  return R"({"storage": {"path": "x.db"}, "kafka": )" + kafka + R"(, "cluster": )" + cluster +
         R"(, "streams": [
      {"name": "s", "source": {"type": "kafka", "topic": "t"},
       "window": {"type": "tumbling", "size": "1m"},
       "features": [{"name": "f", "path": "/f", "type": "numeric"}]})" +
         more_streams + "]}";
}

const std::string kClusterTopics =
    ": cluster mode's topics must differ from each other, from every stream's source topic and "
    "from kafka.alert_topic";
const std::string kReplicationFactor =
    "cluster.replication_factor: must be -1 (the broker's default) or an integer between 1 and "
    "32";

const std::string kNumeric = R"({"name": "f", "path": "/f", "type": "numeric"})";
// Features "f" and "g", for cases about features[2].
const std::string kTwoFeatures = kNumeric + R"(, {"name": "g", "path": "/g", "type": "numeric"})";
const std::string kStreamFields =
    "name, source, event_time, window, reference, smoothing_alpha, fdr, features, groups, pairs, "
    "alerts";
const std::string kDurationProblem =
    "must be a duration: an integer and a unit (ms, s, m, h or d), such as \"30s\"";
const std::string kBins = "streams[0].features[2].bins: must be an integer between 2 and 4096";
const std::string kShape = "must be \"host:port\", such as \"127.0.0.1:8080\" or \"[::1]:8080\"";
const std::string kViewName =
    "must be 1 to 64 characters from A-Z, a-z, 0-9, '_', '.', '-' and '|'";
const std::string kViewFeatures = "(this stream's features: f, g, c, n)";

struct BadConfig {
  std::string config;
  std::string message;
};

const std::vector<BadConfig>& bad_configs() {
  static const std::vector<BadConfig> cases = {
      // ---- JSON syntax, reported with nlohmann's line and column
      {"", "line 1, column 1: syntax error while parsing value - unexpected end of input; "
           "expected '[', '{', or a literal"},
      {"// only a comment\n", "line 2, column 1: syntax error while parsing value - unexpected "
                              "end of input; expected '[', '{', or a literal"},
      {"{\n  \"storage\": {\"path\": \"x.db\"},\n  \"streams\": [}\n}",
       "line 3, column 15: syntax error while parsing value - unexpected '}'; expected '[', '{', "
       "or a literal"},
      {"{\n  \"storage\": {\"path\": \"x.db\",}\n}",
       "line 2, column 30: syntax error while parsing object key - unexpected '}'; expected "
       "string literal"},
      {"{\"storage\": {\"path\": \"x.db\"}} trailing",
       "line 1, column 33: syntax error while parsing value - invalid literal; last read: "
       "'\"x.db\"}} tra'; expected end of input"},
      {"{\"storage\": /* unterminated",
       "line 1, column 28: syntax error while parsing value - invalid comment; missing closing "
       "'*/'; last read: '\"storage\": /* unterminated'"},
      {"[1, 2]", "the configuration must be a JSON object"},
      // ---- repeated keys
      {with_stream_members(R"("window": {"type": "count", "events": 10, "events": 20},
          "features": [)" + kNumeric + "]"),
       "streams[0].window.events: duplicate field"},
      {with_features(kNumeric + ", " + R"({"name": "g", "path": "/g", "path": "/h",
          "type": "numeric"})"),
       "streams[0].features[1].path: duplicate field"},
      // ---- top level
      {with_streams(R"({"name": "s"})").replace(1, 0, R"("strems": 1, )"),
       "strems: unknown field (expected one of: storage, http, kafka, webhooks, alertmanager, "
       "cluster, streams)"},
      {R"({"streams": []})", "streams: must hold at least one stream"},
      {R"({"storage": {"path": "x.db"}})", "streams: required field is missing"},
      {R"({"storage": {"path": "x.db"}, "streams": {}})", "streams: must be an array"},
      {with_storage(R"("x.db")"), "storage: must be an object"},
      // ---- storage
      {with_storage("{}"), "storage.path: required field is missing"},
      {with_storage(R"({"path": ""})"), "storage.path: must be a non-empty string"},
      {with_storage(R"({"path": "x.db", "synchronous": "off"})"),
       "storage.synchronous: must be one of: \"full\", \"normal\""},
      {with_storage(R"({"path": "x.db", "checkpoint_interval": "5"})"),
       "storage.checkpoint_interval: " + kDurationProblem},
      {with_storage(R"({"path": "x.db", "checkpoint_interval": "-1s"})"),
       "storage.checkpoint_interval: " + kDurationProblem},
      {with_storage(R"({"path": "x.db", "checkpoint_interval": "1.5m"})"),
       "storage.checkpoint_interval: " + kDurationProblem},
      {with_storage(R"({"path": "x.db", "checkpoint_interval": ""})"),
       "storage.checkpoint_interval: " + kDurationProblem},
      {with_storage(R"({"path": "x.db", "checkpoint_interval": 10})"),
       "storage.checkpoint_interval: " + kDurationProblem},
      {with_storage(R"({"path": "x.db", "retention": "99999999999999999999d"})"),
       "storage.retention: is too large for a duration"},
      {with_storage(R"({"path": "x.db", "checkpoint_interval": "0s"})"),
       "storage.checkpoint_interval: must be greater than 0s"},
      {with_storage(R"({"path": "x.db", "retention": {"days": 30}})"),
       "storage.retention: " + kDurationProblem},
      // ---- http
      {with_http(R"({"listen": "localhost"})"), "http.listen: " + kShape},
      {with_http(R"({"listen": "127.0.0.1:65536"})"),
       "http.listen: port must be an integer between 0 and 65535"},
      {with_http(R"({"listen": "::1:8080"})"),
       "http.listen: an IPv6 address must be in brackets, such as \"[::1]:8080\""},
      {with_http(R"({"listen": "300.1.1.1:80"})"),
       "http.listen: \"300.1.1.1\" is not a valid IPv4 address"},
      {with_http(R"({"listen": 8080})"), "http.listen: must be a string"},
      {with_http(R"({"auth_token": "short"})"),
       "http.auth_token: must be at least 16 characters long"},
      {with_http(R"({"auth_token": "0123456789 abcdef"})"),
       "http.auth_token: must not contain spaces or control characters"},
      {with_http(R"({"max_connections": 0})"), "http.max_connections: must be an integer >= 1"},
      {with_http(R"({"max_event_streams": 0})"),
       "http.max_event_streams: must be an integer >= 1"},
      {with_http(R"({"max_connections": 4294967296})"),
       "http.max_connections: must be at most 4294967295"},
      {with_http(R"({"max_body_bytes": -1})"), "http.max_body_bytes: must be an integer >= 1"},
      {with_http(R"({"max_inflight_body_bytes": 1048576})"),
       "http.max_inflight_body_bytes: must be at least max_body_bytes (16777216), or no body of "
       "the largest allowed size could ever be taken"},
      {with_http(R"({"read_threads": 0})"), "http.read_threads: must be an integer between 1 and 64"},
      {with_http(R"({"read_queue": -1})"), "http.read_queue: must be an integer >= 0"},
      {with_http(R"({"read_time_budget": "0s"})"),
       "http.read_time_budget: must be greater than 0s"},
      {with_http(R"({"port": 8080})"),
       "http.port: unknown field (expected one of: listen, auth_token, max_body_bytes, "
       "max_inflight_body_bytes, max_connections, max_event_streams, idle_timeout, read_threads, "
       "read_queue, read_time_budget, ingest_ack, tls)"},
      {with_http(R"({"ingest_ack": "fast"})"),
       "http.ingest_ack: must be one of: \"durable\", \"received\""},
      {with_http(R"({"tls": {"certificate": "c.pem"}})"),
       "http.tls.private_key: required field is missing"},
      {with_http(R"({"tls": {"certificate": "", "private_key": "k.pem"}})"),
       "http.tls.certificate: must be a non-empty string"},
      // ---- webhooks
      {R"({"storage": {"path": "x.db"}, "webhooks": {"retry_initial": "10m"}, "streams": [
        {"name": "s", "source": {"type": "http"}, "window": {"type": "count", "events": 10},
         "features": [{"name": "f", "path": "/f", "type": "numeric"}]}]})",
       "webhooks.retry_max: must be at least retry_initial (10m)"},
      {R"({"storage": {"path": "x.db"}, "webhooks": {"allowlist": ["a", ""]}, "streams": [
        {"name": "s", "source": {"type": "http"}, "window": {"type": "count", "events": 10},
         "features": [{"name": "f", "path": "/f", "type": "numeric"}]}]})",
       "webhooks.allowlist[1]: must be a non-empty string"},
      {R"({"storage": {"path": "x.db"}, "webhooks": {"ca_file": 3}, "streams": [
        {"name": "s", "source": {"type": "http"}, "window": {"type": "count", "events": 10},
         "features": [{"name": "f", "path": "/f", "type": "numeric"}]}]})",
       "webhooks.ca_file: must be a non-empty string"},
      // ---- alertmanager
      {with_alertmanager(R"({})"), "alertmanager.url: required field is missing"},
      {with_alertmanager(R"({"url": "ftp://am:9093"})"),
       "alertmanager.url: must start with http:// or https://"},
      {with_alertmanager(R"({"url": "am:9093"})"),
       "alertmanager.url: must start with http:// or https://"},
      {with_alertmanager(R"({"url": "http://am:9093/?x=1"})"),
       "alertmanager.url: must be a base URL without query ('?') or fragment ('#'): paths are "
       "appended to it"},
      {with_alertmanager(R"({"url": "https:///"})"), "alertmanager.url: needs a host"},
      {with_alertmanager(R"({"url": "http://am", "bearer_token_file": "t",
                             "basic_auth": {"username": "u", "password_file": "p"}})"),
       "alertmanager.basic_auth: not allowed with bearer_token_file: choose one way to "
       "authenticate"},
      {with_alertmanager(R"({"url": "http://am", "basic_auth": {"username": "u"}})"),
       "alertmanager.basic_auth.password_file: required field is missing"},
      {with_alertmanager(R"({"url": "http://am", "basic_auth": {"username": "", "password_file": "p"}})"),
       "alertmanager.basic_auth.username: must be a non-empty string"},
      {with_alertmanager(R"({"url": "http://am", "resend_interval": "0s"})"),
       "alertmanager.resend_interval: must be greater than 0s"},
      {with_alertmanager(R"({"url": "http://am", "retry_initial": "10m"})"),
       "alertmanager.retry_max: must be at least retry_initial (10m)"},
      {with_alertmanager(R"({"url": "http://am", "external_url": "driftd:8080"})"),
       "alertmanager.external_url: must start with http:// or https://"},
      {with_alertmanager(R"({"url": "http://am", "token": "x"})"),
       "alertmanager.token: unknown field (expected one of: url, bearer_token_file, basic_auth, "
       "ca_file, timeout, resend_interval, retry_initial, retry_max, external_url)"},
      // ---- cluster: its own fields
      {R"({"storage": {"path": "x.db"}, "cluster": {}, "streams": [
          {"name": "s", "source": {"type": "http"}, "window": {"type": "tumbling", "size": "1m"},
           "features": [{"name": "f", "path": "/f", "type": "numeric"}]}]})",
       "cluster: needs the top-level \"kafka\" section: instances share their work through "
       "Kafka"},
      {with_cluster("true"), "cluster: must be an object"},
      {with_cluster(R"({"partials": "p"})"),
       "cluster.partials: unknown field (expected one of: partials_topic, results_topic, "
       "references_topic, state_topic, owner_group_id, commit_interval, topic_partitions, "
       "replication_factor, switch_lead, results_retention)"},
      {with_cluster(R"({"results_topic": "drift/results"})"),
       "cluster.results_topic: must be a Kafka topic name: 1 to 249 characters from A-Z, a-z, "
       "0-9, '_', '.' and '-'"},
      {with_cluster(R"({"state_topic": ""})"),
       "cluster.state_topic: must be a Kafka topic name: 1 to 249 characters from A-Z, a-z, 0-9, "
       "'_', '.' and '-'"},
      {with_cluster(R"({"owner_group_id": ""})"),
       "cluster.owner_group_id: must be a non-empty string"},
      {with_cluster(R"({"commit_interval": "9ms"})"),
       "cluster.commit_interval: must be at least 10ms (each commit is a Kafka transaction, with "
       "a round trip to its coordinator and a marker in every partition it wrote)"},
      {with_cluster(R"({"commit_interval": "0s"})"),
       "cluster.commit_interval: must be at least 10ms (each commit is a Kafka transaction, with "
       "a round trip to its coordinator and a marker in every partition it wrote)"},
      {with_cluster(R"({"commit_interval": "61s"})"),
       "cluster.commit_interval: must be at most 1m (a window's result waits for the deltas of "
       "its last panes, committed this often)"},
      {with_cluster(R"({"commit_interval": 1000})"),
       "cluster.commit_interval: " + kDurationProblem},
      {with_cluster(R"({"topic_partitions": 0})"),
       "cluster.topic_partitions: must be an integer between 1 and 10000"},
      {with_cluster(R"({"topic_partitions": 10001})"),
       "cluster.topic_partitions: must be an integer between 1 and 10000"},
      {with_cluster(R"({"replication_factor": 0})"), kReplicationFactor},
      {with_cluster(R"({"replication_factor": -2})"), kReplicationFactor},
      {with_cluster(R"({"replication_factor": 33})"), kReplicationFactor},
      {with_cluster(R"({"replication_factor": 1.5})"), kReplicationFactor},
      {with_cluster(R"({"replication_factor": "3"})"), kReplicationFactor},
      {with_cluster(R"({"switch_lead": "500ms"})"),
       "cluster.switch_lead: must be at least 1s (every instance must have read the switch from "
       "the references topic and applied it at a cut before its time)"},
      {with_cluster(R"({"results_retention": "0s"})"),
       "cluster.results_retention: must be greater than 0s"},
      {with_cluster(R"({"results_retention": 86400000})"),
       "cluster.results_retention: " + kDurationProblem},
      // ---- cluster mode against the rest of the file
      {with_cluster("{}", R"({"brokers": "b", "group_id": "g", "instance_id": ""})"),
       "kafka.instance_id: must not be \"\" (dynamic membership) in cluster mode: each instance "
       "needs a stable id for its transactional.id (zombie fencing)"},
      {with_cluster("{}", R"({"brokers": "b", "group_id": "g"})",
                    R"(, {"name": "h", "source": {"type": "http"},
                          "window": {"type": "tumbling", "size": "1m"},
                          "features": [{"name": "f", "path": "/f", "type": "numeric"}]})"),
       "streams[1].source.type: cluster mode needs a kafka source (HTTP ingest has no partitions "
       "to share between instances)"},
      {with_cluster("{}", R"({"brokers": "b", "group_id": "g"})",
                    R"(, {"name": "c", "source": {"type": "kafka", "topic": "u"},
                          "window": {"type": "count", "events": 100},
                          "features": [{"name": "f", "path": "/f", "type": "numeric"}]})"),
       "streams[1].window.type: count windows have no order across partitions; cluster mode "
       "needs tumbling or sliding windows"},
      {with_cluster(R"({"partials_topic": "p", "results_topic": "p"})"),
       "cluster.results_topic: topic \"p\" is also cluster.partials_topic" + kClusterTopics},
      {with_cluster(R"({"state_topic": "g.references"})"),
       "cluster.state_topic: topic \"g.references\" is also cluster.references_topic" +
           kClusterTopics},
      {with_cluster(R"({"references_topic": "t"})"),
       "cluster.references_topic: topic \"t\" is also streams[0].source.topic" + kClusterTopics},
      {with_cluster(R"({"results_topic": "alerts"})",
                    R"({"brokers": "b", "group_id": "g", "alert_topic": "alerts"})"),
       "cluster.results_topic: topic \"alerts\" is also kafka.alert_topic" + kClusterTopics},
      {with_cluster("{}", R"({"brokers": "b", "group_id": "g"})",
                    R"(, {"name": "p", "source": {"type": "kafka", "topic": "g.partials"},
                          "window": {"type": "tumbling", "size": "1m"},
                          "features": [{"name": "f", "path": "/f", "type": "numeric"}]})"),
       "cluster.partials_topic: its default topic \"g.partials\" is also "
       "streams[1].source.topic" + kClusterTopics},
      {with_cluster("{}", R"({"brokers": "b", "group_id": "drift prod"})"),
       "cluster.partials_topic: required, as its default \"drift prod.partials\" "
       "(kafka.group_id + \".partials\") must be a Kafka topic name: 1 to 249 characters from "
       "A-Z, a-z, 0-9, '_', '.' and '-'"},
      {with_cluster(R"({"partials_topic": "p", "results_topic": "r"})",
                    R"({"brokers": "b", "group_id": ")" + std::string(240, 'g') + R"("})"),
       "cluster.references_topic: required, as its default \"" + std::string(240, 'g') +
           ".references\" (kafka.group_id + \".references\") must be a Kafka topic name: 1 to 249 "
           "characters from A-Z, a-z, 0-9, '_', '.' and '-'"},
      {with_cluster(R"({"owner_group_id": "g"})"),
       "cluster.owner_group_id: must differ from kafka.group_id (\"g\"): the instances' group "
       "reads the streams' topics, the owners' group the partials topic"},
      // ---- kafka
      {with_streams(R"({"name": "s", "source": {"type": "kafka", "topic": "t"},
          "window": {"type": "count", "events": 10}, "features": [)" + kNumeric + "]}"),
       "streams[0].source.type: a kafka source needs the top-level \"kafka\" section"},
      {with_kafka(R"({"brokers": "b:9092"})"), "kafka.group_id: required field is missing"},
      {with_kafka(R"({"brokers": "", "group_id": "g"})"),
       "kafka.brokers: must be a non-empty string"},
      {with_kafka(R"({"brokers": "b", "group_id": "g", "properties": {"group.id": "x"}})"),
       "kafka.properties[\"group.id\"]: is set by driftd from kafka.group_id"},
      {with_kafka(R"({"brokers": "b", "group_id": "g",
                      "properties": {"enable.auto.commit": "true"}})"),
       "kafka.properties[\"enable.auto.commit\"]: is set by driftd (offsets are committed only "
       "after their window is committed)"},
      {with_kafka(R"({"brokers": "b", "group_id": "g", "properties": {"fetch.min.bytes": 1}})"),
       "kafka.properties[\"fetch.min.bytes\"]: must be a string"},
      {with_kafka(R"({"brokers": "b", "group_id": "g", "properties": ["a=b"]})"),
       "kafka.properties: must be an object"},
      {with_kafka(R"({"brokers": "b", "group_id": "g", "poll_batch": 0})"),
       "kafka.poll_batch: must be an integer >= 1"},
      {with_kafka(R"({"brokers": "b", "group_id": "g", "threads": 0})"),
       "kafka.threads: must be an integer >= 1"},
      {with_kafka(R"({"brokers": "b", "group_id": "g", "threads": 65})"),
       "kafka.threads: must be at most 64"},
      {with_kafka(R"({"brokers": "b", "group_id": "g", "instance_id": "pod 3"})"),
       "kafka.instance_id: must be \"\" (dynamic membership) or a group.instance.id: 1 to 249 "
       "characters from A-Z, a-z, 0-9, '_', '.' and '-'"},
      {with_kafka(R"({"brokers": "b", "group_id": "g", "instance_id": ".."})"),
       "kafka.instance_id: must be \"\" (dynamic membership) or a group.instance.id: 1 to 249 "
       "characters from A-Z, a-z, 0-9, '_', '.' and '-'"},
      {with_kafka(R"({"brokers": "b", "group_id": "g", "instance_id": ")" + std::string(250, 'i') +
                  R"("})"),
       "kafka.instance_id: must be \"\" (dynamic membership) or a group.instance.id: 1 to 249 "
       "characters from A-Z, a-z, 0-9, '_', '.' and '-'"},
      {with_kafka(R"({"brokers": "b", "group_id": "g", "instance_id": 3})"),
       "kafka.instance_id: must be a string"},
      // ---- stream members
      {with_streams(R"({"name": "pay ments"})"),
       "streams[0].name: must be 1 to 64 characters from A-Z, a-z, 0-9, '_', '.' and '-'"},
      {with_streams(R"({"name": ")" + std::string(65, 'a') + R"("})"),
       "streams[0].name: must be 1 to 64 characters from A-Z, a-z, 0-9, '_', '.' and '-'"},
      {with_streams(R"({"name": 7})"), "streams[0].name: must be a string"},
      {with_streams(R"({"name": "s", "source": {"type": "http"},
          "window": {"type": "count", "events": 10}, "features": [)" + kNumeric + R"(]},
          {"name": "s", "source": {"type": "http"},
          "window": {"type": "count", "events": 10}, "features": [)" + kNumeric + "]}"),
       "streams[1].name: duplicate stream name \"s\" (also streams[0])"},
      {with_stream_members(R"("windw": {"type": "count", "events": 10})"),
       "streams[0].windw: unknown field (expected one of: " + kStreamFields + ")"},
      {with_stream_members(R"("features": [)" + kNumeric + "]"),
       "streams[0].window: required field is missing"},
      {with_stream_members(R"("window": {"type": "count", "events": 10})"),
       "streams[0].features: required field is missing"},
      {with_stream_members(R"("window": {"type": "count", "events": 10}, "features": [],
          "smoothing_alpha": -1)"),
       "streams[0].features: must hold at least one feature"},
      {with_stream_members(R"("smoothing_alpha": -0.5)"),
       "streams[0].smoothing_alpha: must be a number >= 0"},
      {with_stream_members(R"("fdr": 1)"),
       "streams[0].fdr: must be a number greater than 0 and less than 1"},
      {with_stream_members(R"("window": [])"), "streams[0].window: must be an object"},
      // ---- source
      {with_streams(R"({"name": "s", "source": {"type": "file"}})"),
       "streams[0].source.type: must be one of: \"kafka\", \"http\""},
      {with_streams(R"({"name": "s", "source": {"topic": "t"}})"),
       "streams[0].source.type: required field is missing"},
      {with_streams(R"({"name": "s", "source": {"type": "http", "topic": "t"}})"),
       "streams[0].source.topic: not allowed when type is \"http\""},
      {with_kafka(R"({"brokers": "b", "group_id": "g"})").replace(
           with_kafka(R"({"brokers": "b", "group_id": "g"})").find(R"(, "topic": "t")"), 14, ""),
       "streams[0].source.topic: required field is missing"},
      {with_kafka(R"({"brokers": "b", "group_id": "g"})").replace(
           with_kafka(R"({"brokers": "b", "group_id": "g"})").find(R"("t")"), 3, R"("a/b")"),
       "streams[0].source.topic: must be a Kafka topic name: 1 to 249 characters from A-Z, a-z, "
       "0-9, '_', '.' and '-'"},
      // ---- event_time
      {with_window(R"({"type": "count", "events": 1})",
                   R"("event_time": {"field": "/t", "max_future": "0s"}, )"),
       "streams[0].event_time.max_future: must be greater than 0s"},
      {with_window(R"({"type": "count", "events": 1})", R"("event_time": {"field": "ts"}, )"),
       "streams[0].event_time.field: must be a JSON Pointer (RFC 6901) starting with \"/\", such "
       "as \"/amount\""},
      {with_window(R"({"type": "count", "events": 1})", R"("event_time": {"field": "/a~2"}, )"),
       "streams[0].event_time.field: is not a valid JSON Pointer (RFC 6901): \"~\" must be "
       "followed by \"0\" or \"1\""},
      {with_window(R"({"type": "count", "events": 1})",
                   R"("event_time": {"field": "/t", "unit": "sec"}, )"),
       "streams[0].event_time.unit: must be one of: \"s\", \"ms\", \"us\", \"ns\""},
      {with_window(R"({"type": "count", "events": 1})", R"("event_time": {}, )"),
       "streams[0].event_time: needs \"field\" (a JSON Pointer) or \"kafka_timestamp\": true"},
      {with_window(R"({"type": "count", "events": 1})",
                   R"("event_time": {"kafka_timestamp": true}, )"),
       "streams[0].event_time.kafka_timestamp: needs a kafka source (this stream's source is "
       "\"http\")"},
      {with_window(R"({"type": "count", "events": 1})",
                   R"("event_time": {"kafka_timestamp": true, "unit": "s"}, )"),
       "streams[0].event_time.unit: not allowed with \"kafka_timestamp\": true (Kafka timestamps "
       "are milliseconds)"},
      {with_window(R"({"type": "count", "events": 1})",
                   R"("event_time": {"kafka_timestamp": "yes"}, )"),
       "streams[0].event_time.kafka_timestamp: must be true or false"},
      // A count window closes on the number of events: event time would be
      // parsed and checked for nothing.
      {with_window(R"({"type": "count", "events": 1})", R"("event_time": {"field": "/t"}, )"),
       "streams[0].event_time: count windows close on the number of events; event_time applies "
       "to tumbling and sliding windows only"},
      {with_kafka(R"({"brokers": "b", "group_id": "g"})").replace(
           with_kafka(R"({"brokers": "b", "group_id": "g"})").find(R"("window")"), 0,
           R"("event_time": {"kafka_timestamp": true}, )"),
       "streams[0].event_time: count windows close on the number of events; event_time applies "
       "to tumbling and sliding windows only"},
      // ---- window
      {with_window(R"({"type": "sliding", "size": "5m", "slide": "2m"})"),
       "streams[0].window.size: must be a multiple of slide (2m)"},
      {with_window(R"({"type": "sliding", "size": "1m", "slide": "90s"})"),
       "streams[0].window.size: must be a multiple of slide (90s)"},
      {with_window(R"({"type": "sliding", "size": "1m"})"),
       "streams[0].window.slide: required field is missing"},
      {with_window(R"({"type": "tumbling"})"), "streams[0].window.size: required field is missing"},
      {with_window(R"({"type": "tumbling", "size": "1m", "slide": "1m"})"),
       "streams[0].window.slide: not allowed when type is \"tumbling\""},
      {with_window(R"({"type": "count", "size": "1m"})"),
       "streams[0].window.size: not allowed when type is \"count\""},
      {with_window(R"({"type": "count", "events": 0})"),
       "streams[0].window.events: must be an integer >= 1"},
      {with_window(R"({"type": "hopping"})"),
       "streams[0].window.type: must be one of: \"tumbling\", \"sliding\", \"count\""},
      {with_window(R"({"size": "1m"})"), "streams[0].window.type: required field is missing"},
      {with_window(R"({"type": "tumbling", "size": "1m", "allowed_lateness": "5s"})"),
       "streams[0].window.allowed_lateness: needs event_time (without it, windows close on "
       "processing time)"},
      {with_window(R"({"type": "tumbling", "size": "1m", "allowed_lateness": "-5s"})",
                   R"("event_time": {"field": "/t"}, )"),
       "streams[0].window.allowed_lateness: " + kDurationProblem},
      // ---- reference
      {with_stream_members(R"("reference": {"type": "file"})"),
       "streams[0].reference.path: required field is missing"},
      {with_stream_members(R"("reference": {"type": "capture", "path": "r.bin"})"),
       "streams[0].reference.path: not allowed when type is \"capture\""},
      {with_stream_members(R"("reference": {"type": "capture", "events": 0})"),
       "streams[0].reference.events: must be an integer >= 1"},
      {with_stream_members(R"("reference": {"type": "file", "path": "r", "events": 5})"),
       "streams[0].reference.events: not allowed when type is \"file\""},
      {with_stream_members(R"("reference": {"type": "capture", "min_values": 0})"),
       "streams[0].reference.min_values: must be an integer >= 1"},
      {with_stream_members(R"("reference": {"type": "capture", "events": 50, "min_values": 51})"),
       "streams[0].reference.min_values: must be at most events (50): no feature could have "
       "that many values in the capture"},
      {with_stream_members(R"("reference": {"type": "file", "path": "r", "min_values": 5})"),
       "streams[0].reference.min_values: not allowed when type is \"file\""},
      // ---- features: bins
      {with_features(kTwoFeatures + R"(,
          {"name": "h", "path": "/h", "type": "numeric", "bins": 0})"), kBins},
      {with_features(kTwoFeatures + R"(,
          {"name": "h", "path": "/h", "type": "numeric", "bins": 1})"), kBins},
      {with_features(kTwoFeatures + R"(,
          {"name": "h", "path": "/h", "type": "numeric", "bins": 4097})"), kBins},
      {with_features(kTwoFeatures + R"(,
          {"name": "h", "path": "/h", "type": "numeric", "bins": "20"})"), kBins},
      {with_features(kTwoFeatures + R"(,
          {"name": "h", "path": "/h", "type": "numeric", "bins": 2.5})"), kBins},
      {with_features(kTwoFeatures + R"(,
          {"name": "h", "path": "/h", "type": "numeric", "bins": -3})"), kBins},
      // ---- features: other members
      {with_features(R"({"name": "f", "path": "/f", "type": "numeric", "bin": 20})"),
       "streams[0].features[0].bin: unknown field (expected one of: name, path, type, bins, "
       "binning, edges, gaussian)"},
      {with_features(R"({"name": "f", "path": "/f", "type": "categorical", "bins": 20})"),
       "streams[0].features[0].bins: not allowed when type is \"categorical\""},
      {with_features(R"({"name": "f", "path": "/f", "type": "numeric", "max_categories": 20})"),
       "streams[0].features[0].max_categories: not allowed when type is \"numeric\""},
      {with_features(R"({"name": "f", "path": "/f", "type": "categorical", "max_categories": 0})"),
       "streams[0].features[0].max_categories: must be an integer between 1 and 4096"},
      {with_features(R"({"name": "f", "path": "/f", "type": "categorical",
          "max_categories": 4097})"),
       "streams[0].features[0].max_categories: must be an integer between 1 and 4096"},
      {with_features(R"({"name": "f", "type": "numeric"})"),
       "streams[0].features[0].path: required field is missing"},
      {with_features(R"({"name": "f", "path": "amount", "type": "numeric"})"),
       "streams[0].features[0].path: must be a JSON Pointer (RFC 6901) starting with \"/\", such "
       "as \"/amount\""},
      {with_features(R"({"name": "f", "path": "/f", "type": "text"})"),
       "streams[0].features[0].type: must be one of: \"numeric\", \"categorical\""},
      {with_features(R"({"name": "f", "path": "/f", "type": "numeric", "gaussian": "yes"})"),
       "streams[0].features[0].gaussian: must be true or false"},
      {with_features(kNumeric + ", " + kNumeric),
       "streams[0].features[1].name: duplicate feature name \"f\" (also features[0])"},
      {with_features(R"("f")"), "streams[0].features[0]: must be an object"},
      // ---- features: edges
      {with_features(R"({"name": "f", "path": "/f", "type": "numeric", "binning": "edges",
          "edges": [1, 3, 2]})"),
       "streams[0].features[0].edges[2]: must be greater than the previous edge (3)"},
      {with_features(R"({"name": "f", "path": "/f", "type": "numeric", "binning": "edges",
          "edges": [0.5, 0.5]})"),
       "streams[0].features[0].edges[1]: must be greater than the previous edge (0.5)"},
      {with_features(R"({"name": "f", "path": "/f", "type": "numeric", "binning": "edges",
          "edges": [1, "2"]})"),
       "streams[0].features[0].edges[1]: must be a number"},
      {with_features(R"({"name": "f", "path": "/f", "type": "numeric", "binning": "edges",
          "edges": []})"),
       "streams[0].features[0].edges: must hold at least one edge"},
      {with_features(R"({"name": "f", "path": "/f", "type": "numeric", "binning": "edges"})"),
       "streams[0].features[0].edges: required when binning is \"edges\""},
      {with_features(R"({"name": "f", "path": "/f", "type": "numeric", "edges": [1, 2]})"),
       "streams[0].features[0].edges: only allowed when binning is \"edges\""},
      {with_features(R"({"name": "f", "path": "/f", "type": "numeric", "bins": 3,
          "edges": [1, 2], "binning": "edges"})"),
       "streams[0].features[0].bins: not allowed when binning is \"edges\" (the edges define "
       "the bins)"},
      {with_features(R"({"name": "f", "path": "/f", "type": "numeric", "binning": "log"})"),
       "streams[0].features[0].binning: must be one of: \"quantile\", \"uniform\", \"edges\""},
      // ---- groups
      {with_views(R"("groups": {})"), "streams[0].groups: must be an array"},
      {with_group(R"("vitals")"), "streams[0].groups[0]: must be an object"},
      {with_group(R"({"features": ["f", "g"]})"),
       "streams[0].groups[0].name: required field is missing"},
      {with_group(R"({"name": "vital signs", "features": ["f", "g"]})"),
       "streams[0].groups[0].name: " + kViewName},
      {with_group(R"({"name": "", "features": ["f", "g"]})"),
       "streams[0].groups[0].name: " + kViewName},
      {with_group(R"({"name": ")" + std::string(65, 'v') + R"(", "features": ["f", "g"]})"),
       "streams[0].groups[0].name: " + kViewName},
      {with_group(R"({"name": "a/b", "features": ["f", "g"]})"),
       "streams[0].groups[0].name: " + kViewName},
      {with_group(R"({"name": 1, "features": ["f", "g"]})"),
       "streams[0].groups[0].name: must be a string"},
      {with_group(R"({"name": "v"})"), "streams[0].groups[0].features: required field is missing"},
      {with_group(R"({"name": "v", "features": "f"})"),
       "streams[0].groups[0].features: must be an array"},
      {with_group(R"({"name": "v", "features": ["f"]})"),
       "streams[0].groups[0].features: must name at least 2 features (one feature is compared on "
       "its own)"},
      {with_group(R"({"name": "v", "features": []})"),
       "streams[0].groups[0].features: must name at least 2 features (one feature is compared on "
       "its own)"},
      {with_group(R"({"name": "v", "features": ["f", 2]})"),
       "streams[0].groups[0].features[1]: must be a string"},
      {with_group(R"({"name": "v", "features": ["f", "g", "f"]})"),
       "streams[0].groups[0].features[2]: duplicate feature \"f\""},
      {with_group(R"({"name": "v", "features": ["f", "g", "spo3"]})"),
       "streams[0].groups[0].features[2]: unknown feature \"spo3\" " + kViewFeatures},
      {with_group(R"({"name": "v", "features": ["f", "c"]})"),
       "streams[0].groups[0].features[1]: \"c\" is categorical; a group takes numeric features "
       "only"},
      // A name as written stays on one line in the message.
      {with_group(R"({"name": "v", "features": ["f", "a\nb\"c"]})"),
       "streams[0].groups[0].features[1]: unknown feature \"a\\u000ab\\\"c\" " +
           kViewFeatures},
      {with_group(R"({"name": "v", "features": ["f", "g"], "type": "copula"})"),
       "streams[0].groups[0].type: must be one of: \"gaussian\""},
      {with_group(R"({"name": "v", "features": ["f", "g"], "ridge": -0.1})"),
       "streams[0].groups[0].ridge: must be a number from 0 to 1"},
      {with_group(R"({"name": "v", "features": ["f", "g"], "ridge": 1.5})"),
       "streams[0].groups[0].ridge: must be a number from 0 to 1"},
      {with_group(R"({"name": "v", "features": ["f", "g"], "ridge": "0.1"})"),
       "streams[0].groups[0].ridge: must be a number from 0 to 1"},
      {with_group(R"({"name": "v", "features": ["f", "g"], "bins": 10})"),
       "streams[0].groups[0].bins: unknown field (expected one of: name, features, type, ridge)"},
      {with_views(R"("groups": [{"name": "v", "features": ["f", "g"]},
                                 {"name": "w", "features": ["f", "n"]},
                                 {"name": "v", "features": ["g", "n"]}])"),
       "streams[0].groups[2].name: duplicate name \"v\" (also groups[0])"},
      // ---- pairs
      {with_views(R"("pairs": {})"), "streams[0].pairs: must be an array"},
      {with_pair(R"(["f", "g"])"), "streams[0].pairs[0]: must be an object"},
      {with_pair(R"({"x": "f", "y": "g"})"), "streams[0].pairs[0].name: required field is missing"},
      {with_pair(R"({"name": "f g", "x": "f", "y": "g"})"),
       "streams[0].pairs[0].name: " + kViewName},
      {with_pair(R"({"name": "p", "y": "g"})"), "streams[0].pairs[0].x: required field is missing"},
      {with_pair(R"({"name": "p", "x": "f"})"), "streams[0].pairs[0].y: required field is missing"},
      {with_pair(R"({"name": "p", "x": ["f"], "y": "g"})"),
       "streams[0].pairs[0].x: must be a string"},
      {with_pair(R"({"name": "p", "x": "f", "y": 3})"), "streams[0].pairs[0].y: must be a string"},
      {with_pair(R"({"name": "p", "x": "hour", "y": "g"})"),
       "streams[0].pairs[0].x: unknown feature \"hour\" " + kViewFeatures},
      {with_pair(R"({"name": "p", "x": "f", "y": "amount"})"),
       "streams[0].pairs[0].y: unknown feature \"amount\" " + kViewFeatures},
      {with_pair(R"({"name": "p", "x": "c", "y": "c"})"),
       "streams[0].pairs[0].y: must be a feature other than x (\"c\")"},
      {with_pair(R"({"name": "p", "x": "f", "y": "g", "z": "c"})"),
       "streams[0].pairs[0].z: unknown field (expected one of: name, x, y)"},
      {with_views(R"("pairs": [{"name": "p", "x": "f", "y": "g"},
                                {"name": "p", "x": "g", "y": "f"}])"),
       "streams[0].pairs[1].name: duplicate name \"p\" (also pairs[0])"},
      // Groups and pairs share their names, wherever each is written.
      {with_views(R"("pairs": [{"name": "q", "x": "f", "y": "g"}, {"name": "v", "x": "g", "y": "f"}],
                     "groups": [{"name": "w", "features": ["f", "g"]},
                                {"name": "v", "features": ["f", "g"]}])"),
       "streams[0].pairs[1].name: duplicate name \"v\" (also groups[1])"},
      // ... and with the features.
      {with_group(R"({"name": "g", "features": ["f", "n"]})"),
       "streams[0].groups[0].name: duplicate name \"g\" (also a feature: features, groups and "
       "pairs are named in one namespace)"},
      {with_pair(R"({"name": "c", "x": "f", "y": "g"})"),
       "streams[0].pairs[0].name: duplicate name \"c\" (also a feature: features, groups and "
       "pairs are named in one namespace)"},
      // The joint table: categorical c has 79 + 1 bins, n has 1000.
      {with_views(R"("pairs": [{"name": "ok", "x": "c", "y": "f"},
                                {"name": "n|c", "x": "c", "y": "n"}])"),
       "streams[0].pairs[1]: the joint table could have 80 x 1000 = 80000 cells, more than 65536"},
      {with_pair(R"({"name": "p", "x": "n", "y": "c"})"),
       "streams[0].pairs[0]: the joint table could have 1000 x 80 = 80000 cells, more than 65536"},
      // ---- alerts
      {with_alert(R"({"metric": "kl", "warn": 0.1, "critical": 0.2})"),
       "streams[0].alerts[0].metric: must be one of: \"kl_pq\", \"kl_qp\", \"jsd\", "
       "\"js_distance\", \"tv\", \"hellinger\", \"psi\", \"kl_pq_corrected\", \"jsd_corrected\", "
       "\"psi_corrected\", \"g_statistic\", \"kl_marginal\", \"kl_conditional\", \"gaussian_kl\", "
       "\"gaussian_location\", \"gaussian_shape\", \"gaussian_scale\""},
      // A rule's metric must be measured on what it watches.
      {with_alert(R"({"metric": "kl_conditional", "warn": 0.1, "critical": 0.2})"),
       "streams[0].alerts[0].metric: kl_conditional is measured on pairs, and this stream has no "
       "pairs"},
      {with_alert(R"({"metric": "gaussian_shape", "warn": 0.1, "critical": 0.2})"),
       "streams[0].alerts[0].metric: gaussian_shape is measured on groups, and this stream has no "
       "groups"},
      {with_alert(R"({"metric": "kl_marginal", "warn": 0.1, "critical": 0.2, "features": ["f"]})"),
       "streams[0].alerts[0].features[0]: feature \"f\" has no kl_marginal (it is measured on "
       "pairs)"},
      {with_views(R"("groups": [{"name": "v", "features": ["f", "g"]}],
                     "pairs": [{"name": "p", "x": "c", "y": "f"}],
                     "alerts": [{"metric": "gaussian_kl", "warn": 0.1, "critical": 0.2,
                                 "features": ["v", "p"]}])"),
       "streams[0].alerts[0].features[1]: pair \"p\" has no gaussian_kl (it is measured on "
       "groups)"},
      {with_views(R"("groups": [{"name": "v", "features": ["f", "g"]}],
                     "alerts": [{"metric": "jsd", "warn": 0.1, "critical": 0.2,
                                 "features": ["v"]}])"),
       "streams[0].alerts[0].features[0]: group \"v\" has no jsd (it is measured on features)"},
      {with_views(R"("pairs": [{"name": "p", "x": "c", "y": "f"}],
                     "alerts": [{"metric": "jsd", "warn": 0.1, "critical": 0.2,
                                 "features": ["q"]}])"),
       "streams[0].alerts[0].features[0]: unknown feature \"q\" " + kViewFeatures +
           ", nor a pair or group"},
      {with_alert(R"({"warn": 0.1, "critical": 0.2})"),
       "streams[0].alerts[0].metric: required field is missing"},
      {with_alert(R"({"metric": "jsd", "warn": 0.05, "critical": 0.02})"),
       "streams[0].alerts[0].critical: must be >= warn (0.05)"},
      {with_alert(R"({"metric": "jsd", "warn": -0.1, "critical": 0.2})"),
       "streams[0].alerts[0].warn: must be a number >= 0"},
      {with_alert(R"({"metric": "jsd", "warn": "0.1", "critical": 0.2})"),
       "streams[0].alerts[0].warn: must be a number >= 0"},
      {with_alert(R"({"metric": "jsd", "warn": 0.1})"),
       "streams[0].alerts[0].critical: required field is missing"},
      {with_alert(R"({"metric": "jsd", "warn": 0.1, "critical": 0.2, "for": 0})"),
       "streams[0].alerts[0].for: must be an integer >= 1"},
      {with_alert(R"({"metric": "jsd", "warn": 0.1, "critical": 0.2, "min_samples": 1.5})"),
       "streams[0].alerts[0].min_samples: must be an integer >= 0"},
      {with_alert(R"({"metric": "jsd", "warn": 0.1, "critical": 0.2, "max_p_value": 0})"),
       "streams[0].alerts[0].max_p_value: must be a number greater than 0 and at most 1"},
      {with_alert(R"({"metric": "jsd", "warn": 0.1, "critical": 0.2, "max_p_value": 1.5})"),
       "streams[0].alerts[0].max_p_value: must be a number greater than 0 and at most 1"},
      {with_alert(R"({"metric": "jsd", "warn": 0.1, "critical": 0.2, "resolve_below": 0.15})"),
       "streams[0].alerts[0].resolve_below: must be <= warn (0.1)"},
      {with_alert(R"({"metric": "jsd", "warn": 0.1, "critical": 0.2, "max_p_value": 0.01,
                      "resolve_p_value": 0.001})"),
       "streams[0].alerts[0].resolve_p_value: must be >= max_p_value (0.01)"},
      {with_alert(R"({"metric": "jsd", "warn": 0.1, "critical": 0.2, "resolve_p_value": 0})"),
       "streams[0].alerts[0].resolve_p_value: must be a number greater than 0 and at most 1"},
      {with_alert(R"({"metric": "jsd", "warn": 0.1, "critical": 0.2, "resolve_after": 0})"),
       "streams[0].alerts[0].resolve_after: must be an integer >= 1"},
      {with_alert(R"({"metric": "jsd", "warn": 0.1, "critical": 0.2, "sequential": {"arl": 5}})"),
       "streams[0].alerts[0].sequential.arl: must be a number from 10 to 1e9 (windows)"},
      {with_alert(R"({"metric": "jsd", "warn": 0.1, "critical": 0.2, "sequential": {"k": 0}})"),
       "streams[0].alerts[0].sequential.k: must be a number greater than 0 and at most 4"},
      {with_alert(R"({"metric": "jsd", "warn": 0.1, "critical": 0.2, "sequential": {"h": 4}})"),
       "streams[0].alerts[0].sequential.h: unknown field (expected one of: arl, k)"},
      {with_alert(
           R"({"metric": "jsd", "warn": 0.1, "critical": 0.2, "for": 2, "sequential": {}})"),
       "streams[0].alerts[0].for: not allowed with \"sequential\" (the CUSUM decides when to "
       "fire)"},
      {with_alert(
           R"({"metric": "jsd", "warn": 0.1, "critical": 0.2, "features": ["f", "amount"]})"),
       "streams[0].alerts[0].features[1]: unknown feature \"amount\" (this stream's features: f, "
       "g)"},
      {with_alert(R"({"metric": "jsd", "warn": 0.1, "critical": 0.2, "features": []})"),
       "streams[0].alerts[0].features: must name at least one feature"},
      {with_alert(R"({"metric": "jsd", "warn": 0.1, "critical": 0.2, "features": ["g", "g"]})"),
       "streams[0].alerts[0].features[1]: duplicate feature \"g\""},
      {with_alert(R"({"metric": "jsd", "warn": 0.1, "critical": 0.2, "features": "f"})"),
       "streams[0].alerts[0].features: must be an array"},
      {with_alert(R"({"metric": "jsd", "threshold": 0.1})"),
       "streams[0].alerts[0].threshold: unknown field (expected one of: metric, warn, critical, "
       "for, min_samples, max_p_value, resolve_below, resolve_p_value, resolve_after, sequential, "
       "features)"},
  };
  return cases;
}

TEST_CASE("Bad configs are refused with the exact message") {
  const std::vector<BadConfig>& cases = bad_configs();
  CHECK(cases.size() >= 40);
  for (const BadConfig& bad : cases) {
    INFO("config: " << bad.config);
    try {
      parse_config(bad.config);
      FAIL_CHECK("accepted, expected: " << bad.message);
    } catch (const ConfigError& e) {
      CHECK(std::string(e.what()) == bad.message);
    }
  }
}

TEST_CASE("The first error in document order is the one reported") {
  // Two errors: the unknown field comes first in the document.
  CHECK_THROWS_WITH(parse_config(with_stream_members(R"("nmae": 1, "window": {"type": "count",
      "events": 0}, "features": [{"name": "f", "path": "/f", "type": "numeric", "bins": 1}])")),
                    "streams[0].nmae: unknown field (expected one of: " + kStreamFields + ")");
  // Features before window: the feature's bins are reported, not the window.
  CHECK_THROWS_WITH(
      parse_config(with_stream_members(
          R"("features": [{"name": "f", "path": "/f", "type": "numeric", "bins": 1}],
             "window": {"type": "count", "events": 0})")),
      "streams[0].features[0].bins: must be an integer between 2 and 4096");
  // Streams before storage: the stream's error comes first.
  CHECK_THROWS_WITH(parse_config(R"({"streams": [{"name": "bad name"}], "storage": {}})"),
                    "streams[0].name: must be 1 to 64 characters from A-Z, a-z, 0-9, '_', '.' "
                    "and '-'");
  // A stream's own fields are read before the alerts' feature names are
  // matched against its features.
  CHECK_THROWS_WITH(
      parse_config(with_stream_members(
          R"("alerts": [{"metric": "jsd", "warn": 1, "critical": 2, "features": ["nope"]}],
             "window": {"type": "count", "events": 1}, "smoothing_alpha": -1,
             "features": [{"name": "f", "path": "/f", "type": "numeric"}])")),
      "streams[0].smoothing_alpha: must be a number >= 0");
  // Groups and pairs written before the features: the features' own error
  // comes first, and a group's unknown feature is found once they are read.
  const std::string groups_first =
      R"("groups": [{"name": "v", "features": ["f", "nope"]}],
         "window": {"type": "count", "events": 1}, "features": [)";
  CHECK_THROWS_WITH(
      parse_config(with_stream_members(
          groups_first + R"({"name": "f", "path": "/f", "type": "numeric", "bins": 1}])")),
      "streams[0].features[0].bins: must be an integer between 2 and 4096");
  CHECK_THROWS_WITH(parse_config(with_stream_members(groups_first + kNumeric + "]")),
                    "streams[0].groups[0].features[1]: unknown feature \"nope\" (this stream's "
                    "features: f)");
  // A pair's own members first (y equal to x), then its features.
  CHECK_THROWS_WITH(parse_config(with_pair(R"({"name": "p", "x": "nope", "y": "nope"})")),
                    "streams[0].pairs[0].y: must be a feature other than x (\"nope\")");
}

TEST_CASE("Cluster mode's rules come after the whole file, kafka, cluster then streams") {
  // A stream's own problem, found while the streams are read, comes first.
  CHECK_THROWS_WITH(
      parse_config(with_cluster("{}", R"({"brokers": "b", "group_id": "g", "instance_id": ""})",
                                R"(, {"name": "h", "source": {"type": "http"},
                                      "window": {"type": "tumbling", "size": "0s"}})")),
      "streams[1].window.size: must be greater than 0s");
  // A kafka stream without the kafka section is the stream's own problem too.
  CHECK_THROWS_WITH(parse_config(R"({"storage": {"path": "x.db"}, "cluster": {}, "streams": [
      {"name": "s", "source": {"type": "kafka", "topic": "t"},
       "window": {"type": "tumbling", "size": "1m"},
       "features": [{"name": "f", "path": "/f", "type": "numeric"}]}]})"),
                    "streams[0].source.type: a kafka source needs the top-level \"kafka\" section");
  // Then kafka.instance_id, the cluster section's names, the streams.
  const std::string http_stream = R"(, {"name": "h", "source": {"type": "http"},
      "window": {"type": "tumbling", "size": "1m"},
      "features": [{"name": "f", "path": "/f", "type": "numeric"}]})";
  CHECK_THROWS_WITH(
      parse_config(with_cluster(R"({"results_topic": "t"})",
                                R"({"brokers": "b", "group_id": "g", "instance_id": ""})",
                                http_stream)),
      "kafka.instance_id: must not be \"\" (dynamic membership) in cluster mode: each instance "
      "needs a stable id for its transactional.id (zombie fencing)");
  CHECK_THROWS_WITH(
      parse_config(with_cluster(R"({"results_topic": "t"})", R"({"brokers": "b", "group_id": "g"})",
                                http_stream)),
      "cluster.results_topic: topic \"t\" is also streams[0].source.topic" + kClusterTopics);
  // Written after the streams, the cluster section is checked the same.
  CHECK_THROWS_WITH(parse_config(R"({"storage": {"path": "x.db"},
      "kafka": {"brokers": "b", "group_id": "g"}, "streams": [
      {"name": "s", "source": {"type": "kafka", "topic": "t"},
       "window": {"type": "count", "events": 10},
       "features": [{"name": "f", "path": "/f", "type": "numeric"}]}], "cluster": {}})"),
                    "streams[0].window.type: count windows have no order across partitions; "
                    "cluster mode needs tumbling or sliding windows");
}

TEST_CASE("ConfigError separates the path from the problem") {
  try {
    parse_config(with_window(R"({"type": "count", "events": 0})"));
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(e.path() == "streams[0].window.events");
    CHECK(e.problem() == "must be an integer >= 1");
  }
}

}  // namespace
}  // namespace driftd::config
