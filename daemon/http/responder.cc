#include "http/responder.h"

#include <utility>

#include "http/detail/server_state.h"
#include "http/detail/session.h"
#include "http/event_stream.h"
#include "http/json_response.h"

namespace driftd::http {

Responder::Responder(std::shared_ptr<detail::Session> session) : session_(std::move(session)) {}

Responder& Responder::operator=(Responder&& other) noexcept {
  if (this != &other) {
    answer_dropped();
    session_ = std::move(other.session_);
  }
  return *this;
}

Responder::~Responder() { answer_dropped(); }

bool Responder::operator()(Response response) {
  if (!session_) {
    return false;
  }
  const auto session = std::move(session_);
  session->deliver(std::move(response));
  return true;
}

std::shared_ptr<EventStream> Responder::start_event_stream() {
  if (!session_) {
    return nullptr;
  }
  const auto session = std::move(session_);
  return session->start_stream();
}

void Responder::answer_dropped() noexcept {
  if (!session_) {
    return;
  }
  const auto session = std::move(session_);
  try {
    session->state().counters().handler_errors.fetch_add(1, std::memory_order_relaxed);
    session->deliver(json_error(Status::internal_server_error, "the handler did not answer"));
  } catch (...) {
    // Out of memory while building the 500: the connection stays until the
    // client or the stop deadline closes it.
  }
}

}  // namespace driftd::http
