#include "config/config_parser.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <string>

#include "common/timer_limit.h"
#include "config/config_error.h"
#include "config/json_pointer.h"
#include "config/json_reader.h"
#include "config/listen_address.h"
#include "window/window_limits.h"

namespace driftd::config {
namespace {

using detail::Json;
using detail::Node;
using detail::ObjectReader;

constexpr std::uint64_t kU32Max = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t kMaxBins = 4096;
constexpr std::uint64_t kMaxCategories = 4096;
constexpr std::size_t kMinAuthTokenLength = 16;
constexpr std::uint64_t kMaxReadThreads = 64;

// The limits of config/README.md ("Limits"), each derived from what the code
// that uses the value can hold.
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
constexpr Duration kMaxTimestampDuration{kMaxTimestampMs};
constexpr std::string_view kTimerLimit =
    "timers count nanoseconds in 64 bits: 2^62 ns, about 146 years, is the longest";
constexpr std::string_view kTimestampLimit =
    "timestamps and their differences stay within 2^62 - 1 ms, about 146 million years";

// A duration a timer, deadline or wait is set with (common/timer_limit.h).
Duration read_timer(const Node& node) {
  return node.positive_duration(kMaxTimerDuration, kTimerLimit);
}

// A duration subtracted from or added to timestamps (windows, retention).
Duration read_span(const Node& node) {
  return node.positive_duration(kMaxTimestampDuration, kTimestampLimit);
}

const ObjectReader::Handler kAlreadyRead = [](const Node&) {};

// Shortest text that reads back to `value`: 0.05 -> "0.05".
std::string format_number(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

// `text` in double quotes; '"', '\\' and control characters escaped as in
// JSON, so that a name as written (an alert's or a group's feature) keeps the
// message on one line.
std::string in_quotes(std::string_view text) {
  std::string out = "\"";
  append_escaped(out, text);
  out += '"';
  return out;
}

std::string not_allowed_for(std::string_view field, std::string_view value) {
  return "not allowed when " + std::string(field) + " is " + in_quotes(value);
}

// The member `key`, which must be present ("required field is missing").
Node discriminator(const ObjectReader& reader, std::string_view key) {
  std::optional<Node> node = reader.member(key);
  if (!node) throw ConfigError(append_key(reader.node().path(), key), "required field is missing");
  return *node;
}

std::uint32_t to_u32(std::uint64_t value) { return static_cast<std::uint32_t>(value); }

// Stream and feature names: [A-Za-z0-9_.-]{1,64}. Group and pair names
// (`with_bar`) may also hold '|', as in "amount|hour".
std::string read_name(const Node& node, bool with_bar = false) {
  std::string name = node.string();
  const bool valid = !name.empty() && name.size() <= 64 &&
                     std::all_of(name.begin(), name.end(), [&](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' ||
                              (with_bar && c == '|');
                     });
  if (!valid && with_bar) {
    node.fail("must be 1 to 64 characters from A-Z, a-z, 0-9, '_', '.', '-' and '|'");
  }
  if (!valid) node.fail("must be 1 to 64 characters from A-Z, a-z, 0-9, '_', '.' and '-'");
  return name;
}

std::string read_json_pointer(const Node& node) {
  std::string pointer = node.string();
  std::string problem;
  if (!parse_json_pointer(pointer, problem)) node.fail(problem);
  return pointer;
}

double read_non_negative(const Node& node) {
  if (!node.json().is_number() || !(node.number() >= 0)) node.fail("must be a number >= 0");
  return node.number();
}

// A number for which `accepts` holds; else "must be " + what.
template <class Accepts>
double read_number_where(const Node& node, Accepts accepts, const char* what) {
  if (!node.json().is_number() || !accepts(node.number())) node.fail(std::string("must be ") + what);
  return node.number();
}

// A p-value threshold, in (0, 1].
double read_p_value(const Node& node) {
  return read_number_where(node, [](double p) { return p > 0 && p <= 1; },
                           "a number greater than 0 and at most 1");
}

// ---------------------------------------------------------------- storage

StorageConfig read_storage(const Node& node) {
  StorageConfig out;
  ObjectReader reader(node);
  reader.required("path", [&](const Node& n) { out.path = n.file_path(); })
      .optional("synchronous", [&](const Node& n) { out.synchronous = n.choice(kSyncModeNames); })
      .optional("checkpoint_interval",
                [&](const Node& n) { out.checkpoint_interval = read_timer(n); })
      .optional("retention", [&](const Node& n) { out.retention = read_span(n); })
      .optional("hourly_retention", [&](const Node& n) { out.hourly_retention = read_span(n); })
      .optional("event_retention", [&](const Node& n) { out.event_retention = read_span(n); });
  reader.read();
  return out;
}

// ---------------------------------------------------------------- http

TlsConfig read_tls(const Node& node) {
  TlsConfig out;
  ObjectReader reader(node);
  reader.required("certificate", [&](const Node& n) { out.certificate = n.file_path(); })
      .required("private_key", [&](const Node& n) { out.private_key = n.file_path(); });
  reader.read();
  return out;
}

HttpConfig read_http(const Node& node) {
  HttpConfig out;
  ObjectReader reader(node);
  reader
      .optional("listen",
                [&](const Node& n) {
                  std::string problem;
                  std::optional<ListenAddress> address = parse_listen_address(n.string(), problem);
                  if (!address) n.fail(problem);
                  out.listen = std::move(*address);
                })
      .optional("auth_token",
                [&](const Node& n) {
                  std::string token = n.string();
                  if (token.size() < kMinAuthTokenLength) {
                    n.fail("must be at least " + std::to_string(kMinAuthTokenLength) +
                           " characters long");
                  }
                  const bool clean = std::all_of(token.begin(), token.end(), [](char c) {
                    return static_cast<unsigned char>(c) > 0x20 && c != 0x7f;
                  });
                  if (!clean) n.fail("must not contain spaces or control characters");
                  out.auth_token = std::move(token);
                })
      .optional("max_body_bytes",
                [&](const Node& n) { out.max_body_bytes = n.integer(1, kMaxBodyBytes, true); })
      .optional("max_inflight_body_bytes",
                [&](const Node& n) { out.max_inflight_body_bytes = n.integer(1, kU64Max, true); })
      .optional("max_connections",
                [&](const Node& n) { out.max_connections = to_u32(n.integer(1, kU32Max, true)); })
      .optional("max_event_streams",
                [&](const Node& n) { out.max_event_streams = to_u32(n.integer(1, kU32Max, true)); })
      .optional("idle_timeout", [&](const Node& n) { out.idle_timeout = read_timer(n); })
      .optional("read_threads",
                [&](const Node& n) { out.read_threads = to_u32(n.integer(1, kMaxReadThreads)); })
      .optional("read_queue",
                [&](const Node& n) { out.read_queue = to_u32(n.integer(0, kU32Max, true)); })
      .optional("read_time_budget", [&](const Node& n) { out.read_time_budget = read_timer(n); })
      .optional("ingest_ack", [&](const Node& n) { out.ingest_ack = n.choice(kIngestAckNames); })
      .optional("tls", [&](const Node& n) { out.tls = read_tls(n); });
  reader.read();
  if (out.max_inflight_body_bytes < out.max_body_bytes) {
    throw ConfigError(append_key(node.path(), "max_inflight_body_bytes"),
                      "must be at least max_body_bytes (" + std::to_string(out.max_body_bytes) +
                          "), or no body of the largest allowed size could ever be taken");
  }
  return out;
}

// ---------------------------------------------------------------- kafka

// librdkafka settings driftd sets itself, and why.
struct ReservedProperty {
  std::string_view key;
  std::string_view problem;
};
constexpr std::array<ReservedProperty, 4> kReservedProperties{{
    {"bootstrap.servers", "is set by driftd from kafka.brokers"},
    {"group.id", "is set by driftd from kafka.group_id"},
    {"enable.auto.offset.store",
     "is set by driftd (offsets are stored only after their window is committed)"},
    {"enable.auto.commit",
     "is set by driftd (offsets are committed only after their window is committed)"},
}};

std::map<std::string, std::string> read_properties(const Node& node) {
  if (!node.json().is_object()) node.fail("must be an object");
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : node.json().items()) {
    const Node property(value, append_key(node.path(), key));
    for (const ReservedProperty& reserved : kReservedProperties) {
      if (key == reserved.key) property.fail(std::string(reserved.problem));
    }
    out[key] = property.string();
  }
  return out;
}

// A name Kafka accepts for a topic or a group.instance.id.
bool is_kafka_name(std::string_view name) {
  return !name.empty() && name.size() <= 249 && name != "." && name != ".." &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-';
         });
}

