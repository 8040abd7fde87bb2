#include "config/config_schema_table.h"

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
constexpr Presence kOptional = Presence::optional;

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
    {"path", file(), kRequired, {},
     "SQLite database file; a relative path is relative to the daemon's working directory."},
    {"synchronous", one_of(kSyncModes), kOptional, "\"full\"", "SQLite PRAGMA synchronous."},
    {"checkpoint_interval", timer(), kOptional, "\"10s\"",
     "How often open windows are checkpointed."},
    {"retention", timespan(), kOptional, {},
     "Window rows older than this are folded into hourly rollups and deleted; absent: every "
     "window row is kept."},
    {"hourly_retention", timespan(), kOptional, "\"90d\"",
     "With retention: hourly rollups older than this are folded into daily ones, which are "
     "kept."},
    {"event_retention", timespan(), kOptional, "\"90d\"",
     "Alert events and webhook attempt logs older than this are deleted once every subscriber "
     "and the Kafka alert topic is past them."},
};
}  // namespace

constexpr ObjectSpec kStorage{
    .name = "storage",
    .description = "The SQLite database that holds windows, metrics, alerts and source positions.",
    .fields = kStorageFields};

// ---------------------------------------------------------------- http

namespace {
constexpr Field kTlsFields[] = {
    {"certificate", file(), kRequired, {},
     "PEM file: the server certificate, then any intermediates."},
    {"private_key", file(), kRequired, {}, "PEM file, unencrypted, matching the certificate."},
};
}  // namespace

constexpr ObjectSpec kTls{
    .name = "tls",
    .description = "The API (every route) over HTTPS only; SIGHUP reloads both files.",
    .fields = kTlsFields};

namespace {
constexpr Field kHttpFields[] = {
    {"listen", formatted(StringFormat::listen_address), kOptional, "\"127.0.0.1:8080\"",
     "\"host:port\" to listen on, IPv6 as \"[::1]:8080\"; port 0 lets the kernel choose."},
    {"auth_token", formatted(StringFormat::auth_token), kOptional, {},
     "Bearer token every request must carry: at least 16 characters, no spaces or control "
     "characters; absent: no authentication."},
    {"max_body_bytes", integer_from(1, kMaxBodyBytes), kOptional, "16777216",
     "Largest ingest request body, in bytes."},
    {"max_inflight_body_bytes", integer_from(1, kU64Max), kOptional, "268435456",
     "Request body bytes held at once across all connections, at least max_body_bytes; a "
     "request whose body does not fit is answered 503."},
    {"max_connections", integer_from(1, kU32Max), kOptional, "1024", "Open connections at most."},
    {"max_event_streams", integer_from(1, kU32Max), kOptional, "1000",
     "Open server-sent event streams (/v1/alerts/stream) at most; more are answered 503."},
    {"idle_timeout", timer(), kOptional, "\"60s\"",
     "Idle keep-alive connections are closed after this."},
    {"read_threads", integer(1, kMaxReadThreads), kOptional, "2",
     "Threads that run the historical queries, each with its own read-only SQLite connection."},
    {"read_queue", integer_from(0, kU32Max), kOptional, "64",
     "Historical queries waiting for a read thread; more are answered 503."},
    {"read_time_budget", timer(), kOptional, "\"5s\"", "How long one historical query may run."},
    {"ingest_ack", one_of(kIngestAcks), kOptional, "\"durable\"",
     "When ingest is answered 202: \"durable\", once its events are committed to SQLite; "
     "\"received\", once they are recorded in memory."},
    {"tls", object(kTls), kOptional, {}, "HTTPS; absent: plain HTTP."},
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
    {"brokers", non_empty_text(), kRequired, {}, "librdkafka bootstrap.servers."},
    {"group_id", non_empty_text(), kRequired, {}, "The consumer group."},
    {"instance_id", formatted(StringFormat::kafka_instance_id), kOptional, {},
     "This instance's group.instance.id (static membership); absent: derived from the host, "
     "group, topics and database; \"\": dynamic membership."},
    {"properties", string_map(kReservedProperties), kOptional, "{}",
     "Extra librdkafka settings, string to string; those driftd sets itself are refused."},
    {"poll_batch", integer_from(1, kMaxPollBatch), kOptional, "1000",
     "Messages per consumer poll."},
    {"threads", integer_from(1, kMaxKafkaThreads), kOptional, "1",
     "Consumer threads the assigned partitions are spread over."},
    {"alert_topic", formatted(StringFormat::kafka_topic), kOptional, {},
     "Kafka topic every alert event is produced to; absent: none."},
};
}  // namespace

constexpr ObjectSpec kKafka{
    .name = "kafka",
    .description = "The Kafka consumer group; needed when a stream has a kafka source.",
    .fields = kKafkaFields};

// ---------------------------------------------------------------- webhooks

