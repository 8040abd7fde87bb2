// The driftd configuration model: typed, validated, with every default filled.
//
// A Config is what parse_config() / load_config_file() (config/config_parser.h)
// return. Every Config they return satisfies all the rules in the tables below,
// so the daemon never re-checks them; a Config built by hand (tests) carries
// no such promise. config/README.md holds the same tables for users; the
// parser checks against the field table of config/config_schema_table.h,
// whose defaults a test keeps equal to the ones below.
//
// Durations are std::chrono::milliseconds, written in the file as "500ms",
// "30s", "5m", "1h", "1d" (config/duration.h). JSON Pointers follow RFC 6901
// (config/json_pointer.h). Unknown fields are errors everywhere. Relative file
// paths are kept as written (relative to the daemon's working directory).
//
// Limits (config/README.md, "Limits"): "the timer limit" is kMaxTimerDuration
// (common/timer_limit.h, 2^62 ns), "the timestamp limit" kMaxTimestampMs
// (window/pane.h, 2^62 - 1 ms); panes per window, open panes and events per
// count window are those of window/window_limits.h. Every Config returned
// can be run: no timer, pane or sequence arithmetic overflows with it.
//
// Top level
// | field     | type   | default  | rules |
// |-----------|--------|----------|-------|
// | `$schema` | string | absent   | ignored by driftd: the JSON Schema editors check the file against (`driftd --print-config-schema`) |
// | `storage` | object | required | see storage |
// | `http`    | object | all defaults | see http |
// | `kafka`   | object | absent   | required when any stream has a kafka source |
// | `webhooks` | object | all defaults | see webhooks |
// | `alertmanager` | object | absent (no Alertmanager) | see alertmanager |
// | `cluster` | object | absent (one instance on its own) | see cluster; its presence turns cluster mode on |
// | `streams` | array  | required | at least one stream; names unique |
//
// storage
// | field                 | type     | default  | rules |
// |-----------------------|----------|----------|-------|
// | `path`                | string   | required | SQLite database file; not empty, no NUL character |
// | `synchronous`         | string   | `"full"` | `"full"` or `"normal"` (SQLite PRAGMA synchronous) |
// | `checkpoint_interval` | duration | `"10s"`  | > 0, at most the timer limit; how often open windows are checkpointed |
// | `retention`           | duration | absent (keep all) | > 0, at most the timestamp limit; window rows older than this are folded into hourly rollups and deleted |
// | `hourly_retention`    | duration | `"90d"`  | > 0, at most the timestamp limit; with `retention`: hourly rollups older than this are folded into daily ones, which are kept |
// | `event_retention`     | duration | `"90d"`  | > 0, at most the timestamp limit; alert events (what subscribers were sent) and webhook attempt logs older than this are deleted once every subscriber and the Kafka alert topic is past them; alert episodes are kept |
//
// http
// | field             | type     | default            | rules |
// |-------------------|----------|--------------------|-------|
// | `listen`          | string   | `"127.0.0.1:8080"` | "host:port", IPv6 as "[::1]:8080", port 0..65535 |
// | `auth_token`      | string   | absent (no auth)   | at least 16 characters, no spaces or control characters |
// | `max_body_bytes`  | integer  | 16777216 (16 MiB)  | 1..4294967295; larger ingest bodies are refused |
// | `max_inflight_body_bytes` | integer | 268435456 (256 MiB) | >= max_body_bytes; request body bytes held at once across all connections (a body counts from its header until its answer is being written; a chunked body chunk by chunk). A request whose body does not fit is answered 503 with `Retry-After` before it is read, counted in `driftd_http_rejected_total{reason="body_budget"}`. Bounds the memory of many large bodies arriving at once |
// | `max_connections` | integer  | 1024               | >= 1 |
// | `max_event_streams` | integer | 1000             | >= 1; open server-sent event streams (`/v1/alerts/stream`); more are answered 503 |
// | `idle_timeout`    | duration | `"60s"`            | > 0, at most the timer limit; idle keep-alive connections are closed |
// | `read_threads`    | integer  | 2                  | 1 to 64; threads that run the historical queries (`/v1/alerts`, `/v1/metrics`, `/v1/windows/{id}`, `/v1/references`), each with its own read-only SQLite connection, so that heavy reads never hold the I/O threads (ingest, `/healthz`) |
// | `read_queue`      | integer  | 64                 | >= 0; historical queries waiting for a read thread; more are answered 503 with `Retry-After` |
// | `read_time_budget` | duration | `"5s"`            | > 0, at most the timer limit; how long one historical query may run (checked while SQLite works): a page of `/v1/alerts` or `/v1/metrics` is cut short there and gives a `next_cursor` to continue; a query with nothing to show yet is answered 503 ([api.md](../docs/api.md)) |
// | `ingest_ack`      | string   | `"durable"`        | `"durable"`: ingest is answered 202 once its events are committed to SQLite (a crash after the 202 loses nothing); `"received"`: once they are recorded in memory (lower latency; a crash loses what came after the last checkpoint) |
// | `tls`             | object   | absent (plain HTTP) | see http.tls |
//
// http.tls: the API (every route) is served over HTTPS only. SIGHUP reloads both files.
// | field         | type   | default  | rules |
// |---------------|--------|----------|-------|
// | `certificate` | string | required | PEM file: the server certificate, then any intermediates; no NUL character |
// | `private_key` | string | required | PEM file, unencrypted; must match the certificate; no NUL character |
//
// webhooks
// | field           | type     | default | rules |
// |-----------------|----------|---------|-------|
// | `allowlist`     | array    | absent (any target) | "host" or "host:port" strings; subscriptions to other targets are refused |
// | `timeout`       | duration | `"10s"` | > 0, at most the timer limit; one delivery attempt, connect to answer |
// | `retry_initial` | duration | `"1s"`  | > 0, at most the timer limit; the first retry's delay (doubling, with jitter) |
// | `retry_max`     | duration | `"5m"`  | >= retry_initial, at most the timer limit; the longest delay between attempts |
// | `ca_file`       | string   | absent (system trust store) | PEM file of the certificate authorities that https targets are verified against; no NUL character |
// | `max_subscriptions` | integer | 100 | 1..10000; live subscriptions (`POST /v1/subscriptions` beyond it is answered 409) |
//
// alertmanager: every alert is posted to Prometheus Alertmanager's
// `<url>/api/v2/alerts` (alerts/alertmanager_notifier.h, docs/api.md).
// | field               | type     | default | rules |
// |---------------------|----------|---------|-------|
// | `url`               | string   | required | the base URL, `http://` or `https://`, without query or fragment |
// | `bearer_token_file` | string   | absent  | a file holding the token sent as `Authorization: Bearer`; read at start; not with basic_auth |
// | `basic_auth`        | object   | absent  | `username` (non-empty string) and `password_file` (a file holding the password, read at start); not with bearer_token_file |
// | `ca_file`           | string   | absent (system trust store) | PEM file of the certificate authorities an https Alertmanager is verified against |
// | `timeout`           | duration | `"10s"` | > 0, at most the timer limit; one POST, connect to answer |
// | `resend_interval`   | duration | `"1m"`  | > 0, at most the timer limit / 4; a firing alert is sent again this often, with endsAt 4 x resend_interval ahead |
// | `retry_initial`     | duration | `"1s"`  | as webhooks.retry_initial |
// | `retry_max`         | duration | `"5m"`  | as webhooks.retry_max |
// | `external_url`      | string   | `"http://<http.listen>"` (`https://` with http.tls) | `http://` or `https://`: the base of the dashboard links sent |
//
// kafka
// | field        | type    | default  | rules |
// |--------------|---------|----------|-------|
// | `brokers`    | string  | required | librdkafka bootstrap.servers; not empty |
// | `group_id`   | string  | required | consumer group; not empty |
// | `instance_id` | string | derived from the host, group, topics and database | this instance's `group.instance.id` (static membership: a restarted driftd takes its partitions back at once instead of after `session.timeout.ms`); absent: `"driftd-<host>-<16 hex digits>"`, stable across restarts; `""`: dynamic membership (no `group.instance.id`); else 1 to 249 characters from A-Z, a-z, 0-9, `_`, `.` and `-`; `properties["group.instance.id"]`, when set, wins; in cluster mode it names the instance's transactions instead (not `""`), and the consumers are dynamic members |
// | `properties` | object  | `{}`     | string -> string librdkafka settings; `bootstrap.servers`, `group.id`, `enable.auto.commit` and `enable.auto.offset.store` are refused (driftd sets them); see below for the defaults driftd gives others |
// | `poll_batch` | integer | 1000     | 1..1000000; messages per consumer poll |
// | `threads`    | integer | 1        | 1..64; consumer threads: the assigned partitions are spread over them (each partition read by one), so Kafka ingest can use that many cores; more than the partitions assigned leaves some idle |
// | `alert_topic` | string | absent  | a Kafka topic name: every alert event is produced to it (idempotent producer, key "stream/feature") |
//
// cluster: several driftd instances as one monitor over Kafka. Each instance
// bins its partitions' events into pane deltas and produces them, in one
// Kafka transaction with its source offsets, to the partials topic; the
// owner of a stream's partials partition merges them into windows,
// evaluates them and produces the results, which every instance stores.
// Needs the kafka section, a kafka source and a tumbling or sliding window
// in every stream, and a kafka.instance_id other than "" (a stable id per
// instance, for its transactional.id). The four topics are distinct from
// each other, from every stream's source topic and from kafka.alert_topic.
// | field                | type     | default | rules |
// |----------------------|----------|---------|-------|
// | `partials_topic`     | string   | `"<kafka.group_id>.partials"` | a Kafka topic name; the instances' pane deltas |
// | `results_topic`      | string   | `"<kafka.group_id>.results"` | a Kafka topic name; window results and alert events, which every instance stores in its database |
// | `references_topic`   | string   | `"<kafka.group_id>.references"` | a Kafka topic name; compacted: each stream's active reference |
// | `state_topic`        | string   | `"<kafka.group_id>.owner-state"` | a Kafka topic name; compacted: the owners' checkpoints |
// | `owner_group_id`     | string   | `"<kafka.group_id>.owners"` | not empty, not kafka.group_id; the consumer group in which the instances share the partials topic's partitions: the instance assigned a stream's partition is its owner |
// | `commit_interval`    | duration | `"1s"`  | 10ms to 1m; how often an instance produces its pane deltas with its source offsets, and a stream's owner its results and state with its partials offsets, each in one Kafka transaction |
// | `topic_partitions`   | integer  | 12      | 1..10000; partitions of the internal topics driftd creates (partials, results, references, state) |
// | `replication_factor` | integer  | -1      | -1 (the broker's default) or 1..32; replicas of the internal topics driftd creates |
// | `switch_lead`        | duration | `"1m"`  | 1s to 24h; how far ahead of now (plus a stream's `event_time.max_future`) `driftctl reference import` and `promote` put a reference switch: longer than any instance takes to read it and apply it at a cut |
// | `results_retention`  | duration | absent (keep all) | > 0, at most the timestamp limit; the results topic's `retention.ms` when driftd creates it (an existing topic keeps its own); an instance that was away longer finds older results deleted, logs the gap and counts it (`driftd_cluster_results_missed_offsets_total`) |
//
// streams[i]
// | field             | type   | default  | rules |
// |-------------------|--------|----------|-------|
// | `name`            | string | required | 1-64 characters of `A-Z a-z 0-9 _ . -`; unique |
// | `source`          | object | required | `{"type": "kafka", "topic": T}` or `{"type": "http"}`; T a Kafka topic name |
// | `event_time`      | object | absent (processing time) | see event_time; tumbling and sliding windows only (a count window closes on the number of events) |
// | `window`          | object | required | see window |
// | `reference`       | object | `{"type": "capture"}` | see reference |
// | `smoothing_alpha` | number | 0.5      | 0..1e300; additive smoothing of both histograms (metrics.md) |
// | `fdr`             | number | absent (off) | in (0, 1): Benjamini-Hochberg level q across the stream's features in each window, on their calibrated p-values; replaces the rules' `max_p_value`. It bounds the expected share, among the features it calls significant in a window, of those that did not drift |
// | `features`        | array  | required | at least one; names unique in the stream |
// | `groups`          | array  | absent (none) | see groups; at most 16; numeric features compared jointly |
// | `pairs`           | array  | absent (none) | see pairs; at most 64; the distribution of a feature given another |
// | `alerts`          | array  | the default rule | alert rules; absent: the default rule below; `[]`: none |
//
// streams[i].event_time: exactly one of `field` and `kafka_timestamp`.
// | field             | type    | default  | rules |
// |-------------------|---------|----------|-------|
// | `field`           | string  | -        | JSON Pointer to a number in the event |
// | `unit`            | string  | `"ms"`   | `"s"`, `"ms"`, `"us"` or `"ns"` since the Unix epoch; only with `field` |
// | `kafka_timestamp` | boolean | -        | `true`: use the Kafka message timestamp (ms); kafka sources only |
// | `max_future`      | duration | `"1h"`  | > 0, at most 2^62 - 1 ms; an event whose time is later than the clock at ingest plus this is rejected as `invalid_event_time` (counted at once, like a missing time) |
// | `idle_timeout`    | duration | `"10s"` | >= 0, at most the timestamp limit; kafka sources: a partition with nothing to read still holds the stream's watermark back at its latest event time until it has delivered nothing for this long while other partitions delivered (see below); `"0s"`: it never holds |
//
// streams[i].window
// | field              | type     | default  | rules |
// |--------------------|----------|----------|-------|
// | `type`             | string   | required | `"tumbling"`, `"sliding"` or `"count"` |
// | `size`             | duration | required for tumbling and sliding | > 0, at most the timestamp limit; for sliding a multiple of `slide`, at most 4096 times `slide` |
// | `slide`            | duration | required for sliding | > 0, at most the timestamp limit |
// | `events`           | integer  | required for count | 1..4611686018427387903 (2^62 - 1); events per window |
// | `allowed_lateness` | duration | `"0s"`   | tumbling and sliding with `event_time` only; at most 4093 times the pane (`slide`, or `size` for tumbling) |
//
// streams[i].reference
// | field    | type    | default  | rules |
// |----------|---------|----------|-------|
// | `type`   | string  | required | `"capture"` (learn it from the stream) or `"file"` |
// | `events` | integer | absent: the first closed window | capture only; 1..4611686018427387903 events captured (with event time at least this many: up to the next pane boundary) |
// | `min_values` | integer | 10, or `events` when smaller | capture only; 1..`events`; values a feature needs in the capture to get a reference |
// | `path`   | string  | required for file | file only; not empty, no NUL character; a regular file of at most 64 MiB |
//
// streams[i].features[j]
// | field            | type    | default      | rules |
// |------------------|---------|--------------|-------|
// | `name`           | string  | required     | 1-64 characters of `A-Z a-z 0-9 _ . -`; unique in the stream |
// | `path`           | string  | required     | JSON Pointer into the event |
// | `type`           | string  | required     | `"numeric"` or `"categorical"` |
// | `bins`           | integer | 20           | numeric, not with edges; 2..4096 |
// | `binning`        | string  | `"quantile"` | numeric; `"quantile"`, `"uniform"` or `"edges"` |
// | `edges`          | array   | required for edges binning | numeric with binning edges only; 1..4095 finite, strictly increasing numbers |
// | `max_categories` | integer | 50           | categorical only; 1..4096 (plus one `__other__` bin) |
// | `gaussian`       | boolean | true         | numeric only; also compute the Gaussian KL |
//
// streams[i].groups[g]: numeric features compared as one joint distribution.
// | field      | type   | default      | rules |
// |------------|--------|--------------|-------|
// | `name`     | string | required     | 1-64 characters of `A-Z a-z 0-9 _ . - \|`; unique among the stream's features, groups and pairs |
// | `features` | array  | required     | 2 to 64 distinct names of numeric features of the stream |
// | `type`     | string | `"gaussian"` | `"gaussian"`: the multivariate normal fitted to the group |
// | `ridge`    | number | 0            | 0..1; 0: a singular or ill-conditioned covariance is reported as such; > 0: ridge times the feature's reference variance is added to each diagonal entry of both covariances (reference and window) before comparing |
//
// streams[i].pairs[p]: the distribution of y given x (a joint table of x's
// bins by y's bins; at most 65536 cells, see max_bin_count()).
// | field  | type   | default  | rules |
// |--------|--------|----------|-------|
// | `name` | string | required | 1-64 characters of `A-Z a-z 0-9 _ . - \|`; unique among the stream's features, groups and pairs |
// | `x`    | string | required | a feature of the stream (numeric or categorical): the conditioning variable |
// | `y`    | string | required | a feature of the stream other than x; the most bins of x times the most bins of y at most 65536 |
//
// streams[i].alerts[k]
// | field           | type    | default   | rules |
// |-----------------|---------|-----------|-------|
// | `metric`        | string  | required  | a feature's or pair's histogram measure: kl_pq, kl_qp, jsd, js_distance, tv, hellinger, psi, kl_pq_corrected, jsd_corrected, psi_corrected, g_statistic; a pair's kl_marginal or kl_conditional; a group's gaussian_kl, gaussian_location, gaussian_shape, gaussian_scale |
// | `warn`          | number  | required  | >= 0 |
// | `critical`      | number  | required  | >= warn |
// | `for`           | integer | 1         | >= 1 consecutive windows at or above a level before it fires |
// | `min_samples`   | integer | 0         | evaluate only windows with at least this many (non-missing) values |
// | `max_p_value`   | number  | absent    | in (0, 1]; fire only when the metric's p-value (below) is at most this; the stream's `fdr` replaces it for features |
// | `resolve_below` | number  | = warn    | 0 <= resolve_below <= warn; a window below it is clean |
// | `resolve_p_value` | number | = max_p_value | max_p_value <= resolve_p_value <= 1; a window whose calibrated p-value is above it is clean |
// | `resolve_after` | integer | 1         | >= 1; consecutive clean windows that resolve a firing alert |
// | `sequential`    | object  | absent    | see sequential; fire on accumulated evidence instead of one window's p-value (not with `for`) |
// | `features`      | array   | see below | non-empty list of distinct names of the stream's features, pairs or groups, each one the metric is measured on |
//
// Without `features` a rule watches every feature (histogram measures), every
// pair (kl_marginal, kl_conditional) or every group (gaussian_*); the stream
// must have one. A pair is also watched on any histogram measure by naming it.
// The p-value max_p_value and resolve_p_value read (pipeline/rule_evidence.h):
//
// | subject | metric | p-value |
// |---------|--------|---------|
// | feature | histogram measures | the calibrated G-test (`p_value_calibrated`) |
// | pair    | histogram measures | the calibrated G-test of the joint table |
// | pair    | `kl_marginal` (x's own drift) | the calibrated G-test of x's marginal |
// | pair    | `kl_conditional` (how y depends on x) | the stratified G-test of y given x |
// | group   | `gaussian_location` | Hotelling's T² |
// | group   | `gaussian_shape`, `gaussian_scale` | Box's M |
// | group   | `gaussian_kl` | the smaller of the two, doubled (Bonferroni), at most 1 |
//
// streams[i].alerts[k].sequential
// | field | type   | default | rules |
// |-------|--------|---------|-------|
// | `arl` | number | 1000    | 10 to 1e9; windows between false alarms on average, per feature |
// | `k`   | number | 0.5     | in (0, 4]; reference value: half the shift of z the rule is tuned to |
//
// A stream without `alerts` gets default_alert_rules(); `"alerts": []` has none.
//
// Thread safety: plain values; a Config is immutable once returned and may be
// shared between threads by const reference.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/duration.h"
#include "config/listen_address.h"