std::string read_topic(const Node& node);

std::string read_instance_id(const Node& node) {
  std::string id = node.string();
  if (!id.empty() && !is_kafka_name(id)) {
    node.fail(
        "must be \"\" (dynamic membership) or a group.instance.id: 1 to 249 characters from A-Z, "
        "a-z, 0-9, '_', '.' and '-'");
  }
  return id;
}

KafkaConfig read_kafka(const Node& node) {
  KafkaConfig out;
  ObjectReader reader(node);
  reader.required("brokers", [&](const Node& n) { out.brokers = n.non_empty_string(); })
      .required("group_id", [&](const Node& n) { out.group_id = n.non_empty_string(); })
      .optional("instance_id", [&](const Node& n) { out.instance_id = read_instance_id(n); })
      .optional("properties", [&](const Node& n) { out.properties = read_properties(n); })
      .optional("poll_batch",
                [&](const Node& n) { out.poll_batch = to_u32(n.integer(1, kMaxPollBatch, true)); })
      .optional("threads",
                [&](const Node& n) { out.threads = to_u32(n.integer(1, kMaxKafkaThreads, true)); })
      .optional("alert_topic", [&](const Node& n) { out.alert_topic = read_topic(n); });
  reader.read();
  return out;
}

// ---------------------------------------------------------------- webhooks

