#include "app/api_routes.h"

#include <chrono>
#include <memory>
#include <optional>

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

// The stream's window: its type and size.
nlohmann::json window_spec_json(const config::WindowConfig& window) {
  const auto ms = [](config::Duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  nlohmann::json out = {{"type", config::to_string(window.type)}};
  if (window.type == config::WindowType::count) {
    out["events"] = window.events;
  } else {
    out["size_ms"] = ms(window.size);
    out["slide_ms"] = ms(window.slide);
  }
  return out;
}

// The stream's feature pairs ({name, x, y}) and groups ({name, features}).
nlohmann::json pairs_json(const config::StreamConfig& stream) {
  nlohmann::json pairs = nlohmann::json::array();
  for (const config::PairConfig& pair : stream.pairs) {
    pairs.push_back({{"name", pair.name}, {"x", pair.x}, {"y", pair.y}});
  }
  return pairs;
}

nlohmann::json groups_json(const config::StreamConfig& stream) {
  nlohmann::json groups = nlohmann::json::array();
  for (const config::GroupConfig& group : stream.groups) {
    groups.push_back({{"name", group.name}, {"features", group.features}});
  }
  return groups;
}

// The stream's alert rules: metric, thresholds and the subjects each watches.
nlohmann::json rules_json(const config::StreamConfig& stream) {
  nlohmann::json rules = nlohmann::json::array();
  for (const config::AlertRule& rule : stream.alerts) {
    nlohmann::json subjects = nlohmann::json::array();
    for (std::size_t s = 0; s < config::subject_count(stream); ++s) {
      if (config::watches(rule, stream, s)) subjects.push_back(config::subject_name(stream, s));
    }
    rules.push_back({{"metric", config::to_string(rule.metric)},
                     {"warn", rule.warn},
                     {"critical", rule.critical},
                     {"max_p_value", rule.max_p_value ? nlohmann::json(*rule.max_p_value)
                                                      : nlohmann::json(nullptr)},
                     {"subjects", subjects}});
  }
  return rules;
}

nlohmann::json stream_json(const ApiContext& context, std::size_t stream_index) {
  const StreamRuntime& stream = *(*context.streams)[stream_index];
  const StreamCounters& c = stream.counters();
  nlohmann::json last_window = nullptr;
  if (const auto committed = context.manager->latest_drift().last_window(stream_index)) {
    last_window = {{"start", committed->bounds.start},
                   {"end", committed->bounds.end},
                   {"committed_at", committed->committed_ms},
                   {"accepted_then", committed->accepted}};
  }
  return {{"name", stream.config().name},
          {"source", config::to_string(stream.config().source.type)},
          {"phase", stream.monitoring() ? "monitoring" : "capturing_reference"},
          {"events", c.events.load(std::memory_order_relaxed)},
          {"accepted", c.accepted.load(std::memory_order_relaxed)},
          {"malformed", c.malformed.load(std::memory_order_relaxed)},
          {"invalid_event_time", c.invalid_event_time.load(std::memory_order_relaxed)},
          {"late", c.late.load(std::memory_order_relaxed)},
          {"windows_closed", c.windows_closed.load(std::memory_order_relaxed)},
          {"window", window_spec_json(stream.config().window)},
          {"last_window", last_window},
          {"rules", rules_json(stream.config())},
          {"features", features_json(stream)},
          {"pairs", pairs_json(stream.config())},
          {"groups", groups_json(stream.config())}};
}

}  // namespace

void set_writer_index(std::size_t index) { writer_index = index; }

void register_api_routes(http::Router& router, ApiContext context) {
  router.post("/v1/streams/{stream}/events", [context](http::Request& request, http::Responder respond) {
    ingest_events(context, request, std::move(respond));
  });
  router.get("/v1/streams", [context](http::Request&, http::Responder respond) {
    nlohmann::json streams = nlohmann::json::array();
    for (std::size_t s = 0; s < context.streams->size(); ++s) {
      streams.push_back(stream_json(context, s));
    }
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
    if (const std::string problem = context.manager->cluster_problem(); !problem.empty()) {
      reasons.push_back("cluster: " + problem);
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
    respond(http::text_response(http::Status::ok, context.metrics->render(),
                                "text/plain; version=0.0.4; charset=utf-8"));
  });
}

}  // namespace driftd
