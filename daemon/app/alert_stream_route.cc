#include "app/alert_stream_route.h"

#include <charconv>
#include <memory>
#include <string>

#include "common/error.h"
#include "http/event_stream.h"
#include "http/json_response.h"

namespace driftd {
namespace {

// An alert sink over one client's event stream.
class EventStreamSink final : public alerts::AlertSink {
 public:
  explicit EventStreamSink(std::shared_ptr<http::EventStream> stream)
      : stream_(std::move(stream)) {}

  bool deliver(const store::AlertEvent& event) override {
    return stream_->send_event(event.json, "alert", std::to_string(event.id));
  }
  // Catch-up pages wait while the client has more than this much unread:
  // well below the stream's cap, so a page never trips it.
  bool has_room() const override { return stream_->buffered_bytes() < kCatchUpRoom; }
  bool open() const override { return stream_->is_open(); }

 private:
  static constexpr std::size_t kCatchUpRoom = 64 * 1024;
  std::shared_ptr<http::EventStream> stream_;
};

// The Last-Event-ID to resume after, if the client sent one.
std::optional<int64_t> last_event_id(const http::Request& request) {
  std::string_view text = request.header("Last-Event-ID");
  if (text.empty()) text = request.query("last_event_id").value_or("");
  if (text.empty()) return std::nullopt;
  int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id < 0) {
    throw InputError("Last-Event-ID must be a non-negative integer (an event id), not '" +
                     std::string(text) + "'");
  }
  return id;
}

}  // namespace

void register_alert_stream_route(http::Router& router, alerts::AlertFeed& feed) {
  router.get("/v1/alerts/stream", [&feed](http::Request& request, http::Responder respond) {
    alerts::AlertFilter filter;
    std::optional<int64_t> after;
    try {
      filter = alerts::AlertFilter::parse(request.query_params().entries());
      after = last_event_id(request);
    } catch (const InputError& error) {
      respond(http::json_error(http::Status::bad_request, error.what()));
      return;
    }
    std::shared_ptr<http::EventStream> stream = respond.start_event_stream();
    if (stream == nullptr) return;  // answered 503: too many streams
    feed.subscribe(std::move(filter), after, std::make_shared<EventStreamSink>(std::move(stream)));
  });
}

}  // namespace driftd
