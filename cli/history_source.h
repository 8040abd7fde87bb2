// Where driftctl reads what driftd concluded: the SQLite file itself
// (--db FILE, read-only, safe while the daemon runs) or the daemon's API
// (--url URL). Both give the same JSON (store/history_queries.h), so every
// command renders one shape whichever it uses.
//
// Also the time options the history commands share: --from/--to take ms
// since the epoch or an RFC 3339 time, --since a duration back from now.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/api_client.h"
#include "store/history_queries.h"
#include "store/sqlite.h"

namespace driftd::cli {

class HistorySource {
 public:
  // Exactly one of db and url must be given (else UsageError).
  HistorySource(const std::string& db, const std::string& url, const std::string& token,
                const std::string& cacert);

  nlohmann::ordered_json alerts(const store::AlertQuery& query);
  nlohmann::ordered_json series(const std::string& stream, const std::string& feature,
                                const std::string& metric, int64_t from, int64_t to,
                                std::size_t limit);

  bool uses_api() const { return api_.has_value(); }
  store::Database* database() { return db_.get(); }
  const ApiClient* api() const { return api_ ? &*api_ : nullptr; }

 private:
  std::unique_ptr<store::Database> db_;
  std::optional<ApiClient> api_;
};

// The [from, to) range of --from, --to and --since (UsageError naming the
// option for a bad value, or --since with --from).
struct TimeRange {
  int64_t from = INT64_MIN;
  int64_t to = INT64_MAX;
};
TimeRange parse_time_range(const std::string& from, const std::string& to,
                           const std::string& since);

// ms since the epoch as "2026-11-28 16:00:00" (UTC), "-" for none.
std::string format_time(std::optional<int64_t> ms);

}  // namespace driftd::cli
