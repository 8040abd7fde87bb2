// The one-shot handle through which a handler answers its request.
//
// A handler receives a Responder by value. It must answer exactly once:
//   - responder(response)                     a normal response, or
//   - responder.start_event_stream()          turn the response into a
//                                             server-sent event stream.
// It may do so synchronously, before returning, or later from any thread
// (after handing the Responder to a worker). Answering consumes the
// Responder; calls on a consumed (or moved-from) Responder do nothing and
// return false / nullptr.
//
// Guarantees:
//  - Dropped without answering (destroyed, including by an exception
//    unwinding through the handler): the client gets a 500 JSON error and
//    ServerCounters::handler_errors is incremented.
//  - Never blocks: answering posts the response to the connection's strand.
//  - Answering after the connection has gone away (client closed, server
//    force-stopped) is harmless: the answer is dropped.
//
// Lifetime: a pending Responder keeps its connection object alive (not its
// timeouts: a handler that never answers holds the connection until the
// server's stop deadline closes it). Answer or destroy every Responder before
// the io_context is destroyed.
//
// Handing it to a std::function-based queue: std::function needs a copyable
// callable, so wrap it: auto r = std::make_shared<Responder>(std::move(respond));
// then (*r)(response) on the worker. Dropping the last shared_ptr unanswered
// answers 500 as above.
//
// Thread safety: a Responder is a unique handle; use it from one thread at a
// time. Different Responders may be used concurrently.
#pragma once

#include <memory>

#include "http/response.h"

namespace driftd::http {

class EventStream;
namespace detail {
class Session;
}

class Responder {
 public:
  Responder() = default;  // consumed: answers nothing
  // Built by the server.
  explicit Responder(std::shared_ptr<detail::Session> session);

  Responder(Responder&& other) noexcept = default;
  // An unanswered Responder being overwritten answers 500 first.
  Responder& operator=(Responder&& other) noexcept;
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  ~Responder();

  // Sends `response`. Returns false (and sends nothing) if already answered.
  bool operator()(Response response);
  bool send(Response response) { return (*this)(std::move(response)); }

  // Answers with a server-sent event stream: the server writes the stream's
  // headers (200, text/event-stream) and the returned stream carries the
  // events (http/event_stream.h). nullptr when already answered, or when the
  // server refuses the stream (max_streams reached, or stopping): the client
  // then gets a 503 JSON error; or for a HEAD request: the client gets the
  // stream's headers and the connection closes, with no events to send.
  std::shared_ptr<EventStream> start_event_stream();

  // True while an answer is still owed.
  bool pending() const { return session_ != nullptr; }
  explicit operator bool() const { return pending(); }

 private:
  void answer_dropped() noexcept;

  std::shared_ptr<detail::Session> session_;  // null once answered
};

}  // namespace driftd::http