WebhookConfig read_webhooks(const Node& node) {
  WebhookConfig out;
  ObjectReader reader(node);
  reader
      .optional("allowlist",
                [&](const Node& n) {
                  std::vector<std::string> targets;
                  for (const Node& element : n.elements()) {
                    targets.push_back(element.non_empty_string());
                  }
                  out.allowlist = std::move(targets);
                })
      .optional("timeout", [&](const Node& n) { out.timeout = read_timer(n); })
      .optional("retry_initial", [&](const Node& n) { out.retry_initial = read_timer(n); })
      .optional("retry_max", [&](const Node& n) { out.retry_max = read_timer(n); })
      .optional("ca_file", [&](const Node& n) { out.ca_file = n.file_path(); })
      .optional("max_subscriptions", [&](const Node& n) {
        out.max_subscriptions = to_u32(n.integer(1, kMaxSubscriptions));
      });
  reader.read();
  if (out.retry_max < out.retry_initial) {
    throw ConfigError(append_key(node.path(), "retry_max"),
                      "must be at least retry_initial (" + format_duration(out.retry_initial) +
                          ")");
  }
  return out;
}

// ---------------------------------------------------------------- alertmanager

AlertmanagerConfig read_alertmanager(const Node& node) {
  // An http:// or https:// base URL that a path can be appended to: no query
  // or fragment; trailing '/' removed. (The notifier parses it in full.)
  const auto read_base_url = [](const Node& n) {
    std::string url = n.non_empty_string();
    const std::size_t separator = url.find("://");
    std::string scheme = url.substr(0, separator);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (separator == std::string::npos || (scheme != "http" && scheme != "https")) {
      n.fail("must start with http:// or https://");
    }
    if (url.find_first_of("?#") != std::string::npos) {
      n.fail("must be a base URL without query ('?') or fragment ('#'): paths are appended to it");
    }
    while (url.back() == '/') url.pop_back();
    if (url.size() <= separator + 3) n.fail("needs a host");
    return url;
  };
  AlertmanagerConfig out;
  ObjectReader reader(node);
  reader.required("url", [&](const Node& n) { out.url = read_base_url(n); })
      .optional("bearer_token_file",
                [&](const Node& n) { out.bearer_token_file = n.file_path(); })
      .optional("basic_auth",
                [&](const Node& n) {
                  AlertmanagerConfig::BasicAuth auth;
                  ObjectReader fields(n);
                  fields
                      .required("username",
                                [&](const Node& u) { auth.username = u.non_empty_string(); })
                      .required("password_file",
                                [&](const Node& p) { auth.password_file = p.file_path(); });
                  fields.read();
                  out.basic_auth = std::move(auth);
                })
      .optional("ca_file", [&](const Node& n) { out.ca_file = n.file_path(); })
      .optional("timeout", [&](const Node& n) { out.timeout = read_timer(n); })
      .optional("resend_interval",
                [&](const Node& n) {
                  // endsAt is 4 x resend_interval ahead: that must stay a timer.
                  out.resend_interval = n.positive_duration(
                      Duration(kMaxTimerDuration / 4), std::string(kTimerLimit) +
                                                           ", and endsAt is 4 x resend_interval");
                })
      .optional("retry_initial", [&](const Node& n) { out.retry_initial = read_timer(n); })
      .optional("retry_max", [&](const Node& n) { out.retry_max = read_timer(n); })
      .optional("external_url", [&](const Node& n) { out.external_url = read_base_url(n); });
  reader.read();
  if (out.bearer_token_file && out.basic_auth) {
    throw ConfigError(append_key(node.path(), "basic_auth"),
                      "not allowed with bearer_token_file: choose one way to authenticate");
  }
  if (out.retry_max < out.retry_initial) {
    throw ConfigError(append_key(node.path(), "retry_max"),
                      "must be at least retry_initial (" + format_duration(out.retry_initial) +
                          ")");
  }
  return out;
}

// ---------------------------------------------------------------- streams

std::string read_topic(const Node& node) {
  std::string topic = node.string();
  if (!is_kafka_name(topic)) {
    node.fail(
        "must be a Kafka topic name: 1 to 249 characters from A-Z, a-z, 0-9, '_', '.' and '-'");
  }
  return topic;
}

SourceConfig read_source(const Node& node, bool has_kafka_section) {
  SourceConfig out;
  ObjectReader reader(node);
  const Node type = discriminator(reader, "type");
  out.type = type.choice(kSourceTypeNames);
  if (out.type == SourceType::kafka && !has_kafka_section) {
    type.fail("a kafka source needs the top-level \"kafka\" section");
  }
  reader.required("type", kAlreadyRead);
  if (out.type == SourceType::kafka) {
    reader.required("topic", [&](const Node& n) { out.topic = read_topic(n); });
  } else {
    reader.refused("topic", not_allowed_for("type", "http"));
  }
  reader.read();
  return out;
}