namespace {
constexpr Field kWebhooksFields[] = {
    {"allowlist", array_of(kNonEmptyText), kOptional, {},
     "\"host\" or \"host:port\" targets subscriptions may use; absent: any target."},
    {"timeout", timer(), kOptional, "\"10s\"", "One delivery attempt, connect to answer."},
    {"retry_initial", timer(), kOptional, "\"1s\"",
     "The first retry's delay (doubling, with jitter)."},
    {"retry_max", timer(), kOptional, "\"5m\"",
     "The longest delay between attempts, at least retry_initial."},
    {"ca_file", file(), kOptional, {},
     "PEM file of the certificate authorities https targets are verified against; absent: the "
     "system trust store."},
    {"max_subscriptions", integer(1, kMaxSubscriptions), kOptional, "100",
     "Live subscriptions at most; more are answered 409."},
};
}  // namespace

constexpr ObjectSpec kWebhooks{
    .name = "webhooks",
    .description = "Alert deliveries to webhook subscriptions (POST /v1/subscriptions).",
    .fields = kWebhooksFields};

// ---------------------------------------------------------------- a stream's parts

namespace {
constexpr std::string_view kKafkaOnly[] = {"kafka"};

constexpr Field kSourceFields[] = {
    {"type", one_of(kSourceTypes), kRequired, {},
     "\"kafka\": a topic of the kafka section's brokers; \"http\": POST "
     "/v1/streams/{name}/events."},
    {"topic", formatted(StringFormat::kafka_topic), kRequired, {}, "The Kafka topic.", kKafkaOnly},
};
}  // namespace

constexpr ObjectSpec kSource{.name = "source",
                             .description = "Where a stream's events come from.",
                             .fields = kSourceFields,
                             .discriminator = "type"};

namespace {
constexpr Field kEventTimeFields[] = {
    {"field", formatted(StringFormat::json_pointer), kOptional, {},
     "JSON Pointer to a number in the event: its time."},
    {"unit", one_of(kTimeUnits), kOptional, "\"ms\"",
     "The unit of field's number, since the Unix epoch."},
    {"kafka_timestamp", boolean(), kOptional, "false",
     "true: the Kafka message timestamp (ms) is the event time; kafka sources only."},
    {"max_future", timespan(), kOptional, "\"1h\"",
     "An event later than the clock at ingest plus this is rejected as invalid_event_time."},
    {"idle_timeout", duration({false, Duration{kMaxTimestampMs}, kTimestampLimit}), kOptional,
     "\"10s\"",
     "Kafka sources: how long a partition with nothing to read still holds the watermark back "
     "while others deliver; \"0s\": never."},
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
    {"type", one_of(kWindowTypes), kRequired, {},
     "\"tumbling\" and \"sliding\" windows close on time, \"count\" windows on the number of "
     "events."},
    {"size", timespan(), kRequired, {},
     "The window's length; for sliding windows a multiple of slide, at most 4096 slides.",
     kTimeWindows},
    {"slide", timespan(), kRequired, {}, "How far a sliding window moves.", kSlidingOnly},
    {"events", integer_from(1, kMaxEvents), kRequired, {}, "Events per window.", kCountOnly},
    {"allowed_lateness", duration({}), kOptional, "\"0s\"",
     "With event_time only: how late an event may be and still count; at most 4093 panes "
     "(slide, or size for tumbling windows).",
     kTimeWindows},
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
    {"type", one_of(kReferenceTypes), kRequired, {},
     "\"capture\": learnt from the stream's first events; \"file\": read from a CSV or NDJSON "
     "file."},
    {"events", integer_from(1, kMaxEvents), kOptional, {},
     "Events captured; absent: the first closed window.", kCaptureOnly},
    {"min_values", integer_from(1, kMaxEvents), kOptional, "10",
     "Values a feature needs in the capture to get a reference, at most events (absent: 10, or "
     "events when smaller).",
     kCaptureOnly},
    {"path", file(), kRequired, {}, "CSV or NDJSON file, a regular file of at most 64 MiB.",
     kFileOnly},
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
    {"name", formatted(StringFormat::name), kRequired, {},
     "Unique in the stream: 1 to 64 characters of A-Z a-z 0-9 _ . -."},
    {"path", formatted(StringFormat::json_pointer), kRequired, {},
     "JSON Pointer to the value in the event."},
    {"type", one_of(kFeatureTypes), kRequired, {}, "Numbers in bins, or categories."},
    {"bins", integer(2, kMaxBins), kOptional, "20",
     "Number of bins; not with binning \"edges\".", kNumericOnly},
    {"binning", one_of(kBinnings), kOptional, "\"quantile\"",
     "Where bin edges go: reference quantiles, uniform over the reference's range, or edges.",
     kNumericOnly},
    {"edges",
     array_of(kEdge, {.min_items = 1, .too_few = "must hold at least one edge",
                      .max_items = kMaxBins - 1,
                      .too_many = "must hold at most 4095 edges (4096 bins)"}),
     kOptional, {},
     "Interior bin edges, finite and strictly increasing: n edges make n + 1 bins; with "
     "binning \"edges\" only, and then required.",
     kNumericOnly},
    {"gaussian", boolean(), kOptional, "true", "Also compute the Gaussian KL.", kNumericOnly},
    {"max_categories", integer(1, kMaxCategories), kOptional, "50",
     "The most frequent reference categories kept, plus one __other__ bin.", kCategoricalOnly},
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
    {"name", formatted(StringFormat::view_name), kRequired, {},
     "Unique among the stream's features, groups and pairs: 1 to 64 characters of A-Z a-z 0-9 "
     "_ . - |."},
    {"features",
     array_of(kFeatureName,
              {.min_items = 2,
               .too_few = "must name at least 2 features (one feature is compared on its own)",
               .max_items = kMaxGroupFeatures,
               .too_many = "must name at most 64 features",
               .duplicate = "duplicate feature"}),
     kRequired, {}, "Distinct numeric features of the stream."},
    {"type", one_of(kGroupTypes), kOptional, "\"gaussian\"",
     "\"gaussian\": the multivariate normal fitted to the group."},
    {"ridge", number({.min = 0, .max = 1, .problem = "a number from 0 to 1"}), kOptional, "0",
     "0: a singular covariance is reported as such; > 0: ridge times each feature's reference "
     "variance is added to the covariances' diagonals."},
};
}  // namespace

