#include "http/detail/session.h"

#include <string_view>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "http/detail/server_state.h"
#include "http/detail/string_view.h"
#include "http/event_stream.h"
#include "http/json_response.h"
#include "http/responder.h"

namespace driftd::http::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t kFirstReadBytes = 4096;
// A lingering close stops discarding input after this much.
constexpr std::size_t kMaxLingerBytes = 1024 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

bool is_http_error(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

tcp::endpoint remote_of(const tcp::socket& socket) {
  beast::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? tcp::endpoint{} : endpoint;
}

}  // namespace

Session::Session(Transport transport, std::shared_ptr<ServerState> state)
    : state_(std::move(state)),
      executor_(transport.tcp().get_executor()),
      transport_(std::move(transport)),
      remote_(remote_of(transport_.tcp().socket())),
      body_reservation_(state_->body_budget()),
      chunk_header_callback_([this](std::uint64_t size, beast::string_view extensions,
                                    beast::error_code& ec) {
        on_chunk_header(size, extensions, ec);
      }) {}

Session::~Session() {
  // Normally close() or hand_off() already did both; this covers an
  // io_context destroyed with this session's handlers still queued.
  release_slot();
  state_->remove_session(this);
}

void Session::start() {
  net::post(executor_, [self = shared_from_this()] { self->do_start(); });
}

void Session::begin_shutdown() {
  net::post(executor_, [self = shared_from_this()] {
    self->shutdown_requested_ = true;
    if (self->phase_ == Phase::idle) {
      self->close();
    }
  });
}

void Session::force_close() {
  net::post(executor_, [self = shared_from_this()] { self->close(); });
}

void Session::deliver(Response response) {
  net::post(executor_, [self = shared_from_this(), response = std::move(response)]() mutable {
    self->on_response(std::move(response));
  });
}

std::shared_ptr<EventStream> Session::start_stream() {
  std::shared_ptr<EventStream> stream(new EventStream(state_, executor_));
  switch (state_->add_stream(stream)) {
    case ServerState::StreamSlot::ok:
      break;
    case ServerState::StreamSlot::over_cap:
      state_->counters().rejected_streams.fetch_add(1, std::memory_order_relaxed);
      deliver(json_error(Status::service_unavailable, "too many event streams"));
      return nullptr;
    case ServerState::StreamSlot::stopping:
      deliver(json_error(Status::service_unavailable, "server is shutting down"));
      return nullptr;
  }
  net::post(executor_, [self = shared_from_this(), stream] { self->hand_off(stream); });
  if (request_is_head_) {
    stream->close();  // HEAD: the stream's headers, then the end; no events
    return nullptr;
  }
  return stream;
}

void Session::do_start() {
  if (!state_->add_session(shared_from_this())) {
    close();
    return;
  }
  header_deadline_ = std::chrono::steady_clock::now() + state_->limits().header_timeout;
  if (transport_.is_tls()) {
    phase_ = Phase::handshake;
    transport_.tcp().expires_at(header_deadline_);
    transport_.async_tls_handshake(
        beast::bind_front_handler(&Session::on_handshake, shared_from_this()));
    return;
  }
  wait_for_request();
}

void Session::on_handshake(const beast::error_code& ec) {
  if (phase_ == Phase::closed) {
    return;
  }
  if (ec) {
    ServerCounters& counters = state_->counters();
    (ec == beast::error::timeout ? counters.timeouts : counters.tls_handshake_failures)
        .fetch_add(1, std::memory_order_relaxed);
    close();
    return;
  }
  wait_for_request();
}

void Session::wait_for_request() {
  if (shutdown_requested_ || state_->stopping()) {
    close();
    return;
  }
  phase_ = Phase::idle;
  if (buffer_.size() > 0) {  // a pipelined request is already here
    if (!first_request_) {
      header_deadline_ = std::chrono::steady_clock::now() + state_->limits().header_timeout;
    }
    read_header();
    return;
  }
  if (first_request_) {
    transport_.tcp().expires_at(header_deadline_);
  } else {
    transport_.tcp().expires_after(state_->limits().idle_timeout);
  }
  transport_.visit([this](auto& stream) {
    stream.async_read_some(buffer_.prepare(kFirstReadBytes),
                           beast::bind_front_handler(&Session::on_first_byte, shared_from_this()));
  });
}

