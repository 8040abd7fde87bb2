#include "config/config_parser.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config_error.h"
#include "config/config_schema_table.h"
#include "config/json_reader.h"
#include "config/listen_address.h"
#include "config/string_format.h"
#include "window/window_limits.h"

// Each object is read by an ObjectReader over its spec in the field table
// (config/config_schema_table.h), which checks every value against its type
// and range before the converter declared here for its key runs. So the
// converters below only turn checked values into config.h's structs
// (n.integer() with no bounds: the table's were applied) and check the rules
// the table cannot state, once the object's own members have been read.

namespace driftd::config {
namespace {

using detail::Json;
using detail::Node;
using detail::ObjectReader;

std::uint32_t to_u32(std::uint64_t value) { return static_cast<std::uint32_t>(value); }

// Shortest text that reads back to `value`: 0.05 -> "0.05".
std::string format_number(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

// The elements of a checked array of strings.
std::vector<std::string> strings(const Node& node) {
  std::vector<std::string> out;
  for (const Node& element : node.elements()) out.push_back(element.string());
  return out;
}

// ---------------------------------------------------------------- storage

StorageConfig read_storage(const Node& node) {
  StorageConfig out;
  ObjectReader reader(node, schema::kStorage);
  reader.on("path", [&](const Node& n) { out.path = n.string(); })
      .on("synchronous", [&](const Node& n) { out.synchronous = n.choice(kSyncModeNames); })
      .on("checkpoint_interval", [&](const Node& n) { out.checkpoint_interval = n.duration(); })
      .on("retention", [&](const Node& n) { out.retention = n.duration(); })
      .on("hourly_retention", [&](const Node& n) { out.hourly_retention = n.duration(); })
      .on("event_retention", [&](const Node& n) { out.event_retention = n.duration(); });
  reader.read();
  return out;
}

// ---------------------------------------------------------------- http

TlsConfig read_tls(const Node& node) {
  TlsConfig out;
  ObjectReader reader(node, schema::kTls);
  reader.on("certificate", [&](const Node& n) { out.certificate = n.string(); })
      .on("private_key", [&](const Node& n) { out.private_key = n.string(); });
  reader.read();
  return out;
}

HttpConfig read_http(const Node& node) {
  HttpConfig out;
  ObjectReader reader(node, schema::kHttp);
  reader
      .on("listen",
          [&](const Node& n) {
            std::string unused;
            out.listen = *parse_listen_address(n.string(), unused);
          })
      .on("auth_token", [&](const Node& n) { out.auth_token = n.string(); })
      .on("max_body_bytes", [&](const Node& n) { out.max_body_bytes = n.integer(); })
      .on("max_inflight_body_bytes",
          [&](const Node& n) { out.max_inflight_body_bytes = n.integer(); })
      .on("max_connections", [&](const Node& n) { out.max_connections = to_u32(n.integer()); })
      .on("max_event_streams", [&](const Node& n) { out.max_event_streams = to_u32(n.integer()); })
      .on("idle_timeout", [&](const Node& n) { out.idle_timeout = n.duration(); })
      .on("read_threads", [&](const Node& n) { out.read_threads = to_u32(n.integer()); })
      .on("read_queue", [&](const Node& n) { out.read_queue = to_u32(n.integer()); })
      .on("read_time_budget", [&](const Node& n) { out.read_time_budget = n.duration(); })
      .on("ingest_ack", [&](const Node& n) { out.ingest_ack = n.choice(kIngestAckNames); })
      .on("tls", [&](const Node& n) { out.tls = read_tls(n); });
  reader.read();
  if (out.max_inflight_body_bytes < out.max_body_bytes) {
    throw ConfigError(append_key(node.path(), "max_inflight_body_bytes"),
                      "must be at least max_body_bytes (" + std::to_string(out.max_body_bytes) +
                          "), or no body of the largest allowed size could ever be taken");
  }
  return out;
}

// ---------------------------------------------------------------- kafka

KafkaConfig read_kafka(const Node& node) {
  KafkaConfig out;
  ObjectReader reader(node, schema::kKafka);
  reader.on("brokers", [&](const Node& n) { out.brokers = n.string(); })
      .on("group_id", [&](const Node& n) { out.group_id = n.string(); })
      .on("instance_id", [&](const Node& n) { out.instance_id = n.string(); })
      .on("properties",
          [&](const Node& n) {
            for (const auto& [key, value] : n.json().items()) {
              out.properties[key] = value.get<std::string>();
            }
          })
      .on("poll_batch", [&](const Node& n) { out.poll_batch = to_u32(n.integer()); })
      .on("threads", [&](const Node& n) { out.threads = to_u32(n.integer()); })
      .on("alert_topic", [&](const Node& n) { out.alert_topic = n.string(); });
  reader.read();
  return out;
}

// ---------------------------------------------------------------- webhooks

WebhookConfig read_webhooks(const Node& node) {
  WebhookConfig out;
  ObjectReader reader(node, schema::kWebhooks);
  reader.on("allowlist", [&](const Node& n) { out.allowlist = strings(n); })
      .on("timeout", [&](const Node& n) { out.timeout = n.duration(); })
      .on("retry_initial", [&](const Node& n) { out.retry_initial = n.duration(); })
      .on("retry_max", [&](const Node& n) { out.retry_max = n.duration(); })
      .on("ca_file", [&](const Node& n) { out.ca_file = n.string(); })
      .on("max_subscriptions", [&](const Node& n) { out.max_subscriptions = to_u32(n.integer()); });
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
  ObjectReader reader(node, schema::kAlertmanager);
  reader.on("url", [&](const Node& n) { out.url = read_base_url(n); })
      .on("bearer_token_file", [&](const Node& n) { out.bearer_token_file = n.string(); })
      .on("basic_auth",
          [&](const Node& n) {
            AlertmanagerConfig::BasicAuth auth;
            ObjectReader fields(n, schema::kBasicAuth);
            fields.on("username", [&](const Node& u) { auth.username = u.string(); })
                .on("password_file", [&](const Node& p) { auth.password_file = p.string(); });
            fields.read();
            out.basic_auth = std::move(auth);
          })
      .on("ca_file", [&](const Node& n) { out.ca_file = n.string(); })
      .on("timeout", [&](const Node& n) { out.timeout = n.duration(); })
      .on("resend_interval", [&](const Node& n) { out.resend_interval = n.duration(); })
      .on("retry_initial", [&](const Node& n) { out.retry_initial = n.duration(); })
      .on("retry_max", [&](const Node& n) { out.retry_max = n.duration(); })
      .on("external_url", [&](const Node& n) { out.external_url = read_base_url(n); });
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

// ---------------------------------------------------------------- cluster

// The cluster section as written: the names it leaves out stay "" (the table
// refuses "") until resolve_cluster() fills them in from kafka.group_id.
ClusterConfig read_cluster(const Node& node) {
  ClusterConfig out;
  ObjectReader reader(node, schema::kCluster);
  reader.on("partials_topic", [&](const Node& n) { out.partials_topic = n.string(); })
      .on("results_topic", [&](const Node& n) { out.results_topic = n.string(); })
      .on("references_topic", [&](const Node& n) { out.references_topic = n.string(); })
      .on("state_topic", [&](const Node& n) { out.state_topic = n.string(); })
      .on("owner_group_id", [&](const Node& n) { out.owner_group_id = n.string(); })
      .on("commit_interval", [&](const Node& n) { out.commit_interval = n.duration(); })
      .on("topic_partitions", [&](const Node& n) { out.topic_partitions = to_u32(n.integer()); })
      .on("replication_factor", [&](const Node& n) {
        out.replication_factor = static_cast<std::int32_t>(n.integer_or_minus_one());
      })
      .on("switch_lead", [&](const Node& n) { out.switch_lead = n.duration(); })
      .on("results_retention", [&](const Node& n) { out.results_retention = n.duration(); });
  reader.read();
  return out;
}

// ---------------------------------------------------------------- streams

SourceConfig read_source(const Node& node, bool has_kafka_section) {
  SourceConfig out;
  ObjectReader reader(node, schema::kSource);
  const Node type = *reader.member("type");
  out.type = type.choice(kSourceTypeNames);
  if (out.type == SourceType::kafka && !has_kafka_section) {
    type.fail("a kafka source needs the top-level \"kafka\" section");
  }
  reader.on("topic", [&](const Node& n) { out.topic = n.string(); });
  reader.read();
  return out;
}

EventTimeConfig read_event_time(const Node& node) {
  EventTimeConfig out;
  ObjectReader reader(node, schema::kEventTime);
  reader.on("field", [&](const Node& n) { out.field = n.string(); })
      .on("unit", [&](const Node& n) { out.unit = n.choice(kTimeUnitNames); })
      .on("kafka_timestamp",
          [&](const Node& n) {
            if (n.boolean()) out.source = EventTimeSource::kafka_timestamp;
          })
      .on("max_future", [&](const Node& n) { out.max_future = n.duration(); })
      .on("idle_timeout", [&](const Node& n) { out.idle_timeout = n.duration(); });
  reader.read();
  return out;
}

WindowConfig read_window(const Node& node, bool has_event_time) {
  WindowConfig out;
  ObjectReader reader(node, schema::kWindow);
  out.type = reader.member("type")->choice(kWindowTypeNames);
  reader.on("size", [&](const Node& n) { out.size = n.duration(); })
      .on("slide", [&](const Node& n) { out.slide = n.duration(); })
      .on("events", [&](const Node& n) { out.events = n.integer(); })
      .on("allowed_lateness", [&](const Node& n) { out.allowed_lateness = n.duration(); });
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
  ObjectReader reader(node, schema::kReference);
  out.type = reader.member("type")->choice(kReferenceTypeNames);
  reader.on("events", [&](const Node& n) { out.events = n.integer(); })
      .on("min_values", [&](const Node& n) { out.min_values = n.integer(); })
      .on("path", [&](const Node& n) { out.path = n.string(); });
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

FeatureConfig read_feature(const Node& node) {
  FeatureConfig out;
  ObjectReader reader(node, schema::kFeature);
  out.type = reader.member("type")->choice(kFeatureTypeNames);
  if (out.type == FeatureType::numeric) {
    out.max_categories = 0;
  } else {
    out.bins = 0;
    out.gaussian = false;
  }
  reader.on("name", [&](const Node& n) { out.name = n.string(); })
      .on("path", [&](const Node& n) { out.path = n.string(); })
      .on("bins", [&](const Node& n) { out.bins = to_u32(n.integer()); })
      .on("binning", [&](const Node& n) { out.binning = n.choice(kBinningNames); })
      .on_each("edges",
               [&](const Node& n) {
                 const double edge = n.number();
                 if (!out.edges.empty() && !(edge > out.edges.back())) {
                   n.fail("must be greater than the previous edge (" +
                          format_number(out.edges.back()) + ")");
                 }
                 out.edges.push_back(edge);
               })
      .on("gaussian", [&](const Node& n) { out.gaussian = n.boolean(); })
      .on("max_categories", [&](const Node& n) { out.max_categories = to_u32(n.integer()); });
  reader.read();
  if (out.binning == Binning::edges) out.bins = to_u32(out.edges.size() + 1);
  return out;
}

// An alert rule's feature list, checked against the stream's features later.
struct AlertFeatureRefs {
  std::vector<Node> names;
  std::optional<Node> metric;
};

SequentialRule read_sequential(const Node& node) {
  SequentialRule out;
  ObjectReader reader(node, schema::kSequential);
  reader.on("arl", [&](const Node& n) { out.arl = n.number(); })
      .on("k", [&](const Node& n) { out.k = n.number(); });
  reader.read();
  return out;
}

AlertRule read_alert(const Node& node, AlertFeatureRefs& refs) {
  AlertRule out;
  ObjectReader reader(node, schema::kAlert);
  reader
      .on("metric",
          [&](const Node& n) {
            out.metric = n.choice(kMetricNames);
            refs.metric = n;
          })
      .on("warn", [&](const Node& n) { out.warn = n.number(); })
      .on("critical", [&](const Node& n) { out.critical = n.number(); })
      .on("for", [&](const Node& n) { out.for_windows = to_u32(n.integer()); })
      .on("min_samples", [&](const Node& n) { out.min_samples = n.integer(); })
      .on("max_p_value", [&](const Node& n) { out.max_p_value = n.number(); })
      .on("resolve_below", [&](const Node& n) { out.resolve_below = n.number(); })
      .on("resolve_p_value", [&](const Node& n) { out.resolve_p_value = n.number(); })
      .on("resolve_after", [&](const Node& n) { out.resolve_after = to_u32(n.integer()); })
      .on("sequential", [&](const Node& n) { out.sequential = read_sequential(n); })
      .on_each("features", [&](const Node& name) {
        out.features.push_back(name.string());
        refs.names.push_back(name);
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
  ObjectReader reader(node, schema::kGroup);
  reader.on("name", [&](const Node& n) { out.name = n.string(); })
      .on_each("features",
               [&](const Node& name) {
                 out.features.push_back(name.string());
                 refs.names.push_back(name);
               })
      .on("type", [&](const Node& n) { out.type = n.choice(kGroupTypeNames); })
      .on("ridge", [&](const Node& n) { out.ridge = n.number(); });
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
  ObjectReader reader(node, schema::kPair);
  reader.on("name", [&](const Node& n) { out.name = n.string(); })
      .on("x", [&](const Node& n) { out.x = n.string(); })
      .on("y", [&](const Node& n) { out.y = n.string(); });
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
  std::vector<AlertFeatureRefs> alert_refs;
  std::vector<GroupFeatureRefs> group_refs;
  std::vector<PairFeatureRefs> pair_refs;
  ObjectReader reader(node, schema::kStream);
  const bool has_event_time = reader.has("event_time");
  reader.on("name", [&](const Node& n) { out.name = n.string(); })
      .on("source", [&](const Node& n) { out.source = read_source(n, has_kafka_section); })
      .on("event_time", [&](const Node& n) { out.event_time = read_event_time(n); })
      .on("window", [&](const Node& n) { out.window = read_window(n, has_event_time); })
      .on("reference", [&](const Node& n) { out.reference = read_reference(n); })
      .on("smoothing_alpha", [&](const Node& n) { out.smoothing_alpha = n.number(); })
      .on("fdr", [&](const Node& n) { out.fdr = n.number(); })
      .on_each("features",
               [&](const Node& element) {
                 FeatureConfig feature = read_feature(element);
                 for (std::size_t k = 0; k < out.features.size(); ++k) {
                   if (out.features[k].name == feature.name) {
                     element.member("name")->fail("duplicate feature name " +
                                                  in_quotes(feature.name) + " (also features[" +
                                                  std::to_string(k) + "])");
                   }
                 }
                 out.features.push_back(std::move(feature));
               })
      .on_each("groups",
               [&](const Node& element) {
                 group_refs.emplace_back();
                 GroupConfig group = read_group(element, group_refs.back());
                 for (std::size_t k = 0; k < out.groups.size(); ++k) {
                   if (out.groups[k].name == group.name) {
                     element.member("name")->fail("duplicate name " + in_quotes(group.name) +
                                                  " (also groups[" + std::to_string(k) + "])");
                   }
                 }
                 out.groups.push_back(std::move(group));
               })
      .on_each("pairs",
               [&](const Node& element) {
                 PairConfig pair = read_pair(element, pair_refs);
                 for (std::size_t k = 0; k < out.pairs.size(); ++k) {
                   if (out.pairs[k].name == pair.name) {
                     element.member("name")->fail("duplicate name " + in_quotes(pair.name) +
                                                  " (also pairs[" + std::to_string(k) + "])");
                   }
                 }
                 out.pairs.push_back(std::move(pair));
               })
      .on_each("alerts", [&](const Node& element) {
        alert_refs.emplace_back();
        out.alerts.push_back(read_alert(element, alert_refs.back()));
      });
  reader.read();
  if (!reader.has("alerts")) out.alerts = default_alert_rules();  // present: exactly those listed

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

// Cluster mode against the rest of the file, once it is all read (`root`;
// the root's condition made sure of the kafka section), in the order of the
// top level: kafka.instance_id, the cluster section's names (filled in from
// kafka.group_id, distinct), then each stream's source and window.
void resolve_cluster(Config& config, const Node& root) {
  ClusterConfig& cluster = *config.cluster;
  const KafkaConfig& kafka = *config.kafka;
  const Node section = *root.member("cluster");
  if (kafka.instance_id && kafka.instance_id->empty()) {
    root.member("kafka")->member("instance_id")->fail(
        "must not be \"\" (dynamic membership) in cluster mode: each instance needs a stable id "
        "for its transactional.id (zombie fencing)");
  }

  const std::vector<Node> streams = root.member("streams")->elements();
  // Topics the cluster's must differ from, each with the field that names it.
  std::vector<std::pair<std::string, std::string>> taken;
  if (kafka.alert_topic) taken.emplace_back(*kafka.alert_topic, "kafka.alert_topic");
  for (std::size_t i = 0; i < config.streams.size(); ++i) {
    if (config.streams[i].source.type == SourceType::kafka) {
      taken.emplace_back(config.streams[i].source.topic,
                         streams[i].member("source")->member("topic")->path());
    }
  }
  struct Topic {
    std::string_view key;
    std::string_view default_suffix;
    std::string* name;
  };
  const Topic topics[] = {{"partials_topic", ".partials", &cluster.partials_topic},
                          {"results_topic", ".results", &cluster.results_topic},
                          {"references_topic", ".references", &cluster.references_topic},
                          {"state_topic", ".owner-state", &cluster.state_topic}};
  for (std::size_t t = 0; t < std::size(topics); ++t) {
    const Topic& topic = topics[t];
    const std::string path = append_key(section.path(), topic.key);
    const bool written = !topic.name->empty();
    if (!written) {
      *topic.name = kafka.group_id + std::string(topic.default_suffix);
      const std::string problem =
          string_format_problem(schema::StringFormat::kafka_topic, *topic.name);
      if (!problem.empty()) {
        throw ConfigError(path, "required, as its default " + in_quotes(*topic.name) +
                                    " (kafka.group_id + " + in_quotes(topic.default_suffix) +
                                    ") " + problem);
      }
    }
    // The cluster's topics before this one, then the others.
    std::optional<std::string> also;
    for (std::size_t k = 0; k < t && !also; ++k) {
      if (*topics[k].name == *topic.name) also = append_key(section.path(), topics[k].key);
    }
    for (std::size_t k = 0; k < taken.size() && !also; ++k) {
      if (taken[k].first == *topic.name) also = taken[k].second;
    }
    if (also) {
      throw ConfigError(path, std::string(written ? "topic " : "its default topic ") +
                                  in_quotes(*topic.name) + " is also " + *also +
                                  ": cluster mode's topics must differ from each other, from "
                                  "every stream's source topic and from kafka.alert_topic");
    }
  }
  if (cluster.owner_group_id.empty()) {
    cluster.owner_group_id = kafka.group_id + ".owners";
  } else if (cluster.owner_group_id == kafka.group_id) {
    section.member("owner_group_id")
        ->fail("must differ from kafka.group_id (" + in_quotes(kafka.group_id) +
               "): the instances' group reads the streams' topics, the owners' group the "
               "partials topic");
  }

  for (std::size_t i = 0; i < config.streams.size(); ++i) {
    if (config.streams[i].source.type != SourceType::kafka) {
      streams[i].member("source")->member("type")->fail(
          "cluster mode needs a kafka source (HTTP ingest has no partitions to share between "
          "instances)");
    }
    if (config.streams[i].window.type == WindowType::count) {
      streams[i].member("window")->member("type")->fail(
          "count windows have no order across partitions; cluster mode needs tumbling or "
          "sliding windows");
    }
  }
}

}  // namespace

Config parse_config(std::string_view json_text) {
  const Json document = detail::parse_json_text(json_text);
  if (!document.is_object()) throw ConfigError("", "the configuration must be a JSON object");
  Config out;
  ObjectReader reader(Node(document, ""), schema::kConfiguration);
  const bool has_kafka_section = reader.has("kafka");
  reader.on("storage", [&](const Node& n) { out.storage = read_storage(n); })
      .on("http", [&](const Node& n) { out.http = read_http(n); })
      .on("kafka", [&](const Node& n) { out.kafka = read_kafka(n); })
      .on("webhooks", [&](const Node& n) { out.webhooks = read_webhooks(n); })
      .on("alertmanager", [&](const Node& n) { out.alertmanager = read_alertmanager(n); })
      .on("cluster", [&](const Node& n) { out.cluster = read_cluster(n); })
      .on_each("streams", [&](const Node& element) {
        StreamConfig stream = read_stream(element, has_kafka_section);
        for (std::size_t k = 0; k < out.streams.size(); ++k) {
          if (out.streams[k].name == stream.name) {
            element.member("name")->fail("duplicate stream name " + in_quotes(stream.name) +
                                         " (also streams[" + std::to_string(k) + "])");
          }
        }
        out.streams.push_back(std::move(stream));
      });
  reader.read();
  if (out.cluster) resolve_cluster(out, reader.node());
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
