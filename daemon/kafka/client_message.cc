#include "kafka/client_message.h"

#include <cctype>

namespace driftd::kafka {
namespace {

constexpr std::string_view kSecurityHint =
    "; if this persists, check that security.protocol (TLS, SASL) matches the broker's listener";

// `text` without librdkafka's "(after Nms in state S[, K identical
// error(s) suppressed])" tail; `state` receives S ("" without a tail).
std::string_view without_timing(std::string_view text, std::string_view& state) {
  state = {};
  const std::size_t at = text.rfind(" (after ");
  if (at == std::string_view::npos || !text.ends_with(')')) return text;
  std::string_view tail = text.substr(at + 8, text.size() - at - 9);
  if (const std::size_t in = tail.find("in state "); in != std::string_view::npos) {
    state = tail.substr(in + 9);
    state = state.substr(0, state.find(','));
  }
  return text.substr(0, at);
}

struct BrokerText {
  std::string_view address;  // host:port
  std::string_view body;     // what happened
};

// "[proto://]host:port[/id]: body", or "GroupCoordinator: host:port: body".
std::optional<BrokerText> about_broker(std::string_view text) {
  constexpr std::string_view kCoordinator = "GroupCoordinator: ";
  if (text.starts_with(kCoordinator)) text.remove_prefix(kCoordinator.size());
  const std::size_t colon = text.find(": ");
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view name = text.substr(0, colon);
  if (name.find(' ') != std::string_view::npos || name.find(':') == std::string_view::npos) {
    return std::nullopt;
  }
  if (const std::size_t scheme = name.find("://"); scheme != std::string_view::npos) {
    name.remove_prefix(scheme + 3);
  }
  name = name.substr(0, name.find('/'));
  return BrokerText{name, text.substr(colon + 2)};
}

// "Connection refused" -> "connection refused"; "SSL ..." stays.
std::string sentence_part(std::string_view text) {
  std::string out(text);
  if (out.size() >= 2 && std::isupper(static_cast<unsigned char>(out[0])) &&
      std::islower(static_cast<unsigned char>(out[1]))) {
    out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  }
  return out;
}

std::string unreachable(std::string_view address, std::string_view why) {
  return "broker " + std::string(address) + " unreachable (" + sentence_part(why) +
         "); retrying";
}

// driftd's words for a text about one broker, or nullopt to keep librdkafka's.
std::optional<std::string> reword_broker(const BrokerText& broker, bool reached) {
  const std::string_view body = broker.body;
  const std::string address(broker.address);
  if (body.starts_with("Connect to ")) {
    const std::size_t failed = body.find(" failed: ");
    if (failed != std::string_view::npos) return unreachable(address, body.substr(failed + 9));
  }
  if (body.starts_with("Connection setup timed out")) {
    return unreachable(address, "connection setup timed out");
  }
  if (body.starts_with("Failed to resolve ")) {
    const std::size_t why = body.find("': ");
    return unreachable(address, "cannot resolve its name" +
                                    (why == std::string_view::npos
                                         ? std::string()
                                         : ": " + sentence_part(body.substr(why + 3))));
  }
  if (body == "Disconnected") return "broker " + address + " closed the connection; reconnecting";
  if (body.starts_with("Disconnected while requesting ApiVersion") ||
      body.starts_with("Disconnected: verify that security.protocol")) {
    return "broker " + address + " closed the connection during the handshake; retrying" +
           (reached ? "" : std::string(kSecurityHint));
  }
  return std::nullopt;
}

// "N/N brokers are down" (every one).
bool all_brokers_down(std::string_view text) {
  constexpr std::string_view kDown = " brokers are down";
  if (!text.ends_with(kDown)) return false;
  const std::string_view counts = text.substr(0, text.size() - kDown.size());
  const std::size_t slash = counts.find('/');
  return slash != std::string_view::npos && slash > 0 &&
         counts.substr(0, slash) == counts.substr(slash + 1);
}

}  // namespace

std::string_view without_thread(std::string_view line) {
  if (!line.starts_with("[thrd:")) return line;
  const std::size_t end = line.find("]: ");
  return end == std::string_view::npos ? line : line.substr(end + 3);
}

std::optional<std::string> missing_topic(std::string_view text,
                                         std::span<const std::string> topics) {
  const bool unknown = text.find("Unknown topic") != std::string_view::npos ||
                       text.find("topic does not exist") != std::string_view::npos;
  if (!unknown) return std::nullopt;
  for (const std::string& topic : topics) {
    if (text.starts_with(topic + ": ") || text.starts_with(topic + " [")) return topic;
  }
  return std::nullopt;
}

std::string reword(std::string_view text, std::span<const std::string> topics, bool reached) {
  if (const auto topic = missing_topic(text, topics)) {
    return "topic '" + *topic + "' does not exist; it is consumed once it is created";
  }
  std::string_view state;
  const std::string_view bare = without_timing(text, state);
  if (all_brokers_down(bare)) return "no broker reachable; retrying";
  if (const auto broker = about_broker(bare)) {
    if (auto words = reword_broker(*broker, reached)) return *std::move(words);
  }
  return std::string(bare) + (state.empty() ? "" : " (in state " + std::string(state) + ")");
}

}  // namespace driftd::kafka