EventTimeConfig read_event_time(const Node& node) {
  EventTimeConfig out;
  bool kafka_timestamp = false;
  ObjectReader reader(node);
  reader.optional("field", [&](const Node& n) { out.field = read_json_pointer(n); })
      .optional("unit", [&](const Node& n) { out.unit = n.choice(kTimeUnitNames); })
      .optional("kafka_timestamp", [&](const Node& n) { kafka_timestamp = n.boolean(); })
      .optional("max_future", [&](const Node& n) { out.max_future = read_span(n); })
      .optional("idle_timeout", [&](const Node& n) { out.idle_timeout = n.duration(kMaxTimestampDuration, kTimestampLimit); });
  reader.read();
  if (kafka_timestamp) {
    out.source = EventTimeSource::kafka_timestamp;
    if (reader.has("field")) {
      reader.member("field")->fail("not allowed with \"kafka_timestamp\": true");
    }
    if (reader.has("unit")) {
      reader.member("unit")->fail(
          "not allowed with \"kafka_timestamp\": true (Kafka timestamps are milliseconds)");
    }
  } else if (!reader.has("field")) {
    node.fail("needs \"field\" (a JSON Pointer) or \"kafka_timestamp\": true");
  }
  return out;
}

WindowConfig read_window(const Node& node, bool has_event_time) {
  WindowConfig out;
  ObjectReader reader(node);
  const Node type = discriminator(reader, "type");
  out.type = type.choice(kWindowTypeNames);
  const std::string_view type_name = to_string(out.type);
  reader.required("type", kAlreadyRead);
  const auto read_size = [&](const Node& n) { out.size = read_span(n); };
  const auto read_slide = [&](const Node& n) { out.slide = read_span(n); };
  const auto read_lateness = [&](const Node& n) { out.allowed_lateness = n.duration(); };
  switch (out.type) {
    case WindowType::tumbling:
      reader.required("size", read_size)
          .optional("allowed_lateness", read_lateness)
          .refused("slide", not_allowed_for("type", type_name))
          .refused("events", not_allowed_for("type", type_name));
      break;
    case WindowType::sliding:
      reader.required("size", read_size)
          .required("slide", read_slide)
          .optional("allowed_lateness", read_lateness)
          .refused("events", not_allowed_for("type", type_name));
      break;
    case WindowType::count:
      reader
          .required("events",
                    [&](const Node& n) { out.events = n.integer(1, kMaxEvents, true); })
          .refused("size", not_allowed_for("type", type_name))
          .refused("slide", not_allowed_for("type", type_name))
          .refused("allowed_lateness", not_allowed_for("type", type_name));
      break;
  }
  reader.read();
  if (out.type == WindowType::tumbling) out.slide = out.size;
  if (out.type == WindowType::sliding && out.size % out.slide != Duration::zero()) {
    reader.member("size")->fail("must be a multiple of slide (" + format_duration(out.slide) +
                                ")");
  }
  if (out.type == WindowType::sliding && out.size / out.slide > kMaxPanesPerWindow) {
    reader.member("size")->fail(
        "must be at most " + std::to_string(kMaxPanesPerWindow) + " times slide (" +
        format_duration(out.slide) + "): a sliding window is kept as size/slide panes of its slide");
  }
  if (reader.has("allowed_lateness") && !has_event_time) {
    reader.member("allowed_lateness")
        ->fail("needs event_time (without it, windows close on processing time)");
  }
  const Duration max_lateness{out.type == WindowType::count
                                  ? 0
                                  : max_allowed_lateness_ms(out.slide.count())};
  if (out.allowed_lateness > max_lateness) {
    reader.member("allowed_lateness")
        ->fail("must be at most " + format_duration(max_lateness) + " with panes of " +
               format_duration(out.slide) + ": late events wait in open panes, at most " +
               std::to_string(kMaxOpenPanes) + " including the current one and " +
               std::to_string(kDefaultSpareOpenPanes) + " spares");
  }
  return out;
}

ReferenceConfig read_reference(const Node& node) {
  ReferenceConfig out;
  ObjectReader reader(node);
  const Node type = discriminator(reader, "type");
  out.type = type.choice(kReferenceTypeNames);
  reader.required("type", kAlreadyRead);
  if (out.type == ReferenceType::capture) {
    reader.optional("events", [&](const Node& n) { out.events = n.integer(1, kMaxEvents, true); })
        .optional("min_values",
                  [&](const Node& n) { out.min_values = n.integer(1, kMaxEvents, true); })
        .refused("path", not_allowed_for("type", "capture"));
  } else {
    reader.required("path", [&](const Node& n) { out.path = n.file_path(); })
        .refused("events", not_allowed_for("type", "file"))
        .refused("min_values", not_allowed_for("type", "file"));
  }
  reader.read();
  if (out.events && reader.has("min_values") && out.min_values > *out.events) {
    reader.member("min_values")
        ->fail("must be at most events (" + std::to_string(*out.events) +
               "): no feature could have that many values in the capture");
  }
  if (out.events && !reader.has("min_values")) {
    out.min_values = std::min(out.min_values, *out.events);
  }
  return out;
}

