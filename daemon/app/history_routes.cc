#include "app/history_routes.h"

#include <charconv>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "app/json_answer.h"
#include "common/error.h"
#include "http/json_response.h"
#include "ingest/event_time.h"
#include "store/drift_grid_query.h"
#include "store/history_queries.h"
#include "store/joint_history_queries.h"

namespace driftd {
namespace {

using Json = nlohmann::ordered_json;

// The query parameters of one request, checked against what the route takes.
class Parameters {
 public:
  Parameters(const http::Request& request, std::set<std::string_view> known)
      : request_(request) {
    for (const auto& [name, value] : request.query_params().entries()) {
      if (!known.contains(name)) {
        std::string list;
        for (const std::string_view option : known) list += (list.empty() ? "" : ", ") + std::string(option);
        throw InputError("unknown query parameter '" + name + "' (this endpoint takes " +
                         (list.empty() ? std::string("none") : list) + ")");
      }
    }
  }

  std::string text(std::string_view name, bool required = false) const {
    const auto value = request_.query(name);
    if (!value && required) {
      throw InputError("query parameter '" + std::string(name) + "' is required");
    }
    return std::string(value.value_or(""));
  }

  std::string one_of(std::string_view name, std::initializer_list<std::string_view> allowed) const {
    const std::string value = text(name);
    if (value.empty()) return value;
    for (const std::string_view option : allowed) {
      if (value == option) return value;
    }
    std::string list;
    for (const std::string_view option : allowed) list += (list.empty() ? "" : ", ") + std::string(option);
    throw InputError("query parameter '" + std::string(name) + "': '" + value +
                     "' is not one of " + list);
  }

  int64_t integer(std::string_view name, int64_t fallback, int64_t min, int64_t max) const {
    const auto value = request_.query(name);
    if (!value) return fallback;
    int64_t number = 0;
    const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), number);
    if (error != std::errc() || end != value->data() + value->size() || number < min ||
        number > max) {
      throw InputError("query parameter '" + std::string(name) + "' must be an integer between " +
                       std::to_string(min) + " and " + std::to_string(max));
    }
    return number;
  }

  // Milliseconds since the epoch, or an RFC 3339 timestamp.
  int64_t time(std::string_view name, int64_t fallback) const {
    const auto value = request_.query(name);
    if (!value) return fallback;
    int64_t number = 0;
    const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), number);
    if (error == std::errc() && end == value->data() + value->size()) return number;
    if (const auto ms = ingest::epoch_ms_from_rfc3339(*value)) return *ms;
    throw InputError("query parameter '" + std::string(name) +
                     "' must be milliseconds since the epoch or an RFC 3339 time "
                     "(2026-11-28T16:00:00Z), not '" + std::string(*value) + "'");
  }

 private:
  const http::Request& request_;
};

// A query of the historical API, its parameters already read: it runs on a
// read thread.
using Query = std::function<Json(store::Database&)>;

// Reads the request's parameters here, on the I/O thread (a bad one is
// answered 400 at once), then runs the query `read` returns on the read
// pool and answers from there. A full pool is answered 503 with Retry-After.
void answer_from_read_pool(store::ReadPool& pool, http::Responder respond,
                           const std::function<Query()>& read) {
  Query query;
  try {
    query = read();
  } catch (const InputError& error) {
    respond(http::json_error(http::Status::bad_request, error.what()));
    return;
  }
  auto responder = std::make_shared<http::Responder>(std::move(respond));
  const bool taken = pool.try_post([responder, query = std::move(query)](store::Database& db) {
    answer_json(*responder, http::Status::ok, [&] { return query(db); });
  });
  if (!taken) {
    http::Response busy = http::json_error(
        http::Status::service_unavailable,
        "too many historical queries are running or waiting (http.read_threads: " +
            std::to_string(pool.options().threads) +
            ", http.read_queue: " + std::to_string(pool.options().max_queued) + "); retry later");
    busy.set(boost::beast::http::field::retry_after, "1");
    (*responder)(std::move(busy));
  }
}

// The {id} of a window path: a positive integer.
int64_t window_id(std::string_view text) {
  int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id < 1) {
    throw InputError("window id must be a positive integer, not '" + std::string(text) + "'");
  }
  return id;
}

}  // namespace

