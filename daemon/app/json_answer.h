// How the API's JSON handlers answer: the document an action computes, or
// the error a person can act on: store::NotFound -> 404, store::Conflict ->
// 409, InputError -> 400, a query stopped by its time budget
// (store::SqliteInterrupted) -> 503 naming http.read_time_budget, a database
// that cannot answer (store::SqliteError, store::WriterClosed while
// stopping) -> 503.
#pragma once

#include <functional>

#include <nlohmann/json.hpp>

#include "http/responder.h"
#include "http/response.h"

namespace driftd {

void answer_json(http::Responder& respond, http::Status status,
                 const std::function<nlohmann::ordered_json()>& action);

}  // namespace driftd
