#include "app/api_routes.h"

#include <chrono>
#include <memory>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "http/json_response.h"
#include "ingest/error_sink.h"

namespace driftd {
namespace {

thread_local std::size_t writer_index = 0;

constexpr std::size_t kReportedErrors = 5;

// The index of the stream called `name` in context.streams, if any.
std::optional<std::size_t> find_stream(const ApiContext& context, std::string_view name) {
  for (std::size_t s = 0; s < context.streams->size(); ++s) {
    if ((*context.streams)[s]->config().name == name) return s;
  }
  return std::nullopt;
}

const char* outcome_name(ingest::EventOutcome outcome) {
  return outcome == ingest::EventOutcome::kInvalidEventTime ? "invalid_event_time" : "malformed";
}

void ingest_events(const ApiContext& context, http::Request& request, http::Responder respond) {
  const std::optional<std::size_t> stream_index = find_stream(context, request.param("stream"));
  if (!stream_index) {
    respond(http::json_error(http::Status::not_found,
                             "no stream named '" + std::string(request.param("stream")) + "'"));
    return;
  }
  StreamRuntime* stream = (*context.streams)[*stream_index].get();
  if (stream->config().source.type != config::SourceType::http) {
    respond(http::json_error(http::Status::conflict,
                             "stream '" + stream->config().name + "' is fed by Kafka, not HTTP"));
    return;
  }
  std::string& body = request.mutable_body();
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
    respond(http::json_error(http::Status::bad_request,
                             "empty body: send one JSON object per line (NDJSON) or a JSON array"));
    return;
  }
  ingest::FirstErrors errors(kReportedErrors);
  const IngestResult result =
      stream->ingest_ndjson(writer_index, body, body.capacity(), &errors, Clock::system().wall_ms());
  nlohmann::json error_list = nlohmann::json::array();
  for (const auto& entry : errors.entries()) {
    error_list.push_back(
        {{"line", entry.line}, {"error", outcome_name(entry.outcome)}, {"reason", entry.reason}});
  }
  const auto& summary = result.summary;
  if (summary.rows == 0 && summary.malformed == summary.events) {
    respond(http::json_response(
        http::Status::bad_request,
        {{"error", {{"status", 400},
                    {"message", "the body is not NDJSON: no line is a JSON object"},
                    {"errors", error_list}}}}));
    return;
  }
  nlohmann::json answer = {{"accepted", summary.rows},
                           {"rejected", summary.malformed + summary.invalid_event_time},
                           {"late", result.late},
                           {"errors", error_list}};
  // During the reference capture nothing is checkpointed (a crash restarts
  // the capture): those events are answered at once, "durable": false.
  if (context.ingest_ack != config::IngestAck::durable || !stream->monitoring()) {
    answer["durable"] = false;
    respond(http::json_response(http::Status::accepted, answer));
    return;
  }
  auto responder = std::make_shared<http::Responder>(std::move(respond));
  context.manager->ack_when_durable(*stream_index, [responder, answer](bool durable) mutable {
    if (!durable) {
      (*responder)(http::json_error(
          http::Status::service_unavailable,
          "the events were recorded but could not be committed to SQLite (see /readyz); they "
          "will be committed later, so sending them again may count them twice"));
      return;
    }
    answer["durable"] = true;
    (*responder)(http::json_response(http::Status::accepted, answer));
  });
}

// Per feature: "active" (compared with its reference), "none" (no
// reference: not evaluated) or "capturing" (the reference is being captured).
nlohmann::json features_json(const StreamRuntime& stream) {
  nlohmann::json features = nlohmann::json::array();
  for (std::size_t f = 0; f < stream.config().features.size(); ++f) {
    const char* reference = !stream.monitoring()     ? "capturing"
                            : stream.has_reference(f) ? "active"
                                                      : "none";
    features.push_back({{"name", stream.config().features[f].name}, {"reference", reference}});
  }
  return features;
}

// Why /readyz is not plain "ready": a feature without reference (its stream
// still serves: the others are monitored).
void add_reference_reasons(const ApiContext& context, nlohmann::json& reasons) {
  for (const auto& stream : *context.streams) {
    for (std::size_t f = 0; f < stream->config().features.size(); ++f) {
      if (!stream->monitoring() || stream->has_reference(f)) continue;
      reasons.push_back("stream '" + stream->config().name + "': feature '" +
                        stream->config().features[f].name +
                        "' has no reference (too few values in its capture, or none stored) "
                        "and is not evaluated; import one with driftctl reference import and "
                        "restart");
    }
  }
}

nlohmann::json stream_json(const StreamRuntime& stream) {
  const StreamCounters& c = stream.counters();
  return {{"name", stream.config().name},
          {"source", config::to_string(stream.config().source.type)},
          {"phase", stream.monitoring() ? "monitoring" : "capturing_reference"},
          {"events", c.events.load(std::memory_order_relaxed)},
          {"accepted", c.accepted.load(std::memory_order_relaxed)},
          {"malformed", c.malformed.load(std::memory_order_relaxed)},
          {"invalid_event_time", c.invalid_event_time.load(std::memory_order_relaxed)},
          {"late", c.late.load(std::memory_order_relaxed)},
          {"windows_closed", c.windows_closed.load(std::memory_order_relaxed)},
          {"features", features_json(stream)}};
}

void kafka_metrics(std::ostringstream& out, const kafka::KafkaSource& source) {
  const kafka::KafkaCounters& kafka = source.counters();
  const auto metric = [&](const char* name, const char* type, const char* help, auto value) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
        << name << ' ' << value << '\n';
  };
  const auto load = [](const auto& counter) { return counter.load(std::memory_order_relaxed); };
  const auto seconds = [](const std::atomic<uint64_t>& nanoseconds) {
    return static_cast<double>(nanoseconds.load(std::memory_order_relaxed)) / 1e9;
  };
  metric("driftd_kafka_messages_total", "counter", "Kafka messages consumed.",
         load(kafka.messages));
  metric("driftd_kafka_errors_total", "counter", "Kafka client and consumer errors.",
         load(kafka.errors));
  metric("driftd_kafka_rebalances_total", "counter", "Partition assignments and revocations.",
         load(kafka.rebalances));
  metric("driftd_kafka_offset_commits_total", "counter",
         "Offset commits to Kafka (after the windows they cover were committed to SQLite).",
         load(kafka.offset_commits));
  metric("driftd_kafka_offset_commit_failures_total", "counter", "Failed offset commits.",
         load(kafka.offset_commit_failures));
  metric("driftd_kafka_consumer_lag", "gauge",
         "Messages behind the high watermark, summed over assigned partitions.",
         load(kafka.consumer_lag));
  metric("driftd_kafka_brokers_up", "gauge", "Kafka brokers the consumer is connected to.",
         load(kafka.brokers_up));
  metric("driftd_kafka_poll_seconds_total", "counter",
         "Consumer thread time in librdkafka, fetching batches (idle waits included).",
         seconds(kafka.poll_nanoseconds));
  metric("driftd_kafka_process_seconds_total", "counter",
         "Consumer thread time decoding and recording messages.",
         seconds(kafka.process_nanoseconds));
  const std::vector<kafka::ConsumerThreadStatus> threads = source.consumer_threads();
  const auto per_thread = [&](const char* name, const char* type, const char* help,
                              auto kafka::ConsumerThreadStatus::*member) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
    for (std::size_t t = 0; t < threads.size(); ++t) {
      out << name << "{thread=\"" << t << "\"} " << threads[t].*member << '\n';
    }
  };
  per_thread("driftd_kafka_thread_messages_total", "counter",
             "Kafka messages consumed, by consumer thread (kafka.threads).",
             &kafka::ConsumerThreadStatus::messages);
  per_thread("driftd_kafka_thread_partitions", "gauge",
             "Partitions assigned now, by consumer thread (kafka.threads).",
             &kafka::ConsumerThreadStatus::partitions);
}