void Session::on_first_byte(const beast::error_code& ec, std::size_t bytes) {
  if (phase_ == Phase::closed) {
    return;
  }
  buffer_.commit(bytes);
  if (ec) {
    if (ec == beast::error::timeout && first_request_) {
      state_->counters().timeouts.fetch_add(1, std::memory_order_relaxed);
    }
    close();  // idle timeout, client closed, or reset
    return;
  }
  if (!first_request_) {
    header_deadline_ = std::chrono::steady_clock::now() + state_->limits().header_timeout;
  }
  read_header();
}

void Session::read_header() {
  phase_ = Phase::header;
  request_version_ = 11;
  request_keep_alive_ = false;
  request_is_head_ = false;
  over_body_budget_ = false;
  parser_.emplace();
  parser_->header_limit(state_->limits().max_header_bytes);
  parser_->body_limit(state_->limits().max_body_bytes);
  transport_.tcp().expires_at(header_deadline_);
  transport_.visit([this](auto& stream) {
    bhttp::async_read_header(stream, buffer_, *parser_,
                             beast::bind_front_handler(&Session::on_read, shared_from_this(),
                                                       &Session::after_header));
  });
}

void Session::on_read(void (Session::*next)(), const beast::error_code& ec, std::size_t) {
  if (phase_ == Phase::closed) {
    return;
  }
  if (ec) {
    on_read_error(ec);
    return;
  }
  (this->*next)();
}

void Session::on_read_error(const beast::error_code& ec) {
  ServerCounters& counters = state_->counters();
  if (over_body_budget_) {
    refuse_over_body_budget();
  } else if (ec == beast::error::timeout) {
    counters.timeouts.fetch_add(1, std::memory_order_relaxed);
    close();  // the stream already closed the socket: nothing can be answered
  } else if (ec == bhttp::error::body_limit) {
    counters.rejected_body_too_large.fetch_add(1, std::memory_order_relaxed);
    write_response(json_error(Status::payload_too_large,
                              "request body exceeds the limit of " +
                                  std::to_string(state_->limits().max_body_bytes) + " bytes"),
                   true);
  } else if (ec == bhttp::error::header_limit) {
    counters.rejected_header_too_large.fetch_add(1, std::memory_order_relaxed);
    write_response(json_error(Status::request_header_fields_too_large,
                              "request header exceeds the limit of " +
                                  std::to_string(state_->limits().max_header_bytes) + " bytes"),
                   true);
  } else if (is_http_error(ec) && ec != bhttp::error::end_of_stream &&
             ec != bhttp::error::partial_message) {
    write_response(json_error(Status::bad_request, "malformed HTTP request: " + ec.message()),
                   true);
  } else {
    close();  // the client closed or reset the connection
  }
}