namespace driftd::config {

// SQLite PRAGMA synchronous.
enum class SyncMode { full, normal };

struct StorageConfig {
  std::filesystem::path path;                           // required
  SyncMode synchronous = SyncMode::full;                // "full" | "normal"
  Duration checkpoint_interval = std::chrono::seconds(10);
  std::optional<Duration> retention;                    // nullopt: keep every window row
  Duration hourly_retention = std::chrono::hours(24 * 90);
  Duration event_retention = std::chrono::hours(24 * 90);

  friend bool operator==(const StorageConfig&, const StorageConfig&) = default;
};

struct TlsConfig {
  std::string certificate;  // PEM chain file
  std::string private_key;  // PEM key file

  friend bool operator==(const TlsConfig&, const TlsConfig&) = default;
};

// When POST /v1/streams/{stream}/events answers 202.
enum class IngestAck { durable, received };

struct HttpConfig {
  ListenAddress listen{"127.0.0.1", 8080};
  std::optional<std::string> auth_token;                // nullopt: no authentication
  std::uint64_t max_body_bytes = 16 * 1024 * 1024;
  std::uint64_t max_inflight_body_bytes = 256 * 1024 * 1024;
  std::uint32_t max_connections = 1024;
  std::uint32_t max_event_streams = 1000;
  Duration idle_timeout = std::chrono::seconds(60);
  std::uint32_t read_threads = 2;
  std::uint32_t read_queue = 64;
  Duration read_time_budget = std::chrono::seconds(5);
  IngestAck ingest_ack = IngestAck::durable;
  std::optional<TlsConfig> tls;                         // nullopt: plain HTTP