constexpr ObjectSpec kGroup{.name = "group",
                            .description = "Numeric features compared as one joint distribution.",
                            .fields = kGroupFields};

namespace {
constexpr Field kPairFields[] = {
    {"name", formatted(StringFormat::view_name), kRequired, {},
     "Unique among the stream's features, groups and pairs: 1 to 64 characters of A-Z a-z 0-9 "
     "_ . - |."},
    {"x", text(), kRequired, {}, "A feature of the stream: the conditioning variable."},
    {"y", text(), kRequired, {}, "A feature of the stream other than x."},
};
}  // namespace

constexpr ObjectSpec kPair{.name = "pair",
                           .description = "The distribution of feature y given feature x.",
                           .fields = kPairFields};

namespace {
constexpr Field kSequentialFields[] = {
    {"arl", number({.min = 10, .max = 1e9, .problem = "a number from 10 to 1e9 (windows)"}),
     kOptional, "1000", "Windows between false alarms on average, per feature."},
    {"k",
     number({.min = 0, .min_exclusive = true, .max = 4,
             .problem = "a number greater than 0 and at most 4"}),
     kOptional, "0.5", "Reference value: half the shift of z the rule is tuned to."},
};
}  // namespace

constexpr ObjectSpec kSequential{
    .name = "sequential",
    .description = "A CUSUM of the windows' evidence: fires once the evidence of consecutive "
                   "windows adds up.",
    .fields = kSequentialFields};