std::vector<double> read_edges(const Node& node) {
  const std::vector<Node> elements = node.elements();
  if (elements.empty()) node.fail("must hold at least one edge");
  if (elements.size() > kMaxBins - 1) {
    node.fail("must hold at most " + std::to_string(kMaxBins - 1) + " edges (" +
              std::to_string(kMaxBins) + " bins)");
  }
  std::vector<double> edges;
  edges.reserve(elements.size());
  for (const Node& element : elements) {
    const double edge = element.number();
    if (!edges.empty() && !(edge > edges.back())) {
      element.fail("must be greater than the previous edge (" + format_number(edges.back()) + ")");
    }
    edges.push_back(edge);
  }
  return edges;
}

FeatureConfig read_feature(const Node& node) {
  FeatureConfig out;
  ObjectReader reader(node);
  const Node type = discriminator(reader, "type");
  out.type = type.choice(kFeatureTypeNames);
  const std::string_view type_name = to_string(out.type);
  reader.required("name", [&](const Node& n) { out.name = read_name(n); })
      .required("path", [&](const Node& n) { out.path = read_json_pointer(n); })
      .required("type", kAlreadyRead);
  if (out.type == FeatureType::numeric) {
    out.max_categories = 0;
    reader.optional("bins", [&](const Node& n) { out.bins = to_u32(n.integer(2, kMaxBins)); })
        .optional("binning", [&](const Node& n) { out.binning = n.choice(kBinningNames); })
        .optional("edges", [&](const Node& n) { out.edges = read_edges(n); })
        .optional("gaussian", [&](const Node& n) { out.gaussian = n.boolean(); })
        .refused("max_categories", not_allowed_for("type", type_name));
  } else {
    out.bins = 0;
    out.gaussian = false;
    reader
        .optional("max_categories",
                  [&](const Node& n) {
                    out.max_categories = to_u32(n.integer(1, kMaxCategories));
                  })
        .refused("bins", not_allowed_for("type", type_name))
        .refused("binning", not_allowed_for("type", type_name))
        .refused("edges", not_allowed_for("type", type_name))
        .refused("gaussian", not_allowed_for("type", type_name));
  }
  reader.read();
  if (out.type == FeatureType::numeric) {
    if (out.binning == Binning::edges) {
      if (!reader.has("edges")) {
        throw ConfigError(append_key(node.path(), "edges"), "required when binning is \"edges\"");
      }
      if (reader.has("bins")) {
        reader.member("bins")->fail(
            "not allowed when binning is \"edges\" (the edges define the bins)");
      }
      out.bins = to_u32(out.edges.size() + 1);
    } else if (reader.has("edges")) {
      reader.member("edges")->fail("only allowed when binning is \"edges\"");
    }
  }
  return out;
}

// An alert rule's feature list, checked against the stream's features later.
struct AlertFeatureRefs {
  std::vector<Node> names;
  std::optional<Node> metric;
};

SequentialRule read_sequential(const Node& node) {
  SequentialRule out;
  ObjectReader reader(node);
  reader
      .optional("arl",
                [&](const Node& n) {
                  out.arl = read_number_where(n, [](double arl) { return arl >= 10 && arl <= 1e9; },
                                              "a number from 10 to 1e9 (windows)");
                })
      .optional("k", [&](const Node& n) {
        out.k = read_number_where(n, [](double k) { return k > 0 && k <= 4; },
                                  "a number greater than 0 and at most 4");
      });
  reader.read();
  return out;
}

AlertRule read_alert(const Node& node, AlertFeatureRefs& refs) {
  AlertRule out;
  ObjectReader reader(node);
  reader.required("metric", [&](const Node& n) {
        out.metric = n.choice(kMetricNames);
        refs.metric = n;
      })
      .required("warn", [&](const Node& n) { out.warn = read_non_negative(n); })
      .required("critical", [&](const Node& n) { out.critical = read_non_negative(n); })
      .optional("for",
                [&](const Node& n) { out.for_windows = to_u32(n.integer(1, kU32Max, true)); })
      .optional("min_samples",
                [&](const Node& n) { out.min_samples = n.integer(0, kU64Max, true); })
      .optional("max_p_value", [&](const Node& n) { out.max_p_value = read_p_value(n); })
      .optional("resolve_below", [&](const Node& n) { out.resolve_below = read_non_negative(n); })
      .optional("resolve_p_value", [&](const Node& n) { out.resolve_p_value = read_p_value(n); })
      .optional("resolve_after",
                [&](const Node& n) { out.resolve_after = to_u32(n.integer(1, kU32Max, true)); })
      .optional("sequential", [&](const Node& n) { out.sequential = read_sequential(n); })
      .optional("features", [&](const Node& n) {
        const std::vector<Node> elements = n.elements();
        if (elements.empty()) n.fail("must name at least one feature");
        for (const Node& element : elements) {
          std::string name = element.string();
          if (std::find(out.features.begin(), out.features.end(), name) != out.features.end()) {
            element.fail("duplicate feature " + in_quotes(name));
          }
          out.features.push_back(std::move(name));
          refs.names.push_back(element);
        }
      });
  reader.read();
  if (out.critical < out.warn) {
    reader.member("critical")->fail("must be >= warn (" + format_number(out.warn) + ")");
  }
  if (!reader.has("resolve_below")) {
    out.resolve_below = out.warn;
  } else if (out.resolve_below > out.warn) {
    reader.member("resolve_below")->fail("must be <= warn (" + format_number(out.warn) + ")");
  }
  if (out.sequential && reader.has("for")) {
    reader.member("for")->fail("not allowed with \"sequential\" (the CUSUM decides when to fire)");
  }
  if (!out.resolve_p_value) {
    out.resolve_p_value = out.max_p_value;
  } else if (out.max_p_value && *out.resolve_p_value < *out.max_p_value) {
    reader.member("resolve_p_value")
        ->fail("must be >= max_p_value (" + format_number(*out.max_p_value) + ")");
  }
  return out;
}

