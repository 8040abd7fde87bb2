#include "store/alert_event_reader.h"

namespace driftd::store {

std::vector<AlertEvent> read_alert_events(Database& db, int64_t after, std::size_t limit) {
  Statement query = db.prepare(
      "SELECT e.id, a.stream, a.feature, e.severity, e.transition, e.payload, e.delivered_here "
      "FROM alert_events e JOIN alerts a ON a.id = e.alert_id "
      "WHERE e.id > ?1 ORDER BY e.id LIMIT ?2");
  query.bind(1, after).bind(2, static_cast<int64_t>(limit));
  std::vector<AlertEvent> events;
  while (query.step()) {
    events.push_back({query.column_int(0), query.column_text(1), query.column_text(2),
                      query.column_text(3), query.column_text(4), query.column_text(5),
                      query.column_int(6) != 0});
  }
  return events;
}

int64_t last_alert_event_id(Database& db) {
  Statement query = db.prepare("SELECT coalesce(max(id), 0) FROM alert_events");
  query.step();
  return query.column_int(0);
}

}  // namespace driftd::store