namespace {
constexpr Field kAlertFields[] = {
    {"metric", one_of(kMetrics), kRequired, {},
     "The measure watched: a feature's or pair's histogram measure, a pair's kl_marginal or "
     "kl_conditional, a group's gaussian_*."},
    {"warn", number(kNonNegative), kRequired, {}, "The level of a warning."},
    {"critical", number(kNonNegative), kRequired, {},
     "The level of a critical alert, at least warn."},
    {"for", integer_from(1, kU32Max), kOptional, "1",
     "Consecutive windows at or above a level before it fires; not with sequential."},
    {"min_samples", integer_from(0, kU64Max), kOptional, "0",
     "Only windows with at least this many values are evaluated."},
    {"max_p_value", number(kPValue), kOptional, {},
     "Fire only when the metric's p-value is at most this; absent: no p-value condition."},
    {"resolve_below", number(kNonNegative), kOptional, {},
     "A window below this is clean; at most warn; absent: warn."},
    {"resolve_p_value", number(kPValue), kOptional, {},
     "A window whose p-value is above this is clean; at least max_p_value; absent: "
     "max_p_value."},
    {"resolve_after", integer_from(1, kU32Max), kOptional, "1",
     "Consecutive clean windows that resolve a firing alert."},
    {"sequential", object(kSequential), kOptional, {},
     "Fire on accumulated evidence instead of one window's p-value."},
    {"features",
     array_of(kFeatureName, {.min_items = 1,
                             .too_few = "must name at least one feature",
                             .duplicate = "duplicate feature"}),
     kOptional, {},
     "Distinct names of the stream's features, pairs or groups the metric is measured on; "
     "absent: every subject the metric is measured on."},
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
    {"name", formatted(StringFormat::name), kRequired, {},
     "Unique among the streams: 1 to 64 characters of A-Z a-z 0-9 _ . -."},
    {"source", object(kSource), kRequired, {}, "Where the events come from."},
    {"event_time", object(kEventTime), kOptional, {},
     "Where an event's time is read; absent: windows close on processing time. Not with count "
     "windows."},
    {"window", object(kWindow), kRequired, {},
     "How events are grouped into the windows compared with the reference."},
    {"reference", object(kReference), kOptional, "{\"type\": \"capture\"}",
     "The distribution windows are compared with."},
    {"smoothing_alpha",
     number({.min = 0, .max = kMaxSmoothingAlpha, .problem = "a number >= 0",
             .above_max = "must be at most 1e300 (the smoothed probabilities (c + alpha) / "
                          "(n + bins * alpha) need n + bins * alpha finite)"}),
     kOptional, "0.5", "Additive smoothing of both histograms (docs/metrics.md)."},
    {"fdr",
     number({.min = 0, .min_exclusive = true, .max = 1, .max_exclusive = true,
             .problem = "a number greater than 0 and less than 1"}),
     kOptional, {},
     "Benjamini-Hochberg level across the stream's features in each window, replacing the "
     "rules' max_p_value; absent: off."},
    {"features", array_of(kFeatureObject, {.min_items = 1,
                                           .too_few = "must hold at least one feature"}),
     kRequired, {}, "The monitored fields of the events; names unique in the stream."},
    {"groups",
     array_of(kGroupObject, {.max_items = kMaxGroupsPerStream,
                             .too_many = "must hold at most 16 groups"}),
     kOptional, {}, "Numeric features compared jointly."},
    {"pairs",
     array_of(kPairObject, {.max_items = kMaxPairsPerStream,
                            .too_many = "must hold at most 64 pairs"}),
     kOptional, {}, "The distribution of a feature given another."},
    {"alerts", array_of(kAlertObject), kOptional, {},
     "Alert rules; absent: the default rule (config/README.md); []: none."},
};
}  // namespace

constexpr ObjectSpec kStream{.name = "stream",
                             .description = "One monitored stream of events.",
                             .fields = kStreamFields};

// ---------------------------------------------------------------- the whole file

namespace {
constexpr ValueType kStreamObject = object(kStream);

constexpr Field kConfigurationFields[] = {
    {"$schema", text(), kOptional, {},
     "The JSON Schema of this file, for editors (driftd --print-config-schema); driftd "
     "ignores it.",
     {}, true},
    {"storage", object(kStorage), kRequired, {}, "The SQLite database."},
    {"http", object(kHttp), kOptional, "{}", "The HTTP API and ingest."},
    {"kafka", object(kKafka), kOptional, {},
     "The Kafka consumer group; needed when a stream has a kafka source."},
    {"webhooks", object(kWebhooks), kOptional, "{}", "Webhook deliveries of alerts."},
    {"streams", array_of(kStreamObject, {.min_items = 1,
                                         .too_few = "must hold at least one stream"}),
     kRequired, {}, "The monitored streams; names unique."},
};

constexpr std::string_view kRulesBeyondTheTable[] = {
    "a stream with a kafka source needs the top-level kafka section",
    "stream names are unique",
    "a stream's features, groups and pairs have distinct names",
    "a group's features are numeric features of its stream",
    "a pair's x and y are features of its stream, and its joint table has at most 65536 cells "
    "(the most bins of x times the most bins of y)",
    "an alert's features name features, pairs or groups of its stream that its metric is "
    "measured on; without features the stream has subjects of the metric's kind",
    "an alert's critical >= warn, resolve_below <= warn and resolve_p_value >= max_p_value",
    "http.max_inflight_body_bytes >= http.max_body_bytes",
    "webhooks.retry_max >= webhooks.retry_initial",
    "event_time.kafka_timestamp needs a kafka source, and event_time is not allowed with count "
    "windows",
    "a sliding window's size is a multiple of its slide and at most 4096 slides",
    "window.allowed_lateness needs event_time and is at most 4093 panes",
    "reference.min_values <= reference.events",
    "a feature's edges are strictly increasing",
    "durations are at most the maximum their description gives",
    "http.listen is a valid IPv4 address, bracketed IPv6 address or host name",
    "kafka.properties are accepted by librdkafka, and the http.tls files and webhooks.ca_file "
    "are readable PEM",
};
}  // namespace

constexpr ObjectSpec kConfiguration{
    .name = "driftd",
    .description = "The configuration of driftd, the streaming data-drift monitor "
                   "(config/README.md). JSON with // and /* */ comments.",
    .fields = kConfigurationFields};

std::span<const std::string_view> rules_beyond_the_table() { return kRulesBeyondTheTable; }

}  // namespace driftd::config::schema