  friend bool operator==(const HttpConfig&, const HttpConfig&) = default;
};

struct WebhookConfig {
  std::optional<std::vector<std::string>> allowlist;  // nullopt: any target
  Duration timeout = std::chrono::seconds(10);
  Duration retry_initial = std::chrono::seconds(1);
  Duration retry_max = std::chrono::minutes(5);
  std::optional<std::string> ca_file;                 // nullopt: the system trust store
  std::uint32_t max_subscriptions = 100;              // live subscriptions; more are 409

  friend bool operator==(const WebhookConfig&, const WebhookConfig&) = default;
};

struct AlertmanagerConfig {
  struct BasicAuth {
    std::string username;
    std::string password_file;
    friend bool operator==(const BasicAuth&, const BasicAuth&) = default;
  };
  std::string url;                                  // required; no trailing '/'
  std::optional<std::string> bearer_token_file;     // at most one of these two
  std::optional<BasicAuth> basic_auth;
  std::optional<std::string> ca_file;               // nullopt: the system trust store
  Duration timeout = std::chrono::seconds(10);
  Duration resend_interval = std::chrono::minutes(1);
  Duration retry_initial = std::chrono::seconds(1);
  Duration retry_max = std::chrono::minutes(5);
  std::optional<std::string> external_url;          // nullopt: from http.listen; no trailing '/'