std::string prometheus_text(const ApiContext& context) {
  std::ostringstream out;
  const auto family = [&](const char* name, const char* type, const char* help) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
  };
  const auto per_stream = [&](const char* name, const char* help,
                              const std::atomic<uint64_t> StreamCounters::*member) {
    family(name, "counter", help);
    for (const auto& stream : *context.streams) {
      out << name << "{stream=\"" << stream->config().name << "\"} "
          << (stream->counters().*member).load(std::memory_order_relaxed) << '\n';
    }
  };
  per_stream("driftd_events_total", "Events received, accepted or not.", &StreamCounters::events);
  per_stream("driftd_events_accepted_total", "Events decoded into windows.",
             &StreamCounters::accepted);
  per_stream("driftd_events_malformed_total", "Events that were not one valid JSON object.",
             &StreamCounters::malformed);
  per_stream("driftd_events_invalid_event_time_total",
             "Events whose event time was missing or invalid.",
             &StreamCounters::invalid_event_time);
  per_stream("driftd_events_late_total", "Events that arrived after their window closed.",
             &StreamCounters::late);
  per_stream("driftd_windows_closed_total", "Windows closed and evaluated.",
             &StreamCounters::windows_closed);
  family("driftd_features_without_reference", "gauge",
         "Features whose capture found too few values (or that have no stored reference): not "
         "evaluated until one is imported.");
  for (const auto& stream : *context.streams) {
    out << "driftd_features_without_reference{stream=\"" << stream->config().name << "\"} "
        << stream->features_without_reference() << '\n';
  }
  family("driftd_ingest_stage_seconds_total", "counter",
         "Writer time per stage of the hot path: decode (JSON) and record (bin and count).");
  for (const auto& stream : *context.streams) {
    const StreamCounters& counters = stream->counters();
    for (const auto& [stage, nanoseconds] :
         {std::pair{"decode", &counters.decode_nanoseconds},
          std::pair{"record", &counters.record_nanoseconds}}) {
      out << "driftd_ingest_stage_seconds_total{stream=\"" << stream->config().name
          << "\",stage=\"" << stage << "\"} "
          << static_cast<double>(nanoseconds->load(std::memory_order_relaxed)) / 1e9 << '\n';
    }
  }
  const auto per_feature = [&](const char* name, const char* help,
                               const std::atomic<uint64_t> FeatureCounters::*member) {
    family(name, "counter", help);
    for (const auto& stream : *context.streams) {
      for (std::size_t f = 0; f < stream->config().features.size(); ++f) {
        out << name << "{stream=\"" << stream->config().name << "\",feature=\""
            << stream->config().features[f].name << "\"} "
            << (stream->feature_counters(f).*member).load(std::memory_order_relaxed) << '\n';
      }
    }
  };
  per_feature("driftd_feature_missing_total",
              "Values absent or null, in closed windows.", &FeatureCounters::missing);
  per_feature("driftd_feature_invalid_total",
              "Values of the wrong type, in closed windows.", &FeatureCounters::invalid);
  family("driftd_sqlite_commits_total", "counter", "Window commits to SQLite.");
  out << "driftd_sqlite_commits_total " << context.manager->commits() << '\n';
  family("driftd_sqlite_commit_failures_total", "counter", "Failed window commits (retried).");
  out << "driftd_sqlite_commit_failures_total " << context.manager->commit_failures() << '\n';
  family("driftd_sqlite_commit_seconds", "histogram",
         "Duration of each SQLite commit of windows, alerts, checkpoint and positions.");
  context.manager->commit_latency().write(out, "driftd_sqlite_commit_seconds");
  family("driftd_alerts_open", "gauge", "Alerts firing now, by severity.");
  out << "driftd_alerts_open{severity=\"warn\"} " << context.manager->open_alerts(Severity::kWarn)
      << "\ndriftd_alerts_open{severity=\"critical\"} "
      << context.manager->open_alerts(Severity::kCritical) << '\n';
  const http::ServerCounters& http = context.server->counters();
  family("driftd_http_responses_total", "counter", "HTTP responses by status class.");
  for (int status_class = 1; status_class <= 5; ++status_class) {
    out << "driftd_http_responses_total{class=\"" << status_class << "xx\"} "
        << http.responses(status_class) << '\n';
  }
  family("driftd_http_open_connections", "gauge", "Open HTTP connections.");
  out << "driftd_http_open_connections " << context.server->open_connections() << '\n';
  family("driftd_http_inflight_body_bytes", "gauge",
         "Request body bytes held now across connections (bounded by "
         "http.max_inflight_body_bytes).");
  out << "driftd_http_inflight_body_bytes " << context.server->inflight_body_bytes() << '\n';
  family("driftd_http_rejected_total", "counter",
         "HTTP connections or requests refused by a limit, a timeout, authentication or TLS.");
  const std::pair<const char*, const std::atomic<std::uint64_t>*> rejections[] = {
      {"connections", &http.rejected_connections},
      {"event_streams", &http.rejected_streams},
      {"body_too_large", &http.rejected_body_too_large},
      {"body_budget", &http.rejected_body_budget},
      {"header_too_large", &http.rejected_header_too_large},
      {"unauthorized", &http.rejected_unauthorized},
      {"timeout", &http.timeouts},
      {"tls_handshake", &http.tls_handshake_failures},
  };
  for (const auto& [reason, counter] : rejections) {
    out << "driftd_http_rejected_total{reason=\"" << reason << "\"} "
        << counter->load(std::memory_order_relaxed) << '\n';
  }
  family("driftd_alert_subscribers", "gauge", "Server-sent event clients of /v1/alerts/stream.");
  out << "driftd_alert_subscribers " << context.alert_feed->subscribers() << '\n';
  family("driftd_webhook_backlog", "gauge", "Webhook deliveries waiting in the outbox.");
  out << "driftd_webhook_backlog " << context.webhooks->backlog() << '\n';
  family("driftd_webhook_attempts_total", "counter", "Webhook delivery attempts by result.");
  out << "driftd_webhook_attempts_total{result=\"delivered\"} " << context.webhooks->delivered()
      << "\ndriftd_webhook_attempts_total{result=\"failed\"} "
      << context.webhooks->failed_attempts() << '\n';
  if (context.alert_topic != nullptr) {
    family("driftd_kafka_alerts_published_total", "counter",
           "Alert events acknowledged by the Kafka alert topic.");
    out << "driftd_kafka_alerts_published_total " << context.alert_topic->published() << '\n';
  }
  if (context.kafka != nullptr) kafka_metrics(out, *context.kafka);
  return out.str();
}

}  // namespace

