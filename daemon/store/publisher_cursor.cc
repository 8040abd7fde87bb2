#include "store/publisher_cursor.h"

#include "store/alert_event_reader.h"

namespace driftd::store {

int64_t open_publisher_cursor(Database& db, const std::string& name, int64_t now_ms) {
  Statement read = db.prepare("SELECT delivered_through FROM publisher_cursors WHERE name = ?1");
  read.bind(1, std::string_view(name));
  if (read.step()) return read.column_int(0);
  const int64_t newest = last_alert_event_id(db);
  db.prepare("INSERT INTO publisher_cursors VALUES (?1, ?2, ?3)")
      .bind(1, std::string_view(name))
      .bind(2, newest)
      .bind(3, now_ms)
      .run();
  return newest;
}

void advance_publisher_cursor(Database& db, const std::string& name, int64_t through,
                              int64_t now_ms) {
  db.prepare("UPDATE publisher_cursors SET delivered_through = ?2, updated_at = ?3 WHERE name = ?1")
      .bind(1, std::string_view(name))
      .bind(2, through)
      .bind(3, now_ms)
      .run();
}

}  // namespace driftd::store
