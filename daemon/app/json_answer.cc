#include "app/json_answer.h"

#include <string>

#include "common/error.h"
#include "http/json_response.h"
#include "store/history_queries.h"
#include "store/sqlite.h"
#include "store/write_queue.h"

namespace driftd {

void answer_json(http::Responder& respond, http::Status status,
                 const std::function<nlohmann::ordered_json()>& action) {
  try {
    respond(http::ordered_json_response(status, action()));
  } catch (const store::NotFound& error) {
    respond(http::json_error(http::Status::not_found, error.what()));
  } catch (const store::Conflict& error) {
    respond(http::json_error(http::Status::conflict, error.what()));
  } catch (const InputError& error) {
    respond(http::json_error(http::Status::bad_request, error.what()));
  } catch (const store::SqliteInterrupted&) {
    respond(http::json_error(
        http::Status::service_unavailable,
        "the query found nothing to show within its time budget (http.read_time_budget): "
        "narrow it (from and to, filters, a cursor further on)"));
  } catch (const store::WriterClosed& error) {
    respond(http::json_error(http::Status::service_unavailable,
                             std::string("the database cannot answer now: ") + error.what()));
  } catch (const store::SqliteError& error) {
    respond(http::json_error(http::Status::service_unavailable,
                             std::string("the database cannot answer now: ") + error.what()));
  }
}

}  // namespace driftd