void set_writer_index(std::size_t index) { writer_index = index; }

void register_api_routes(http::Router& router, ApiContext context) {
  router.post("/v1/streams/{stream}/events", [context](http::Request& request, http::Responder respond) {
    ingest_events(context, request, std::move(respond));
  });
  router.get("/v1/streams", [context](http::Request&, http::Responder respond) {
    nlohmann::json streams = nlohmann::json::array();
    for (const auto& stream : *context.streams) streams.push_back(stream_json(*stream));
    respond(http::json_response(http::Status::ok, {{"streams", streams}}));
  });
  router.get(
      "/healthz",
      [](http::Request&, http::Responder respond) {
        respond(http::json_response(http::Status::ok, {{"status", "ok"}}));
      },
      {.public_access = true});
  router.get("/readyz", [context](http::Request&, http::Responder respond) {
    if (!context.ready->load(std::memory_order_acquire)) {
      respond(http::json_response(http::Status::service_unavailable, {{"status", "starting"}}));
      return;
    }
    nlohmann::json reasons = nlohmann::json::array();
    if (context.kafka != nullptr) {
      if (const auto problem = context.kafka->problem()) reasons.push_back(*problem);
    }
    if (const uint64_t behind = context.manager->streams_behind(); behind > 0) {
      reasons.push_back(std::to_string(behind) +
                        " stream(s) cannot commit to SQLite (windows and checkpoints kept in "
                        "memory, retried every tick): " +
                        context.manager->commit_problem());
    }
    const bool degraded = !reasons.empty();
    add_reference_reasons(context, reasons);
    if (degraded) {
      respond(http::json_response(http::Status::service_unavailable,
                                  {{"status", "degraded"}, {"reasons", reasons}}));
      return;
    }
    if (!reasons.empty()) {
      respond(http::json_response(http::Status::ok, {{"status", "ready"}, {"reasons", reasons}}));
      return;
    }
    respond(http::json_response(http::Status::ok, {{"status", "ready"}}));
  });
  router.get("/metrics", [context](http::Request&, http::Responder respond) {
    respond(http::text_response(http::Status::ok, prometheus_text(context),
                                "text/plain; version=0.0.4; charset=utf-8"));
  });
}

}  // namespace driftd
