#include "config/config_schema_table.h"

#include <chrono>
#include <cstdint>
#include <limits>

#include "common/timer_limit.h"
#include "window/window_limits.h"

namespace driftd::config::schema {
namespace {

// ---------------------------------------------------------------- limits
// The limits of config/README.md ("Limits"), each derived from what the code
// that uses the value can hold.

constexpr std::uint64_t kU32Max = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t kMaxBins = 4096;
constexpr std::uint64_t kMaxCategories = 4096;
constexpr std::uint64_t kMaxReadThreads = 64;
// simdjson's largest document (SIMDJSON_MAXSIZE_BYTES): a JSON array body is one.
constexpr std::uint64_t kMaxBodyBytes = 0xFFFFFFFF;
// The consumer reserves a batch's message and document arrays up front.
constexpr std::uint64_t kMaxPollBatch = 1'000'000;
constexpr std::uint64_t kMaxKafkaThreads = 64;
// Every due subscription is attempted at each dispatcher pass, 32 at a time.
constexpr std::uint64_t kMaxSubscriptions = 10'000;
// p_k = (c_k + alpha) / (n + K alpha) with K <= 4097 bins (4096 categories and
// __other__): beyond DBL_MAX / 4097 (4.4e304) the denominator is infinite and
// every probability 0.
constexpr double kMaxSmoothingAlpha = 1e300;
// The partitions and replicas driftd gives the cluster's internal topics: far
// beyond what a cluster of driftd instances needs, well within what brokers
// take.
constexpr std::uint64_t kMaxTopicPartitions = 10'000;
constexpr std::uint64_t kMaxReplicationFactor = 32;
constexpr std::uint64_t kMaxEvents = static_cast<std::uint64_t>(kMaxEventsPerWindow);

// ---------------------------------------------------------------- value types

constexpr ValueType text() { return {.kind = Kind::string}; }
constexpr ValueType non_empty_text() { return {.kind = Kind::non_empty_string}; }
constexpr ValueType file() { return {.kind = Kind::file_path}; }
constexpr ValueType boolean() { return {.kind = Kind::boolean}; }

constexpr ValueType formatted(StringFormat format) {
  return {.kind = Kind::formatted_string, .format = format};
}

constexpr ValueType integer(std::uint64_t min, std::uint64_t max) {
  return {.kind = Kind::integer, .integer = {min, max, false}};
}

// An integer in [min, max], or -1, which means `minus_one`.
constexpr ValueType integer_or_minus_one(std::uint64_t min, std::uint64_t max,
                                         std::string_view minus_one) {
  return {.kind = Kind::integer, .integer = {min, max, false, minus_one}};
}

// An integer whose maximum is only its type's limit: "must be an integer >= MIN".
constexpr ValueType integer_from(std::uint64_t min, std::uint64_t max) {
  return {.kind = Kind::integer, .integer = {min, max, true}};
}

constexpr ValueType number(NumberRange range) { return {.kind = Kind::number, .number = range}; }

constexpr NumberRange kNonNegative{.min = 0, .problem = "a number >= 0"};
// A p-value threshold, in (0, 1].
constexpr NumberRange kPValue{.min = 0, .min_exclusive = true, .max = 1,
                              .problem = "a number greater than 0 and at most 1"};

constexpr ValueType duration(DurationRange range) {
  return {.kind = Kind::duration, .duration = range};
}

// A duration a timer, deadline or wait is set with (common/timer_limit.h).
constexpr ValueType timer() {
  return duration({true, kMaxTimerDuration,
                   "timers count nanoseconds in 64 bits: 2^62 ns, about 146 years, is the "
                   "longest"});
}

constexpr std::string_view kTimestampLimit =
    "timestamps and their differences stay within 2^62 - 1 ms, about 146 million years";

// A duration subtracted from or added to timestamps (windows, retention).
constexpr ValueType timespan() {
  return duration({true, Duration{kMaxTimestampMs}, kTimestampLimit});
}

constexpr ValueType one_of(std::span<const std::string_view> names) {
  return {.kind = Kind::enumeration, .names = names};
}

constexpr ValueType array_of(const ValueType& element, ArrayRule rule = {}) {
  rule.element = &element;
  return {.kind = Kind::array, .array = rule};
}

constexpr ValueType object(const ObjectSpec& spec) {
  return {.kind = Kind::object, .object = &spec};
}

constexpr ValueType string_map(std::span<const RefusedKey> refused_keys) {
  return {.kind = Kind::string_map, .refused_keys = refused_keys};
}

constexpr Presence kRequired = Presence::required;

constexpr auto kSyncModes = names_of(kSyncModeNames);
constexpr auto kIngestAcks = names_of(kIngestAckNames);
constexpr auto kSourceTypes = names_of(kSourceTypeNames);
constexpr auto kTimeUnits = names_of(kTimeUnitNames);
constexpr auto kWindowTypes = names_of(kWindowTypeNames);
constexpr auto kReferenceTypes = names_of(kReferenceTypeNames);
constexpr auto kFeatureTypes = names_of(kFeatureTypeNames);
constexpr auto kBinnings = names_of(kBinningNames);
constexpr auto kGroupTypes = names_of(kGroupTypeNames);
constexpr auto kMetrics = names_of(kMetricNames);

constexpr ValueType kFeatureName = text();
constexpr ValueType kNonEmptyText = non_empty_text();
constexpr ValueType kEdge = number({.problem = "a number"});

}  // namespace

// ---------------------------------------------------------------- storage

namespace {
constexpr Field kStorageFields[] = {
    {.key = "path", .type = file(), .presence = kRequired,
     .description = "SQLite database file; a relative path is relative to the daemon's working "
       "directory."},
    {.key = "synchronous", .type = one_of(kSyncModes), .default_json = "\"full\"",
     .description = "SQLite PRAGMA synchronous."},
    {.key = "checkpoint_interval", .type = timer(), .default_json = "\"10s\"",
     .description = "How often open windows are checkpointed."},
    {.key = "retention", .type = timespan(),
     .description = "Window rows older than this are folded into hourly rollups and deleted; "
       "absent: every window row is kept."},
    {.key = "hourly_retention", .type = timespan(), .default_json = "\"90d\"",
     .description = "With retention: hourly rollups older than this are folded into daily ones, "
       "which are kept."},
    {.key = "event_retention", .type = timespan(), .default_json = "\"90d\"",
     .description = "Alert events and webhook attempt logs older than this are deleted once every "
       "subscriber and the Kafka alert topic is past them."},
};
}  // namespace

constexpr ObjectSpec kStorage{
    .name = "storage",
    .description = "The SQLite database that holds windows, metrics, alerts and source positions.",
    .fields = kStorageFields};

// ---------------------------------------------------------------- http

namespace {
constexpr Field kTlsFields[] = {
    {.key = "certificate", .type = file(), .presence = kRequired,
     .description = "PEM file: the server certificate, then any intermediates."},
    {.key = "private_key", .type = file(), .presence = kRequired,
     .description = "PEM file, unencrypted, matching the certificate."},
};
}  // namespace

constexpr ObjectSpec kTls{
    .name = "tls",
    .description = "The API (every route) over HTTPS only; SIGHUP reloads both files.",
    .fields = kTlsFields};

namespace {
constexpr Field kHttpFields[] = {
    {.key = "listen", .type = formatted(StringFormat::listen_address),
     .default_json = "\"127.0.0.1:8080\"",
     .description = "\"host:port\" to listen on, IPv6 as \"[::1]:8080\"; port 0 lets the kernel "
       "choose."},
    {.key = "auth_token", .type = formatted(StringFormat::auth_token),
     .description = "Bearer token every request must carry: at least 16 characters, no spaces or "
       "control characters; absent: no authentication."},
    {.key = "max_body_bytes", .type = integer_from(1, kMaxBodyBytes), .default_json = "16777216",
     .description = "Largest ingest request body, in bytes."},
    {.key = "max_inflight_body_bytes", .type = integer_from(1, kU64Max),
     .default_json = "268435456",
     .description = "Request body bytes held at once across all connections, at least "
       "max_body_bytes; a request whose body does not fit is answered 503."},
    {.key = "max_connections", .type = integer_from(1, kU32Max), .default_json = "1024",
     .description = "Open connections at most."},
    {.key = "max_event_streams", .type = integer_from(1, kU32Max), .default_json = "1000",
     .description = "Open server-sent event streams (/v1/alerts/stream) at most; more are answered "
       "503."},
    {.key = "idle_timeout", .type = timer(), .default_json = "\"60s\"",
     .description = "Idle keep-alive connections are closed after this."},
    {.key = "read_threads", .type = integer(1, kMaxReadThreads), .default_json = "2",
     .description = "Threads that run the historical queries, each with its own read-only SQLite "
       "connection."},
    {.key = "read_queue", .type = integer_from(0, kU32Max), .default_json = "64",
     .description = "Historical queries waiting for a read thread; more are answered 503."},
    {.key = "read_time_budget", .type = timer(), .default_json = "\"5s\"",
     .description = "How long one historical query may run."},
    {.key = "ingest_ack", .type = one_of(kIngestAcks), .default_json = "\"durable\"",
     .description = "When ingest is answered 202: \"durable\", once its events are committed to "
       "SQLite; \"received\", once they are recorded in memory."},
    {.key = "tls", .type = object(kTls),
     .description = "HTTPS; absent: plain HTTP."},
};
}  // namespace

constexpr ObjectSpec kHttp{.name = "http",
                           .description = "The HTTP API and NDJSON ingest.",
                           .fields = kHttpFields};

// ---------------------------------------------------------------- kafka

namespace {
// librdkafka settings driftd sets itself, and why.
constexpr RefusedKey kReservedProperties[] = {
    {"bootstrap.servers", "is set by driftd from kafka.brokers"},
    {"group.id", "is set by driftd from kafka.group_id"},
    {"enable.auto.offset.store",
     "is set by driftd (offsets are stored only after their window is committed)"},
    {"enable.auto.commit",
     "is set by driftd (offsets are committed only after their window is committed)"},
};

constexpr Field kKafkaFields[] = {
    {.key = "brokers", .type = non_empty_text(), .presence = kRequired,
     .description = "librdkafka bootstrap.servers."},
    {.key = "group_id", .type = non_empty_text(), .presence = kRequired,
     .description = "The consumer group."},
    {.key = "instance_id", .type = formatted(StringFormat::kafka_instance_id),
     .description = "This instance's group.instance.id (static membership); absent: derived from "
       "the host, group, topics and database; \"\": dynamic membership."},
    {.key = "properties", .type = string_map(kReservedProperties), .default_json = "{}",
     .description = "Extra librdkafka settings, string to string; those driftd sets itself are "
       "refused."},
    {.key = "poll_batch", .type = integer_from(1, kMaxPollBatch), .default_json = "1000",
     .description = "Messages per consumer poll."},
    {.key = "threads", .type = integer_from(1, kMaxKafkaThreads), .default_json = "1",
     .description = "Consumer threads the assigned partitions are spread over."},
    {.key = "alert_topic", .type = formatted(StringFormat::kafka_topic),
     .description = "Kafka topic every alert event is produced to; absent: none."},
};
}  // namespace

constexpr ObjectSpec kKafka{
    .name = "kafka",
    .description = "The Kafka consumer group; needed when a stream has a kafka source.",
    .fields = kKafkaFields};

// ---------------------------------------------------------------- webhooks

namespace {
constexpr Field kWebhooksFields[] = {
    {.key = "allowlist", .type = array_of(kNonEmptyText),
     .description = "\"host\" or \"host:port\" targets subscriptions may use; absent: any target."},
    {.key = "timeout", .type = timer(), .default_json = "\"10s\"",
     .description = "One delivery attempt, connect to answer."},
    {.key = "retry_initial", .type = timer(), .default_json = "\"1s\"",
     .description = "The first retry's delay (doubling, with jitter)."},
    {.key = "retry_max", .type = timer(), .default_json = "\"5m\"",
     .description = "The longest delay between attempts, at least retry_initial."},
    {.key = "ca_file", .type = file(),
     .description = "PEM file of the certificate authorities https targets are verified against; "
       "absent: the system trust store."},
    {.key = "max_subscriptions", .type = integer(1, kMaxSubscriptions), .default_json = "100",
     .description = "Live subscriptions at most; more are answered 409."},
};
}  // namespace

constexpr ObjectSpec kWebhooks{
    .name = "webhooks",
    .description = "Alert deliveries to webhook subscriptions (POST /v1/subscriptions).",
    .fields = kWebhooksFields};

// ---------------------------------------------------------------- alertmanager

namespace {
constexpr Field kBasicAuthFields[] = {
    {.key = "username", .type = kNonEmptyText, .presence = kRequired,
     .description = "The user name."},
    {.key = "password_file", .type = file(), .presence = kRequired,
     .description = "File holding the password (read at start; never logged)."},
};
}  // namespace

constexpr ObjectSpec kBasicAuth{.name = "basic_auth",
                                .description = "HTTP basic authentication to Alertmanager.",
                                .fields = kBasicAuthFields};

namespace {
// endsAt is 4 x resend_interval ahead of now: that must stay a timer.
constexpr ValueType kResendInterval =
    duration({true, Duration(kMaxTimerDuration / 4),
              "timers count nanoseconds in 64 bits: 2^62 ns, about 146 years, is the longest, "
              "and endsAt is 4 x resend_interval"});

constexpr Field kAlertmanagerFields[] = {
    {.key = "url", .type = kNonEmptyText, .presence = kRequired,
     .description = "Alertmanager's base URL, http:// or https:// without query or fragment: "
       "driftd posts to <url>/api/v2/alerts."},
    {.key = "bearer_token_file", .type = file(),
     .description = "File holding a bearer token (read at start; never logged); not with "
       "basic_auth."},
    {.key = "basic_auth", .type = object(kBasicAuth),
     .description = "User name and password file; not with bearer_token_file."},
    {.key = "ca_file", .type = file(),
     .description = "PEM file of the certificate authorities an https Alertmanager is verified "
       "against; absent: the system trust store."},
    {.key = "timeout", .type = timer(), .default_json = "\"10s\"",
     .description = "One POST, connect to answer."},
    {.key = "resend_interval", .type = kResendInterval, .default_json = "\"1m\"",
     .description = "How often a firing alert is sent again (its endsAt is 4 intervals ahead, so "
       "Alertmanager ends it if driftd stops)."},
    {.key = "retry_initial", .type = timer(), .default_json = "\"1s\"",
     .description = "The first retry's delay after a failed POST (doubling, with jitter)."},
    {.key = "retry_max", .type = timer(), .default_json = "\"5m\"",
     .description = "The longest delay between attempts, at least retry_initial."},
    {.key = "external_url", .type = kNonEmptyText,
     .description = "Base URL of this driftd's dashboard for the alerts' links, http:// or "
       "https://; absent: http://<http.listen>."},
};
}  // namespace

constexpr ObjectSpec kAlertmanager{
    .name = "alertmanager",
    .description = "Alert deliveries to Prometheus Alertmanager (docs/api.md).",
    .fields = kAlertmanagerFields};

// ---------------------------------------------------------------- cluster

namespace {
constexpr ValueType kCommitInterval = duration(
    {.positive = true,
     .max = std::chrono::minutes(1),
     .why = "a window's result waits for the deltas of its last panes, committed this often",
     .min = std::chrono::milliseconds(10),
     .min_why = "each commit is a Kafka transaction, with a round trip to its coordinator and a "
                "marker in every partition it wrote"});

constexpr ValueType kSwitchLead = duration(
    {.positive = true,
     .max = std::chrono::hours(24),
     .why = "a switch's references apply from this far ahead: a day is the longest wait asked",
     .min = std::chrono::seconds(1),
     .min_why = "every instance must have read the switch from the references topic and "
                "applied it at a cut before its time"});

constexpr Field kClusterFields[] = {
    {.key = "partials_topic", .type = formatted(StringFormat::kafka_topic),
     .description = "The topic the instances produce their pane deltas to, with their source "
       "offsets in Kafka transactions; absent: <kafka.group_id>.partials."},
    {.key = "results_topic", .type = formatted(StringFormat::kafka_topic),
     .description = "The topic of window results and alert events, which every instance stores; "
       "absent: <kafka.group_id>.results."},
    {.key = "references_topic", .type = formatted(StringFormat::kafka_topic),
     .description = "The compacted topic of each stream's active reference; absent: "
       "<kafka.group_id>.references."},
    {.key = "state_topic", .type = formatted(StringFormat::kafka_topic),
     .description = "The compacted topic of the owners' checkpoints; absent: "
       "<kafka.group_id>.owner-state."},
    {.key = "owner_group_id", .type = kNonEmptyText,
     .description = "The consumer group in which the instances share the partials topic's "
       "partitions: the instance assigned a stream's partition is its owner; not kafka.group_id; "
       "absent: <kafka.group_id>.owners."},
    {.key = "commit_interval", .type = kCommitInterval, .default_json = "\"1s\"",
     .description = "How often an instance produces its pane deltas and commits its source "
       "offsets, in one Kafka transaction."},
    {.key = "topic_partitions", .type = integer(1, kMaxTopicPartitions), .default_json = "12",
     .description = "Partitions of the internal topics driftd creates (partials, results, "
       "references, state)."},
    {.key = "replication_factor",
     .type = integer_or_minus_one(1, kMaxReplicationFactor, "the broker's default"),
     .default_json = "-1",
     .description = "Replicas of the internal topics driftd creates; -1: the broker's default."},
    {.key = "switch_lead", .type = kSwitchLead, .default_json = "\"1m\"",
     .description = "How far ahead of now (plus event_time.max_future) driftctl reference import "
       "puts a reference switch: longer than any instance takes to read it from the references "
       "topic and apply it at a cut."},
    {.key = "results_retention", .type = timespan(),
     .description = "The results topic's retention.ms when driftd creates it (an existing topic "
       "keeps its own): an instance away longer finds older results deleted, and logs and counts "
       "the gap; absent: every result is kept."},
};
}  // namespace

constexpr ObjectSpec kCluster{
    .name = "cluster",
    .description = "Cluster mode: several driftd instances as one monitor over Kafka.",
    .fields = kClusterFields};

// ---------------------------------------------------------------- a stream's parts

namespace {
constexpr std::string_view kKafkaOnly[] = {"kafka"};

constexpr Field kSourceFields[] = {
    {.key = "type", .type = one_of(kSourceTypes), .presence = kRequired,
     .description = "\"kafka\": a topic of the kafka section's brokers; \"http\": POST "
       "/v1/streams/{name}/events."},
    {.key = "topic", .type = formatted(StringFormat::kafka_topic), .presence = kRequired,
     .description = "The Kafka topic.", .only_for = kKafkaOnly},
};
}  // namespace

constexpr ObjectSpec kSource{.name = "source",
                             .description = "Where a stream's events come from.",
                             .fields = kSourceFields,
                             .discriminator = "type"};

namespace {
constexpr Field kEventTimeFields[] = {
    {.key = "field", .type = formatted(StringFormat::json_pointer),
     .description = "JSON Pointer to a number in the event: its time."},
    {.key = "unit", .type = one_of(kTimeUnits), .default_json = "\"ms\"",
     .description = "The unit of field's number, since the Unix epoch."},
    {.key = "kafka_timestamp", .type = boolean(), .default_json = "false",
     .description = "true: the Kafka message timestamp (ms) is the event time; kafka sources only."
     },
    {.key = "max_future", .type = timespan(), .default_json = "\"1h\"",
     .description = "An event later than the clock at ingest plus this is rejected as "
       "invalid_event_time."},
    {.key = "idle_timeout", .type = duration({false, Duration{kMaxTimestampMs}, kTimestampLimit}),
     .default_json = "\"10s\"",
     .description = "Kafka sources: how long a partition with nothing to read still holds the "
       "watermark back while others deliver; \"0s\": never."},
};

constexpr Condition kEventTimeConditions[] = {
    {.field = "field", .when = "kafka_timestamp", .equals = "true", .refuse = true,
     .problem = "not allowed with \"kafka_timestamp\": true"},
    {.field = "unit", .when = "kafka_timestamp", .equals = "true", .refuse = true,
     .problem = "not allowed with \"kafka_timestamp\": true (Kafka timestamps are milliseconds)"},
    {.field = "field", .when = "kafka_timestamp", .equals = "true", .negated = true,
     .problem = "needs \"field\" (a JSON Pointer) or \"kafka_timestamp\": true",
     .at_object = true},
};
}  // namespace

constexpr ObjectSpec kEventTime{
    .name = "event_time",
    .description = "Where an event's time is read: exactly one of field and kafka_timestamp.",
    .fields = kEventTimeFields,
    .conditions = kEventTimeConditions};

namespace {
constexpr std::string_view kTimeWindows[] = {"tumbling", "sliding"};
constexpr std::string_view kSlidingOnly[] = {"sliding"};
constexpr std::string_view kCountOnly[] = {"count"};

constexpr Field kWindowFields[] = {
    {.key = "type", .type = one_of(kWindowTypes), .presence = kRequired,
     .description = "\"tumbling\" and \"sliding\" windows close on time, \"count\" windows on the "
       "number of events."},
    {.key = "size", .type = timespan(), .presence = kRequired,
     .description = "The window's length; for sliding windows a multiple of slide, at most 4096 "
       "slides.", .only_for = kTimeWindows},
    {.key = "slide", .type = timespan(), .presence = kRequired,
     .description = "How far a sliding window moves.", .only_for = kSlidingOnly},
    {.key = "events", .type = integer_from(1, kMaxEvents), .presence = kRequired,
     .description = "Events per window.", .only_for = kCountOnly},
    {.key = "allowed_lateness", .type = duration({}), .default_json = "\"0s\"",
     .description = "With event_time only: how late an event may be and still count; at most 4093 "
       "panes (slide, or size for tumbling windows).", .only_for = kTimeWindows},
};
}  // namespace

constexpr ObjectSpec kWindow{.name = "window",
                             .description = "How a stream's events are grouped into windows.",
                             .fields = kWindowFields,
                             .discriminator = "type"};

namespace {
constexpr std::string_view kCaptureOnly[] = {"capture"};
constexpr std::string_view kFileOnly[] = {"file"};

constexpr Field kReferenceFields[] = {
    {.key = "type", .type = one_of(kReferenceTypes), .presence = kRequired,
     .description = "\"capture\": learnt from the stream's first events; \"file\": read from a CSV "
       "or NDJSON file."},
    {.key = "events", .type = integer_from(1, kMaxEvents),
     .description = "Events captured; absent: the first closed window.", .only_for = kCaptureOnly},
    {.key = "min_values", .type = integer_from(1, kMaxEvents), .default_json = "10",
     .description = "Values a feature needs in the capture to get a reference, at most events "
       "(absent: 10, or events when smaller).", .only_for = kCaptureOnly},
    {.key = "path", .type = file(), .presence = kRequired,
     .description = "CSV or NDJSON file, a regular file of at most 64 MiB.", .only_for = kFileOnly},
};
}  // namespace

constexpr ObjectSpec kReference{.name = "reference",
                                .description = "The distribution a stream's windows are "
                                               "compared with.",
                                .fields = kReferenceFields,
                                .discriminator = "type"};

namespace {
constexpr std::string_view kNumericOnly[] = {"numeric"};
constexpr std::string_view kCategoricalOnly[] = {"categorical"};

constexpr Field kFeatureFields[] = {
    {.key = "name", .type = formatted(StringFormat::name), .presence = kRequired,
     .description = "Unique in the stream: 1 to 64 characters of A-Z a-z 0-9 _ . -."},
    {.key = "path", .type = formatted(StringFormat::json_pointer), .presence = kRequired,
     .description = "JSON Pointer to the value in the event."},
    {.key = "type", .type = one_of(kFeatureTypes), .presence = kRequired,
     .description = "Numbers in bins, or categories."},
    {.key = "bins", .type = integer(2, kMaxBins), .default_json = "20",
     .description = "Number of bins; not with binning \"edges\".", .only_for = kNumericOnly},
    {.key = "binning", .type = one_of(kBinnings), .default_json = "\"quantile\"",
     .description = "Where bin edges go: reference quantiles, uniform over the reference's range, "
       "or edges.", .only_for = kNumericOnly},
    {.key = "edges",
     .type = array_of(kEdge, {.min_items = 1,
                              .too_few = "must hold at least one edge",
                              .max_items = kMaxBins - 1,
                              .too_many = "must hold at most 4095 edges (4096 bins)"}),
     .description = "Interior bin edges, finite and strictly increasing: n edges make n + 1 bins; "
       "with binning \"edges\" only, and then required.", .only_for = kNumericOnly},
    {.key = "gaussian", .type = boolean(), .default_json = "true",
     .description = "Also compute the Gaussian KL.", .only_for = kNumericOnly},
    {.key = "max_categories", .type = integer(1, kMaxCategories), .default_json = "50",
     .description = "The most frequent reference categories kept, plus one __other__ bin.",
     .only_for = kCategoricalOnly},
};

constexpr Condition kFeatureConditions[] = {
    {.field = "edges", .when = "binning", .equals = "\"edges\"",
     .problem = "required when binning is \"edges\""},
    {.field = "bins", .when = "binning", .equals = "\"edges\"", .refuse = true,
     .problem = "not allowed when binning is \"edges\" (the edges define the bins)"},
    {.field = "edges", .when = "binning", .equals = "\"edges\"", .negated = true, .refuse = true,
     .problem = "only allowed when binning is \"edges\""},
};
}  // namespace

constexpr ObjectSpec kFeature{.name = "feature",
                              .description = "A monitored field of the stream's events.",
                              .fields = kFeatureFields,
                              .discriminator = "type",
                              .conditions = kFeatureConditions};

namespace {
constexpr Field kGroupFields[] = {
    {.key = "name", .type = formatted(StringFormat::view_name), .presence = kRequired,
     .description = "Unique among the stream's features, groups and pairs: 1 to 64 characters of "
       "A-Z a-z 0-9 _ . - |."},
    {.key = "features",
     .type = array_of(kFeatureName,
                      {.min_items = 2,
                       .too_few = "must name at least 2 features (one feature is compared on "
                                  "its own)",
                       .max_items = kMaxGroupFeatures,
                       .too_many = "must name at most 64 features",
                       .duplicate = "duplicate feature"}),
     .presence = kRequired,
     .description = "Distinct numeric features of the stream."},
    {.key = "type", .type = one_of(kGroupTypes), .default_json = "\"gaussian\"",
     .description = "\"gaussian\": the multivariate normal fitted to the group."},
    {.key = "ridge", .type = number({.min = 0, .max = 1, .problem = "a number from 0 to 1"}),
     .default_json = "0",
     .description = "0: a singular covariance is reported as such; > 0: ridge times each feature's "
       "reference variance is added to the covariances' diagonals."},
};
}  // namespace

constexpr ObjectSpec kGroup{.name = "group",
                            .description = "Numeric features compared as one joint distribution.",
                            .fields = kGroupFields};

namespace {
constexpr Field kPairFields[] = {
    {.key = "name", .type = formatted(StringFormat::view_name), .presence = kRequired,
     .description = "Unique among the stream's features, groups and pairs: 1 to 64 characters of "
       "A-Z a-z 0-9 _ . - |."},
    {.key = "x", .type = text(), .presence = kRequired,
     .description = "A feature of the stream: the conditioning variable."},
    {.key = "y", .type = text(), .presence = kRequired,
     .description = "A feature of the stream other than x."},
};
}  // namespace

constexpr ObjectSpec kPair{.name = "pair",
                           .description = "The distribution of feature y given feature x.",
                           .fields = kPairFields};

namespace {
constexpr Field kSequentialFields[] = {
    {.key = "arl",
     .type = number({.min = 10, .max = 1e9, .problem = "a number from 10 to 1e9 (windows)"}),
     .default_json = "1000",
     .description = "Windows between false alarms on average, per feature."},
    {.key = "k",
     .type = number({.min = 0, .min_exclusive = true, .max = 4,
                     .problem = "a number greater than 0 and at most 4"}),
     .default_json = "0.5",
     .description = "Reference value: half the shift of z the rule is tuned to."},
};
}  // namespace

constexpr ObjectSpec kSequential{
    .name = "sequential",
    .description = "A CUSUM of the windows' evidence: fires once the evidence of consecutive "
                   "windows adds up.",
    .fields = kSequentialFields};

namespace {
constexpr Field kAlertFields[] = {
    {.key = "metric", .type = one_of(kMetrics), .presence = kRequired,
     .description = "The measure watched: a feature's or pair's histogram measure, a pair's "
       "kl_marginal or kl_conditional, a group's gaussian_*."},
    {.key = "warn", .type = number(kNonNegative), .presence = kRequired,
     .description = "The level of a warning."},
    {.key = "critical", .type = number(kNonNegative), .presence = kRequired,
     .description = "The level of a critical alert, at least warn."},
    {.key = "for", .type = integer_from(1, kU32Max), .default_json = "1",
     .description = "Consecutive windows at or above a level before it fires; not with sequential."
     },
    {.key = "min_samples", .type = integer_from(0, kU64Max), .default_json = "0",
     .description = "Only windows with at least this many values are evaluated."},
    {.key = "max_p_value", .type = number(kPValue),
     .description = "Fire only when the metric's p-value is at most this; absent: no p-value "
       "condition."},
    {.key = "resolve_below", .type = number(kNonNegative),
     .description = "A window below this is clean; at most warn; absent: warn."},
    {.key = "resolve_p_value", .type = number(kPValue),
     .description = "A window whose p-value is above this is clean; at least max_p_value; absent: "
       "max_p_value."},
    {.key = "resolve_after", .type = integer_from(1, kU32Max), .default_json = "1",
     .description = "Consecutive clean windows that resolve a firing alert."},
    {.key = "sequential", .type = object(kSequential),
     .description = "Fire on accumulated evidence instead of one window's p-value."},
    {.key = "features",
     .type = array_of(kFeatureName, {.min_items = 1,
                                     .too_few = "must name at least one feature",
                                     .duplicate = "duplicate feature"}),
     .description = "Distinct names of the stream's features, pairs or groups the metric is "
       "measured on; absent: every subject the metric is measured on."},
};

constexpr Condition kAlertConditions[] = {
    {.field = "for", .when = "sequential", .refuse = true,
     .problem = "not allowed with \"sequential\" (the CUSUM decides when to fire)"},
};
}  // namespace

constexpr ObjectSpec kAlert{.name = "alert",
                            .description = "An alert rule: fire, escalate and resolve on a "
                                           "metric of the stream's windows.",
                            .fields = kAlertFields,
                            .conditions = kAlertConditions};

// ---------------------------------------------------------------- streams

namespace {
constexpr ValueType kFeatureObject = object(kFeature);
constexpr ValueType kGroupObject = object(kGroup);
constexpr ValueType kPairObject = object(kPair);
constexpr ValueType kAlertObject = object(kAlert);

constexpr Field kStreamFields[] = {
    {.key = "name", .type = formatted(StringFormat::name), .presence = kRequired,
     .description = "Unique among the streams: 1 to 64 characters of A-Z a-z 0-9 _ . -."},
    {.key = "source", .type = object(kSource), .presence = kRequired,
     .description = "Where the events come from."},
    {.key = "event_time", .type = object(kEventTime),
     .description = "Where an event's time is read; absent: windows close on processing time. Not "
       "with count windows."},
    {.key = "window", .type = object(kWindow), .presence = kRequired,
     .description = "How events are grouped into the windows compared with the reference."},
    {.key = "reference", .type = object(kReference), .default_json = "{\"type\": \"capture\"}",
     .description = "The distribution windows are compared with."},
    {.key = "smoothing_alpha",
     .type = number({.min = 0,
                     .max = kMaxSmoothingAlpha,
                     .problem = "a number >= 0",
                     .above_max = "must be at most 1e300 (the smoothed probabilities (c + "
                                  "alpha) / (n + bins * alpha) need n + bins * alpha finite)"}),
     .default_json = "0.5",
     .description = "Additive smoothing of both histograms (docs/metrics.md)."},
    {.key = "fdr",
     .type = number({.min = 0, .min_exclusive = true, .max = 1, .max_exclusive = true,
                     .problem = "a number greater than 0 and less than 1"}),
     .description = "Benjamini-Hochberg level across the stream's features in each window, "
       "replacing the rules' max_p_value; absent: off."},
    {.key = "features",
     .type = array_of(kFeatureObject,
                      {.min_items = 1, .too_few = "must hold at least one feature"}),
     .presence = kRequired,
     .description = "The monitored fields of the events; names unique in the stream."},
    {.key = "groups",
     .type = array_of(kGroupObject, {.max_items = kMaxGroupsPerStream,
                                     .too_many = "must hold at most 16 groups"}),
     .description = "Numeric features compared jointly."},
    {.key = "pairs",
     .type = array_of(kPairObject, {.max_items = kMaxPairsPerStream,
                                    .too_many = "must hold at most 64 pairs"}),
     .description = "The distribution of a feature given another."},
    {.key = "alerts", .type = array_of(kAlertObject),
     .description = "Alert rules; absent: the default rule (config/README.md); []: none."},
};
}  // namespace

constexpr ObjectSpec kStream{.name = "stream",
                             .description = "One monitored stream of events.",
                             .fields = kStreamFields};

// ---------------------------------------------------------------- the whole file

namespace {
constexpr ValueType kStreamObject = object(kStream);

constexpr Field kConfigurationFields[] = {
    {.key = "$schema", .type = text(),
     .description = "The JSON Schema of this file, for editors (driftd --print-config-schema); "
       "driftd ignores it.", .ignored = true},
    {.key = "storage", .type = object(kStorage), .presence = kRequired,
     .description = "The SQLite database."},
    {.key = "http", .type = object(kHttp), .default_json = "{}",
     .description = "The HTTP API and ingest."},
    {.key = "kafka", .type = object(kKafka),
     .description = "The Kafka consumer group; needed when a stream has a kafka source."},
    {.key = "webhooks", .type = object(kWebhooks), .default_json = "{}",
     .description = "Webhook deliveries of alerts."},
    {.key = "alertmanager", .type = object(kAlertmanager),
     .description = "Deliveries of alerts to Prometheus Alertmanager; absent: none."},
    {.key = "cluster", .type = object(kCluster),
     .description = "Cluster mode: several driftd instances as one monitor over Kafka; absent: "
       "one instance on its own."},
    {.key = "streams",
     .type = array_of(kStreamObject, {.min_items = 1, .too_few = "must hold at least one stream"}),
     .presence = kRequired,
     .description = "The monitored streams; names unique."},
};

constexpr Condition kConfigurationConditions[] = {
    {.field = "kafka", .when = "cluster",
     .problem = "needs the top-level \"kafka\" section: instances share their work through Kafka",
     .at_when = true},
};

constexpr std::string_view kRulesBeyondTheTable[] = {
    "a stream with a kafka source needs the top-level kafka section",
    "in cluster mode (a cluster section) every stream has a kafka source and a tumbling or "
    "sliding window, and kafka.instance_id is not \"\"",
    "the cluster section's four topics, defaults included, are distinct from each other, from "
    "every stream's source topic and from kafka.alert_topic, and its owner_group_id is not "
    "kafka.group_id",
    "stream names are unique",
    "a stream's features, groups and pairs have distinct names",
    "a group's features are numeric features of its stream",
    "a pair's x and y are features of its stream, and its joint table has at most 65536 cells "
    "(the most bins of x times the most bins of y)",
    "an alert's features name features, pairs or groups of its stream that its metric is "
    "measured on; without features the stream has subjects of the metric's kind",
    "an alert's critical >= warn, resolve_below <= warn and resolve_p_value >= max_p_value",
    "http.max_inflight_body_bytes >= http.max_body_bytes",
    "webhooks.retry_max >= webhooks.retry_initial, alertmanager.retry_max >= "
    "alertmanager.retry_initial",
    "alertmanager has at most one of bearer_token_file and basic_auth; its url and external_url "
    "are http:// or https:// base URLs (a host, no query or fragment)",
    "event_time.kafka_timestamp needs a kafka source, and event_time is not allowed with count "
    "windows",
    "a sliding window's size is a multiple of its slide and at most 4096 slides",
    "window.allowed_lateness needs event_time and is at most 4093 panes",
    "reference.min_values <= reference.events",
    "a feature's edges are strictly increasing",
    "durations are within the bounds their description gives",
    "http.listen is a valid IPv4 address, bracketed IPv6 address or host name",
    "kafka.properties are accepted by librdkafka, and the http.tls files and webhooks.ca_file "
    "are readable PEM",
};
}  // namespace

constexpr ObjectSpec kConfiguration{
    .name = "driftd",
    .description = "The configuration of driftd, the streaming data-drift monitor "
                   "(config/README.md). JSON with // and /* */ comments.",
    .fields = kConfigurationFields,
    .conditions = kConfigurationConditions};

std::span<const std::string_view> rules_beyond_the_table() { return kRulesBeyondTheTable; }

}  // namespace driftd::config::schema
