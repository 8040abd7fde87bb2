// driftd's wording of what librdkafka reports, through its log callback and
// its error callback (often the same event twice) or as a consumer message
// with an error, so that each event is one stable line that says what
// happens. Texts are rewritten where librdkafka's misleads; every other
// text is kept, auth and TLS failures included.
//
//   librdkafka                                             driftd
//   H:P/bootstrap: Connect to ipv4#H:P failed: Connection  broker H:P unreachable (connection
//     refused (after 0ms in state CONNECT)                   refused); retrying
//   GroupCoordinator: H:P: Disconnected (after 5234ms in   broker H:P closed the connection;
//     state UP)                                              reconnecting
//   H:P/1: Disconnected while requesting ApiVersion: might broker H:P closed the connection during
//     be caused by incorrect security.protocol ...           the handshake; retrying
//   1/1 brokers are down                                   no broker reachable; retrying
//   T: Subscribed topic not available: T: Broker: Unknown  topic 'T' does not exist; it is
//     topic or partition                                     consumed once it is created
//
// The "(after Nms in state S, K identical error(s) suppressed)" tail that
// librdkafka appends changes at every retry: it is dropped (the state kept
// where the text is not rewritten), so that a repeat is the same line.
// librdkafka guesses a security.protocol mismatch whenever a broker closes
// a new connection, which is what a broker that is going down or starting
// does: that guess is kept, as a hint, only while no broker has been
// reachable since start (`reached` false), when it may be right.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace driftd::kafka {

// A log line's text without librdkafka's "[thrd:NAME]: " prefix.
std::string_view without_thread(std::string_view line);

// The topic among `topics` that `text` says does not exist, if any.
std::optional<std::string> missing_topic(std::string_view text,
                                         std::span<const std::string> topics);

// driftd's wording of `text` (see above). `topics`: the subscribed ones;
// `reached`: whether a broker was reachable since start.
std::string reword(std::string_view text, std::span<const std::string> topics, bool reached);

}  // namespace driftd::kafka