  friend bool operator==(const AlertmanagerConfig&, const AlertmanagerConfig&) = default;
};

struct KafkaConfig {
  std::string brokers;                                  // required
  std::string group_id;                                 // required
  // group.instance.id: nullopt derives one (kafka/instance_id.h); "" is
  // dynamic membership.
  std::optional<std::string> instance_id;
  std::map<std::string, std::string> properties;        // extra librdkafka settings
  std::uint32_t poll_batch = 1000;
  std::uint32_t threads = 1;                            // consumer threads
  std::optional<std::string> alert_topic;               // nullopt: no alert topic

  friend bool operator==(const KafkaConfig&, const KafkaConfig&) = default;
};

// cluster: several driftd instances as one monitor over Kafka (the table
// above; docs/architecture.md, "Cluster mode"). The parser fills in the
// names from kafka.group_id when absent, so none is empty in a Config it
// returns.
struct ClusterConfig {
  std::string partials_topic;    // the instances' pane deltas
  std::string results_topic;     // window results and alert events
  std::string references_topic;  // compacted: each stream's active reference
  std::string state_topic;       // compacted: the owners' checkpoints
  std::string owner_group_id;    // the group that shares the partials topic's partitions
  Duration commit_interval = std::chrono::seconds(1);  // pane deltas + offsets, one transaction
  std::uint32_t topic_partitions = 12;    // of the internal topics driftd creates
  std::int32_t replication_factor = -1;   // of those topics; -1: the broker's default
  Duration switch_lead = std::chrono::minutes(1);  // how far ahead driftctl puts a reference switch
  std::optional<Duration> results_retention;  // the results topic's; nullopt: keep every result