void register_history_routes(http::Router& router, store::ReadPool& pool) {
  router.get("/v1/alerts", [&pool](http::Request& request, http::Responder respond) {
    answer_from_read_pool(pool, std::move(respond), [&]() -> Query {
      const Parameters parameters(
          request, {"stream", "feature", "severity", "state", "from", "to", "limit", "cursor"});
      store::AlertQuery query;
      query.stream = parameters.text("stream");
      query.feature = parameters.text("feature");
      query.severity = parameters.one_of("severity", {"warn", "critical"});
      query.state = parameters.one_of("state", {"firing", "resolved"});
      query.from = parameters.time("from", INT64_MIN);
      query.to = parameters.time("to", INT64_MAX);
      query.limit = static_cast<std::size_t>(parameters.integer("limit", 100, 1, 1000));
      if (request.query("cursor")) {
        query.before_id = parameters.integer("cursor", 0, 1, INT64_MAX);
      }
      return [query](store::Database& db) { return store::alerts_json(db, query); };
    });
  });
  router.get("/v1/metrics", [&pool](http::Request& request, http::Responder respond) {
    answer_from_read_pool(pool, std::move(respond), [&]() -> Query {
      const Parameters parameters(request,
                                  {"stream", "feature", "metric", "from", "to", "limit", "cursor"});
      store::MetricQuery query;
      query.stream = parameters.text("stream", true);
      query.feature = parameters.text("feature", true);
      query.metric = parameters.text("metric", true);
      query.from = parameters.time("from", INT64_MIN);
      query.to = parameters.time("to", INT64_MAX);
      query.limit = static_cast<std::size_t>(parameters.integer("limit", 10000, 1, 100000));
      if (request.query("cursor")) {
        query.after_start = parameters.integer("cursor", 0, INT64_MIN, INT64_MAX);
      }
      return [query](store::Database& db) { return store::metric_series_json(db, query); };
    });
  });
  router.get("/v1/windows/{id}", [&pool](http::Request& request, http::Responder respond) {
    answer_from_read_pool(pool, std::move(respond), [&]() -> Query {
      const Parameters parameters(request, {});
      const int64_t id = window_id(request.param("id"));
      return [id](store::Database& db) { return store::window_json(db, id); };
    });
  });
  router.get("/v1/joint-windows/{id}", [&pool](http::Request& request, http::Responder respond) {
    answer_from_read_pool(pool, std::move(respond), [&]() -> Query {
      const Parameters parameters(request, {});
      const int64_t id = window_id(request.param("id"));
      return [id](store::Database& db) { return store::joint_window_json(db, id); };
    });
  });
  router.get("/v1/streams/{stream}/grid", [&pool](http::Request& request, http::Responder respond) {
    answer_from_read_pool(pool, std::move(respond), [&]() -> Query {
      const Parameters parameters(request, {"metric", "windows"});
      store::GridQuery query;
      query.stream = std::string(request.param("stream"));
      if (const std::string metric = parameters.text("metric"); !metric.empty()) query.metric = metric;
      query.windows = static_cast<std::size_t>(parameters.integer("windows", 30, 1, 500));
      return [query](store::Database& db) { return store::drift_grid_json(db, query); };
    });
  });
  router.get("/v1/references", [&pool](http::Request& request, http::Responder respond) {
    answer_from_read_pool(pool, std::move(respond), [&]() -> Query {
      const Parameters parameters(request, {"stream"});
      return [stream = parameters.text("stream")](store::Database& db) {
        return Json{{"references", store::references_json(db, stream)}};
      };
    });
  });
  router.get("/v1/references/{stream}/{feature}",
             [&pool](http::Request& request, http::Responder respond) {
               answer_from_read_pool(pool, std::move(respond), [&]() -> Query {
                 const Parameters parameters(request, {"version"});
                 return [stream = std::string(request.param("stream")),
                         feature = std::string(request.param("feature")),
                         version = parameters.integer("version", 0, 1, INT64_MAX)](
                            store::Database& db) {
                   return store::reference_json(db, stream, feature, version);
                 };
               });
             });
}

}  // namespace driftd