// The problem of a feature reference (an alert's, a group's or a pair's)
// that names no feature of the stream.
std::string unknown_feature(const std::string& name, const std::vector<FeatureConfig>& features) {
  std::string list;
  for (const FeatureConfig& f : features) list += (list.empty() ? "" : ", ") + f.name;
  return "unknown feature " + in_quotes(name) + " (this stream's features: " + list + ")";
}

// The position of the feature `name` in `features`, if there is one.
std::optional<std::size_t> find_feature(const std::vector<FeatureConfig>& features,
                                        const std::string& name) {
  for (std::size_t j = 0; j < features.size(); ++j) {
    if (features[j].name == name) return j;
  }
  return std::nullopt;
}

// A group's feature list, resolved against the stream's features later.
struct GroupFeatureRefs {
  std::optional<Node> name;
  std::vector<Node> names;
};

GroupConfig read_group(const Node& node, GroupFeatureRefs& refs) {
  GroupConfig out;
  ObjectReader reader(node);
  reader.required("name", [&](const Node& n) { out.name = read_name(n, true); })
      .required("features",
                [&](const Node& n) {
                  const std::vector<Node> elements = n.elements();
                  if (elements.size() < 2) {
                    n.fail("must name at least 2 features (one feature is compared on its own)");
                  }
                  if (elements.size() > kMaxGroupFeatures) {
                    n.fail("must name at most " + std::to_string(kMaxGroupFeatures) + " features");
                  }
                  for (const Node& element : elements) {
                    std::string name = element.string();
                    if (std::find(out.features.begin(), out.features.end(), name) !=
                        out.features.end()) {
                      element.fail("duplicate feature " + in_quotes(name));
                    }
                    out.features.push_back(std::move(name));
                    refs.names.push_back(element);
                  }
                })
      .optional("type", [&](const Node& n) { out.type = n.choice(kGroupTypeNames); })
      .optional("ridge", [&](const Node& n) {
        out.ridge = read_number_where(n, [](double ridge) { return ridge >= 0 && ridge <= 1; },
                                      "a number from 0 to 1");
      });
  reader.read();
  refs.name = *reader.member("name");
  return out;
}

// A pair and its members, for the checks against the stream's groups and
// features.
struct PairFeatureRefs {
  Node pair;
  Node name;
  Node x;
  Node y;
};

PairConfig read_pair(const Node& node, std::vector<PairFeatureRefs>& refs) {
  PairConfig out;
  ObjectReader reader(node);
  reader.required("name", [&](const Node& n) { out.name = read_name(n, true); })
      .required("x", [&](const Node& n) { out.x = n.string(); })
      .required("y", [&](const Node& n) { out.y = n.string(); });
  reader.read();
  if (out.y == out.x) {
    reader.member("y")->fail("must be a feature other than x (" + in_quotes(out.x) + ")");
  }
  refs.push_back({node, *reader.member("name"), *reader.member("x"), *reader.member("y")});
  return out;
}

// The stream's groups and pairs against its features: each name a feature
// (numeric for groups), the indices filled in, no joint table beyond
// kMaxPairCells.
void resolve_groups_and_pairs(StreamConfig& stream, const std::vector<GroupFeatureRefs>& group_refs,
                              const std::vector<PairFeatureRefs>& pair_refs) {
  // Alerts, window rows and the API name a feature, a group or a pair alike.
  const auto shared_with_feature = [&](const std::string& name) {
    return "duplicate name " + in_quotes(name) +
           " (also a feature: features, groups and pairs are named in one namespace)";
  };
  for (std::size_t g = 0; g < stream.groups.size(); ++g) {
    if (find_feature(stream.features, stream.groups[g].name)) {
      group_refs[g].name->fail(shared_with_feature(stream.groups[g].name));
    }
  }
  for (std::size_t p = 0; p < stream.pairs.size(); ++p) {
    if (find_feature(stream.features, stream.pairs[p].name)) {
      pair_refs[p].name.fail(shared_with_feature(stream.pairs[p].name));
    }
  }
  for (std::size_t g = 0; g < stream.groups.size(); ++g) {
    GroupConfig& group = stream.groups[g];
    for (std::size_t k = 0; k < group.features.size(); ++k) {
      const std::string& name = group.features[k];
      const std::optional<std::size_t> index = find_feature(stream.features, name);
      if (!index) group_refs[g].names[k].fail(unknown_feature(name, stream.features));
      if (stream.features[*index].type != FeatureType::numeric) {
        group_refs[g].names[k].fail(in_quotes(name) +
                                    " is categorical; a group takes numeric features only");
      }
      group.feature_indices.push_back(*index);
    }
  }
  for (std::size_t p = 0; p < stream.pairs.size(); ++p) {
    PairConfig& pair = stream.pairs[p];
    const std::optional<std::size_t> x = find_feature(stream.features, pair.x);
    if (!x) pair_refs[p].x.fail(unknown_feature(pair.x, stream.features));
    const std::optional<std::size_t> y = find_feature(stream.features, pair.y);
    if (!y) pair_refs[p].y.fail(unknown_feature(pair.y, stream.features));
    pair.x_index = *x;
    pair.y_index = *y;
    const std::uint64_t x_bins = max_bin_count(stream.features[*x]);
    const std::uint64_t y_bins = max_bin_count(stream.features[*y]);
    if (x_bins * y_bins > kMaxPairCells) {
      pair_refs[p].pair.fail("the joint table could have " + std::to_string(x_bins) + " x " +
                             std::to_string(y_bins) + " = " + std::to_string(x_bins * y_bins) +
                             " cells, more than " + std::to_string(kMaxPairCells));
    }
  }
}