  friend bool operator==(const ClusterConfig&, const ClusterConfig&) = default;
};

enum class SourceType { kafka, http };

struct SourceConfig {
  SourceType type = SourceType::http;
  std::string topic;                                    // kafka only; "" for http

  friend bool operator==(const SourceConfig&, const SourceConfig&) = default;
};

enum class EventTimeSource { field, kafka_timestamp };
enum class TimeUnit { s, ms, us, ns };

struct EventTimeConfig {
  EventTimeSource source = EventTimeSource::field;
  std::string field;                                    // JSON Pointer; "" for kafka_timestamp
  TimeUnit unit = TimeUnit::ms;                         // always ms for kafka_timestamp
  Duration max_future = std::chrono::hours(1);          // event times beyond now + this: invalid
  Duration idle_timeout = std::chrono::seconds(10);     // kafka: a quiet partition holds time this long

  friend bool operator==(const EventTimeConfig&, const EventTimeConfig&) = default;
};

enum class WindowType { tumbling, sliding, count };

struct WindowConfig {
  WindowType type = WindowType::tumbling;
  Duration size{0};              // tumbling, sliding; 0 for count
  Duration slide{0};             // sliding; equals size for tumbling; 0 for count
  std::uint64_t events = 0;      // count; 0 otherwise
  Duration allowed_lateness{0};  // event-time tumbling/sliding; 0 otherwise