void Session::after_header() {
  auto& message = parser_->get();
  request_version_ = message.version() == 10 ? 10 : 11;
  request_keep_alive_ = message.keep_alive();
  request_is_head_ = message.method() == Verb::head;

  const std::string_view target = to_std(message.target());
  if (target.empty() || target.front() != '/') {
    reject(json_error(Status::bad_request, "the request target must be a path starting with '/'"));
    return;
  }
  const TargetParts parts = split_target(target);
  match_ = state_->router().match(message.method(), parts.path);
  if (match_.kind == Router::Match::Kind::bad_path) {
    reject(json_error(Status::bad_request, "malformed percent-encoding in the path"));
    return;
  }
  query_ = QueryParams::parse(parts.query);
  if (!query_) {
    reject(json_error(Status::bad_request, "malformed percent-encoding in the query"));
    return;
  }

  // Authentication comes before 404/405 so that clients without the token
  // learn nothing about the route table.
  if (const BearerAuth* auth = state_->auth(); auth != nullptr && !match_.public_access) {
    const auto result = auth->check(to_std(message[bhttp::field::authorization]));
    if (result != BearerAuth::Result::ok) {
      state_->counters().rejected_unauthorized.fetch_add(1, std::memory_order_relaxed);
      const bool missing = result == BearerAuth::Result::missing;
      Response response =
          json_error(Status::unauthorized,
                     missing ? "authentication required: send Authorization: Bearer <token>"
                             : "invalid bearer token");
      response.set(bhttp::field::www_authenticate,
                   missing ? "Bearer realm=\"driftd\""
                           : "Bearer realm=\"driftd\", error=\"invalid_token\"");
      reject(std::move(response));
      return;
    }
  }

  switch (match_.kind) {
    case Router::Match::Kind::not_found:
      reject(json_error(Status::not_found, "no route for " + std::string(parts.path)));
      return;
    case Router::Match::Kind::method_not_allowed: {
      Response response = json_error(
          Status::method_not_allowed, "method " + std::string(to_std(message.method_string())) +
                                          " is not allowed for " + std::string(parts.path));
      response.set(bhttp::field::allow, to_beast(match_.allow));
      reject(std::move(response));
      return;
    }
    case Router::Match::Kind::found:
    case Router::Match::Kind::bad_path:
      break;
  }

  if (const auto length = parser_->content_length();
      length && !body_reservation_.try_grow(*length)) {
    refuse_over_body_budget();
    return;
  }
  if (parser_->chunked()) {
    parser_->on_chunk_header(chunk_header_callback_);
  }
  if (parser_->is_done()) {
    dispatch();
    return;
  }
  if (beast::iequals(message[bhttp::field::expect], "100-continue")) {
    phase_ = Phase::body;
    transport_.tcp().expires_after(state_->limits().write_timeout);
    transport_.visit([this](auto& stream) {
      net::async_write(stream, net::buffer(kContinue.data(), kContinue.size()),
                       beast::bind_front_handler(&Session::on_continue_sent, shared_from_this()));
    });
    return;
  }
  read_body();
}

bool Session::write_failed(const beast::error_code& ec) {
  if (phase_ == Phase::closed) {
    return true;
  }
  if (!ec) {
    return false;
  }
  if (ec == beast::error::timeout) {
    state_->counters().timeouts.fetch_add(1, std::memory_order_relaxed);
  }
  close();
  return true;
}

void Session::on_continue_sent(const beast::error_code& ec, std::size_t) {
  if (write_failed(ec)) {
    return;
  }
  read_body();
}

void Session::on_chunk_header(std::uint64_t size, beast::string_view, beast::error_code& ec) {
  if (!body_reservation_.try_grow(size)) {
    over_body_budget_ = true;
    ec = net::error::no_buffer_space;  // ends the read; on_read_error() sees the flag
  }
}

void Session::refuse_over_body_budget() {
  state_->counters().rejected_body_budget.fetch_add(1, std::memory_order_relaxed);
  Response response = json_error(
      Status::service_unavailable,
      "the server holds too many request bodies now (http.max_inflight_body_bytes: " +
          std::to_string(state_->limits().max_inflight_body_bytes) +
          " bytes across connections); retry later");
  response.set(bhttp::field::retry_after, "1");
  write_response(std::move(response), true);  // the body is unread: close after
}

void Session::read_body() {
  phase_ = Phase::body;
  transport_.tcp().expires_after(state_->limits().body_timeout);
  transport_.visit([this](auto& stream) {
    bhttp::async_read(stream, buffer_, *parser_,
                      beast::bind_front_handler(&Session::on_read, shared_from_this(),
                                                &Session::dispatch));
  });
}

void Session::dispatch() {
  phase_ = Phase::handling;
  transport_.tcp().expires_never();
  const Router::Route* route = match_.route;
  request_.emplace(parser_->release(), std::move(match_.params), std::move(*query_), remote_);
  std::string& body = request_->mutable_body();
  if (body.capacity() < body.size() + kBodyPadding) {
    body.reserve(body.size() + kBodyPadding);  // bodiless requests: the parser never ran the reader
  }
  parser_.reset();
  query_.reset();
  match_ = Router::Match{};
  try {
    route->handler(*request_, Responder(shared_from_this()));
  } catch (...) {
    // The Responder was destroyed during unwinding: if the handler had not
    // answered, a 500 is already on its way (and counted in handler_errors).
  }
}