// A rule's subjects against the stream: each name a feature, pair or group
// its metric is measured on; without names, at least one subject of the
// metric's default kind.
void check_watched_subjects(const StreamConfig& stream, const AlertRule& rule,
                            const AlertFeatureRefs& refs) {
  const std::string metric(to_string(rule.metric));
  for (const Node& ref : refs.names) {
    const std::string name = ref.string();
    const std::optional<std::size_t> subject = find_subject(stream, name);
    if (!subject) {
      ref.fail(unknown_feature(name, stream.features) +
               (stream.pairs.empty() && stream.groups.empty() ? "" : ", nor a pair or group"));
    }
    const SubjectKind kind = subject_kind(stream, *subject);
    if (!measured_on(rule.metric, kind)) {
      ref.fail(std::string(to_string(kind)) + " " + in_quotes(name) + " has no " + metric +
               " (it is measured on " + std::string(to_string(default_subjects(rule.metric))) +
               "s)");
    }
  }
  const SubjectKind kind = default_subjects(rule.metric);
  const bool none = (kind == SubjectKind::pair && stream.pairs.empty()) ||
                    (kind == SubjectKind::group && stream.groups.empty());
  if (refs.names.empty() && none && refs.metric) {
    refs.metric->fail(metric + " is measured on " + std::string(to_string(kind)) +
                      "s, and this stream has no " + std::string(to_string(kind)) + "s");
  }
}