  friend bool operator==(const WindowConfig&, const WindowConfig&) = default;
};

enum class ReferenceType { capture, file };

struct ReferenceConfig {
  ReferenceType type = ReferenceType::capture;
  std::optional<std::uint64_t> events;  // capture: events to capture; nullopt: first window
  std::uint64_t min_values = 10;        // capture: fewer values of a feature: no reference
  std::filesystem::path path;           // file only

  friend bool operator==(const ReferenceConfig&, const ReferenceConfig&) = default;
};

enum class FeatureType { numeric, categorical };
enum class Binning { quantile, uniform, edges };

struct FeatureConfig {
  std::string name;
  std::string path;                     // JSON Pointer, validated
  FeatureType type = FeatureType::numeric;
  // Numeric: number of bins (edges.size() + 1 with Binning::edges). Categorical: unused (0).
  std::uint32_t bins = 20;
  Binning binning = Binning::quantile;  // numeric only
  std::vector<double> edges;            // Binning::edges only; strictly increasing, finite
  std::uint32_t max_categories = 50;    // categorical only; 0 for numeric
  bool gaussian = true;                 // numeric only; always false for categorical

  friend bool operator==(const FeatureConfig&, const FeatureConfig&) = default;
};

// The most bins a reference built for `feature` with this configuration can
// have, the bound a pair's joint table is sized by:
//   - categorical: max_categories + 1 (the most frequent categories and
//     __other__, histogram/category_dictionary.h);
//   - numeric with "edges": edges.size() + 1;
//   - numeric "quantile" or "uniform" with `bins` B: B. Uniform binning has
//     at most B - 1 edges (fewer when they collapse). Quantile binning's
//     point masses (docs/metrics.md, "Binning") add no bins beyond B: of the
//     B - 1 quantiles, a value hit c >= 2 times gives 2 edges (itself and
//     nextafter) and a value hit once gives 1, so there are at most B - 1
//     edges (histogram/numeric_binning.h: "Still bin_count() <= B").
// A reference stored under an earlier configuration keeps its own bins
// (config/README.md, streams[i].reference), so a running stream may have
// more bins than this after `bins` or `max_categories` was lowered.
std::uint64_t max_bin_count(const FeatureConfig& feature);

// How a group's joint distribution is modelled and compared.
enum class GroupType { gaussian };

// streams[i].groups[g]: numeric features compared as one joint distribution
// (gaussian: the multivariate normal fitted to the group in the reference
// and in each window).
struct GroupConfig {
  std::string name;                          // unique among the stream's features, groups and pairs
  std::vector<std::string> features;         // 2..kMaxGroupFeatures distinct numeric features
  // Positions in StreamConfig::features of `features`, in the same order.
  std::vector<std::size_t> feature_indices;
  GroupType type = GroupType::gaussian;
  // 0..1. 0: a singular or ill-conditioned covariance is reported as such;
  // > 0: ridge * (each feature's reference variance) is added to the
  // diagonal of both covariances before comparing.
  double ridge = 0;