void Session::on_response(Response response) {
  if (phase_ != Phase::handling) {
    return;  // closed meanwhile (stop deadline, client gone)
  }
  // A handler may ask to close by answering with "Connection: close".
  const bool close_after = !request_keep_alive_ || !response.keep_alive() ||
                           shutdown_requested_ || state_->stopping();
  write_response(std::move(response), close_after);
}

void Session::reject(Response response) {
  const bool body_unread = parser_ && !parser_->is_done();
  write_response(std::move(response), body_unread || !request_keep_alive_);
}

void Session::write_response(Response response, bool close_after) {
  phase_ = Phase::writing;
  close_after_write_ = close_after || shutdown_requested_ || state_->stopping();
  // The request is answered: its body goes, and with it its reservation.
  parser_.reset();
  request_.reset();
  body_reservation_.release();
  response_.emplace(std::move(response));
  Response& r = *response_;
  r.version(request_version_);
  const unsigned status = r.result_int();
  r.keep_alive(!close_after_write_);
  if (status < 200 || status == 204) {
    // No body, and (RFC 9110 8.6) no Content-Length either.
    r.body().clear();
    r.erase(bhttp::field::content_length);
    r.erase(bhttp::field::transfer_encoding);
  } else if (status == 304) {
    r.body().clear();  // a handler-set Content-Length (of the full resource) stays
  } else {
    r.prepare_payload();
  }
  if (request_is_head_) {
    r.body().clear();  // keep the Content-Length of the GET answer, send no body
  }
  state_->counters().count_response(status);
  transport_.tcp().expires_after(state_->limits().write_timeout);
  transport_.visit([this, &r](auto& stream) {
    bhttp::async_write(stream, r,
                       beast::bind_front_handler(&Session::on_write, shared_from_this()));
  });
}

void Session::on_write(const beast::error_code& ec, std::size_t) {
  if (write_failed(ec)) {
    return;
  }
  response_.reset();
  first_request_ = false;
  if (close_after_write_ || shutdown_requested_) {
    linger();
    return;
  }
  wait_for_request();
}

void Session::linger() {
  phase_ = Phase::lingering;
  lingered_bytes_ = buffer_.size();
  buffer_.consume(buffer_.size());
  transport_.tcp().expires_after(state_->limits().linger_timeout);
  transport_.async_close_send(
      beast::bind_front_handler(&Session::on_close_sent, shared_from_this()));
}

void Session::on_close_sent(const beast::error_code& ec) {
  if (phase_ == Phase::closed) {
    return;
  }
  if (ec) {
    close();  // the peer is gone (or the TLS close timed out)
    return;
  }
  drain();
}

void Session::drain() {
  transport_.tcp().async_read_some(
      net::buffer(discard_),
      beast::bind_front_handler(&Session::on_linger_read, shared_from_this()));
}

void Session::on_linger_read(const beast::error_code& ec, std::size_t bytes) {
  if (phase_ == Phase::closed) {
    return;
  }
  lingered_bytes_ += bytes;
  if (ec || lingered_bytes_ > kMaxLingerBytes) {
    close();
    return;
  }
  drain();
}

void Session::hand_off(const std::shared_ptr<EventStream>& stream) {
  if (phase_ != Phase::handling) {
    stream->abort(StreamCloseReason::client_gone);  // closed before the upgrade ran
    return;
  }
  phase_ = Phase::handed_off;
  state_->counters().count_response(200);
  slot_held_ = false;  // the stream releases the connection slot from now on
  stream->attach(std::move(transport_));
  state_->remove_session(this);
}

void Session::close() {
  if (phase_ == Phase::closed || phase_ == Phase::handed_off) {
    return;
  }
  phase_ = Phase::closed;
  transport_.close();
  release_slot();
  state_->remove_session(this);
}

void Session::release_slot() {
  if (slot_held_) {
    slot_held_ = false;
    state_->counters().open_connections.fetch_sub(1, std::memory_order_relaxed);
  }
}

}  // namespace driftd::http::detail