StreamConfig read_stream(const Node& node, bool has_kafka_section) {
  StreamConfig out;
  out.alerts = default_alert_rules();
  std::vector<AlertFeatureRefs> alert_refs;
  std::vector<GroupFeatureRefs> group_refs;
  std::vector<PairFeatureRefs> pair_refs;
  ObjectReader reader(node);
  const bool has_event_time = reader.has("event_time");
  reader.required("name", [&](const Node& n) { out.name = read_name(n); })
      .required("source", [&](const Node& n) { out.source = read_source(n, has_kafka_section); })
      .optional("event_time", [&](const Node& n) { out.event_time = read_event_time(n); })
      .required("window", [&](const Node& n) { out.window = read_window(n, has_event_time); })
      .optional("reference", [&](const Node& n) { out.reference = read_reference(n); })
      .optional("smoothing_alpha",
                [&](const Node& n) {
                  out.smoothing_alpha = read_non_negative(n);
                  if (out.smoothing_alpha > kMaxSmoothingAlpha) {
                    n.fail("must be at most 1e300 (the smoothed probabilities (c + alpha) / "
                           "(n + bins * alpha) need n + bins * alpha finite)");
                  }
                })
      .optional("fdr",
                [&](const Node& n) {
                  out.fdr = read_number_where(n, [](double q) { return q > 0 && q < 1; },
                                              "a number greater than 0 and less than 1");
                })
      .required("features",
                [&](const Node& n) {
                  const std::vector<Node> elements = n.elements();
                  if (elements.empty()) n.fail("must hold at least one feature");
                  for (std::size_t j = 0; j < elements.size(); ++j) {
                    FeatureConfig feature = read_feature(elements[j]);
                    for (std::size_t k = 0; k < j; ++k) {
                      if (out.features[k].name == feature.name) {
                        elements[j].member("name")->fail(
                            "duplicate feature name " + in_quotes(feature.name) +
                            " (also features[" + std::to_string(k) + "])");
                      }
                    }
                    out.features.push_back(std::move(feature));
                  }
                })
      .optional("groups",
                [&](const Node& n) {
                  const std::vector<Node> elements = n.elements();
                  if (elements.size() > kMaxGroupsPerStream) {
                    n.fail("must hold at most " + std::to_string(kMaxGroupsPerStream) +
                           " groups");
                  }
                  for (std::size_t g = 0; g < elements.size(); ++g) {
                    group_refs.emplace_back();
                    GroupConfig group = read_group(elements[g], group_refs.back());
                    for (std::size_t k = 0; k < g; ++k) {
                      if (out.groups[k].name == group.name) {
                        elements[g].member("name")->fail("duplicate name " +
                                                         in_quotes(group.name) + " (also groups[" +
                                                         std::to_string(k) + "])");
                      }
                    }
                    out.groups.push_back(std::move(group));
                  }
                })
      .optional("pairs",
                [&](const Node& n) {
                  const std::vector<Node> elements = n.elements();
                  if (elements.size() > kMaxPairsPerStream) {
                    n.fail("must hold at most " + std::to_string(kMaxPairsPerStream) + " pairs");
                  }
                  for (std::size_t p = 0; p < elements.size(); ++p) {
                    PairConfig pair = read_pair(elements[p], pair_refs);
                    for (std::size_t k = 0; k < p; ++k) {
                      if (out.pairs[k].name == pair.name) {
                        elements[p].member("name")->fail("duplicate name " +
                                                         in_quotes(pair.name) + " (also pairs[" +
                                                         std::to_string(k) + "])");
                      }
                    }
                    out.pairs.push_back(std::move(pair));
                  }
                })
      .optional("alerts", [&](const Node& n) {
        out.alerts.clear();  // present: exactly the rules listed, maybe none
        for (const Node& element : n.elements()) {
          alert_refs.emplace_back();
          out.alerts.push_back(read_alert(element, alert_refs.back()));
        }
      });
  reader.read();

  if (out.event_time && out.event_time->source == EventTimeSource::kafka_timestamp &&
      out.source.type != SourceType::kafka) {
    reader.member("event_time")
        ->member("kafka_timestamp")
        ->fail("needs a kafka source (this stream's source is \"" +
               std::string(to_string(out.source.type)) + "\")");
  }
  if (out.event_time && out.window.type == WindowType::count) {
    reader.member("event_time")
        ->fail("count windows close on the number of events; event_time applies to tumbling and "
               "sliding windows only");
  }
  for (std::size_t p = 0; p < out.pairs.size(); ++p) {
    for (std::size_t g = 0; g < out.groups.size(); ++g) {
      if (out.pairs[p].name == out.groups[g].name) {
        pair_refs[p].name.fail("duplicate name " + in_quotes(out.pairs[p].name) +
                               " (also groups[" + std::to_string(g) + "])");
      }
    }
  }
  resolve_groups_and_pairs(out, group_refs, pair_refs);
  for (std::size_t r = 0; r < alert_refs.size(); ++r) {
    check_watched_subjects(out, out.alerts[r], alert_refs[r]);
  }
  return out;
}

std::vector<StreamConfig> read_streams(const Node& node, bool has_kafka_section) {
  const std::vector<Node> elements = node.elements();
  if (elements.empty()) node.fail("must hold at least one stream");
  std::vector<StreamConfig> out;
  for (std::size_t i = 0; i < elements.size(); ++i) {
    StreamConfig stream = read_stream(elements[i], has_kafka_section);
    for (std::size_t k = 0; k < i; ++k) {
      if (out[k].name == stream.name) {
        elements[i].member("name")->fail("duplicate stream name " + in_quotes(stream.name) +
                                         " (also streams[" + std::to_string(k) + "])");
      }
    }
    out.push_back(std::move(stream));
  }
  return out;
}

}  // namespace

Config parse_config(std::string_view json_text) {
  const Json document = detail::parse_json_text(json_text);
  if (!document.is_object()) throw ConfigError("", "the configuration must be a JSON object");
  Config out;
  ObjectReader reader(Node(document, ""));
  const bool has_kafka_section = reader.has("kafka");
  reader.required("storage", [&](const Node& n) { out.storage = read_storage(n); })
      .optional("http", [&](const Node& n) { out.http = read_http(n); })
      .optional("kafka", [&](const Node& n) { out.kafka = read_kafka(n); })
      .optional("webhooks", [&](const Node& n) { out.webhooks = read_webhooks(n); })
      .optional("alertmanager", [&](const Node& n) { out.alertmanager = read_alertmanager(n); })
      .required("streams",
                [&](const Node& n) { out.streams = read_streams(n, has_kafka_section); });
  reader.read();
  return out;
}

Config load_config_file(const std::filesystem::path& file) {
  const auto fail = [&](int error) {
    throw ConfigError("", "cannot read config file \"" + file.string() +
                              "\": " + std::strerror(error));
  };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> stream(std::fopen(file.c_str(), "rb"),
                                                         &std::fclose);
  if (!stream) fail(errno);
  std::string text;
  char buffer[65536];
  while (true) {
    const std::size_t n = std::fread(buffer, 1, sizeof buffer, stream.get());
    text.append(buffer, n);
    if (text.size() > kMaxConfigFileBytes) {
      throw ConfigError("", "config file \"" + file.string() + "\" is larger than " +
                                std::to_string(kMaxConfigFileBytes) + " bytes");
    }
    if (n < sizeof buffer) break;
  }
  if (std::ferror(stream.get())) fail(errno);
  return parse_config(text);
}

}  // namespace driftd::config