  friend bool operator==(const GroupConfig&, const GroupConfig&) = default;
};

// streams[i].pairs[p]: the distribution of y given x, from the joint table
// of x's bins by y's bins (at most kMaxPairCells by max_bin_count()).
struct PairConfig {
  std::string name;         // unique among the stream's features, groups and pairs
  std::string x;            // the conditioning feature, numeric or categorical
  std::string y;            // a feature other than x
  std::size_t x_index = 0;  // position of x in StreamConfig::features
  std::size_t y_index = 0;  // position of y in StreamConfig::features

  friend bool operator==(const PairConfig&, const PairConfig&) = default;
};

// Limits of groups and pairs (config/README.md, "Limits").
inline constexpr std::size_t kMaxGroupsPerStream = 16;
inline constexpr std::size_t kMaxPairsPerStream = 64;
inline constexpr std::size_t kMaxGroupFeatures = 64;
// The largest histogram layout (histogram/bin_layout.h, kMaxLayoutBins): a
// pair's joint table has as many cells as one stored histogram may have bins.
inline constexpr std::uint64_t kMaxPairCells = 65536;

// The measures an alert rule may watch; their names are the metrics.md keys.
// The first eleven are measured on a histogram: a feature's, or a pair's
// joint table; kl_marginal and kl_conditional are a pair's chain-rule terms
// (X's drift, and how Y's dependence on X changed); the gaussian_* are a
// group's multivariate Gaussian KL and its parts.
enum class Metric {
  kl_pq, kl_qp, jsd, js_distance, tv, hellinger, psi, kl_pq_corrected, jsd_corrected,
  psi_corrected, g_statistic, kl_marginal, kl_conditional, gaussian_kl, gaussian_location,
  gaussian_shape, gaussian_scale
};

// What a stream monitors and an alert rule watches: a feature, a pair or a
// group. They share one namespace of names and one index space, features
// first, then pairs, then groups (subject_count()).
enum class SubjectKind { feature, pair, group };

// Whether `metric` is measured on subjects of this kind (see Metric).
bool measured_on(Metric metric, SubjectKind kind);
// The subjects a rule without `features` watches: every feature for a
// histogram measure, every pair for kl_marginal and kl_conditional, every
// group for the gaussian_* measures.
SubjectKind default_subjects(Metric metric);

// A CUSUM of per-window evidence instead of one window's p-value
// (pipeline/cusum.h): fires once the evidence of consecutive windows adds up.
struct SequentialRule {
  double arl = 1000;  // windows between false alarms on average, >= 10
  double k = 0.5;     // reference value, in (0, 4]

  friend bool operator==(const SequentialRule&, const SequentialRule&) = default;
};

struct AlertRule {
  Metric metric = Metric::jsd;
  double warn = 0;
  double critical = 0;                  // >= warn
  std::uint32_t for_windows = 1;        // "for": consecutive windows
  std::uint64_t min_samples = 0;
  std::optional<double> max_p_value;    // in (0, 1]; p_value_calibrated; unused with stream fdr
  double resolve_below = 0;             // <= warn; the parser sets it to warn when absent
  // A firing alert's window is clean when its calibrated p-value is above
  // this (>= max_p_value); the parser sets it to max_p_value when absent.
  std::optional<double> resolve_p_value;
  std::uint32_t resolve_after = 1;      // consecutive clean windows that resolve it
  // Set: fire when the CUSUM of the windows' evidence crosses its threshold
  // and the value is at warn or above (replaces `for` and max_p_value).
  std::optional<SequentialRule> sequential;
  std::vector<std::string> features;    // empty: every feature of the stream

  friend bool operator==(const AlertRule&, const AlertRule&) = default;
};

// The rule of a stream that sets no `alerts` (config/README.md, "The default
// alert rule"; its false alarms and detection delays are measured in
// docs/detection.md): jsd_corrected at warn 0.003 / critical 0.05, calibrated
// p-value at most 0.0002, at least 100 values; a window below 0.0015 or with
// p above 0.01 is clean, two clean windows resolve.
// With pairs and groups the same rule on their own measures: kl_conditional
// of every pair and gaussian_kl of every group at warn 0.01 / critical 0.1
// nats, resolving below 0.005 (rules 1 and 2; they watch nothing in a stream
// without pairs or groups).
std::vector<AlertRule> default_alert_rules();

struct StreamConfig {
  std::string name;
  SourceConfig source;
  std::optional<EventTimeConfig> event_time;  // nullopt: processing time
  WindowConfig window;
  ReferenceConfig reference;
  double smoothing_alpha = 0.5;
  std::optional<double> fdr;                  // Benjamini-Hochberg level; nullopt: off
  std::vector<FeatureConfig> features;        // at least one
  std::vector<GroupConfig> groups;            // at most kMaxGroupsPerStream
  std::vector<PairConfig> pairs;              // at most kMaxPairsPerStream
  std::vector<AlertRule> alerts;

  friend bool operator==(const StreamConfig&, const StreamConfig&) = default;
};

// The subjects of a stream: features, then pairs, then groups.
std::size_t subject_count(const StreamConfig& stream);
SubjectKind subject_kind(const StreamConfig& stream, std::size_t subject);
// REQUIRES: subject < subject_count(stream).
const std::string& subject_name(const StreamConfig& stream, std::size_t subject);
std::optional<std::size_t> find_subject(const StreamConfig& stream, std::string_view name);
// Whether `rule` watches the subject: it names it, or names none and the
// subject is of its metric's default_subjects().
bool watches(const AlertRule& rule, const StreamConfig& stream, std::size_t subject);

struct Config {
  StorageConfig storage;
  HttpConfig http;
  std::optional<KafkaConfig> kafka;
  WebhookConfig webhooks;
  std::optional<AlertmanagerConfig> alertmanager;
  std::optional<ClusterConfig> cluster;       // nullopt: one instance on its own
  std::vector<StreamConfig> streams;          // at least one, names unique

  friend bool operator==(const Config&, const Config&) = default;
};

// The configuration spelling of every enum value, in documentation order.
// The parser and to_string() use these tables; nothing else retypes a name.
template <class Enum>
struct EnumName {
  Enum value;
  std::string_view name;
};

inline constexpr std::array<EnumName<IngestAck>, 2> kIngestAckNames{{
    {IngestAck::durable, "durable"}, {IngestAck::received, "received"}}};
inline constexpr std::array<EnumName<SyncMode>, 2> kSyncModeNames{{
    {SyncMode::full, "full"}, {SyncMode::normal, "normal"}}};
inline constexpr std::array<EnumName<SourceType>, 2> kSourceTypeNames{{
    {SourceType::kafka, "kafka"}, {SourceType::http, "http"}}};
inline constexpr std::array<EnumName<TimeUnit>, 4> kTimeUnitNames{{
    {TimeUnit::s, "s"}, {TimeUnit::ms, "ms"}, {TimeUnit::us, "us"}, {TimeUnit::ns, "ns"}}};
inline constexpr std::array<EnumName<WindowType>, 3> kWindowTypeNames{{
    {WindowType::tumbling, "tumbling"}, {WindowType::sliding, "sliding"},
    {WindowType::count, "count"}}};
inline constexpr std::array<EnumName<ReferenceType>, 2> kReferenceTypeNames{{
    {ReferenceType::capture, "capture"}, {ReferenceType::file, "file"}}};
inline constexpr std::array<EnumName<FeatureType>, 2> kFeatureTypeNames{{
    {FeatureType::numeric, "numeric"}, {FeatureType::categorical, "categorical"}}};
inline constexpr std::array<EnumName<Binning>, 3> kBinningNames{{
    {Binning::quantile, "quantile"}, {Binning::uniform, "uniform"}, {Binning::edges, "edges"}}};
inline constexpr std::array<EnumName<GroupType>, 1> kGroupTypeNames{{
    {GroupType::gaussian, "gaussian"}}};
// The metrics.md keys (lib/divergence/measures.h spells the same names).
inline constexpr std::array<EnumName<Metric>, 17> kMetricNames{{
    {Metric::kl_pq, "kl_pq"},
    {Metric::kl_qp, "kl_qp"},
    {Metric::jsd, "jsd"},
    {Metric::js_distance, "js_distance"},
    {Metric::tv, "tv"},
    {Metric::hellinger, "hellinger"},
    {Metric::psi, "psi"},
    {Metric::kl_pq_corrected, "kl_pq_corrected"},
    {Metric::jsd_corrected, "jsd_corrected"},
    {Metric::psi_corrected, "psi_corrected"},
    {Metric::g_statistic, "g_statistic"},
    {Metric::kl_marginal, "kl_marginal"},
    {Metric::kl_conditional, "kl_conditional"},
    {Metric::gaussian_kl, "gaussian_kl"},
    {Metric::gaussian_location, "gaussian_location"},
    {Metric::gaussian_shape, "gaussian_shape"},
    {Metric::gaussian_scale, "gaussian_scale"},
}};

std::string_view to_string(SyncMode value);
std::string_view to_string(SourceType value);
std::string_view to_string(TimeUnit value);
std::string_view to_string(WindowType value);
std::string_view to_string(ReferenceType value);
std::string_view to_string(FeatureType value);
std::string_view to_string(Binning value);
std::string_view to_string(GroupType value);
std::string_view to_string(Metric value);
std::string_view to_string(SubjectKind value);

}  // namespace driftd::config
