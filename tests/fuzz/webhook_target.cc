// Fuzz target: alerts::WebhookTarget::parse, which reads the url of every
// webhook subscription a client POSTs. Properties:
//   - a url is either a target or an InputError, nothing else;
//   - a target can go on the wire: the host is not empty and holds no byte
//     that could end or split the Host header or the request line (space,
//     control characters) nor user information ('@'); the port is 1 to
//     65535 in digits; the request target starts with '/' and holds no space
//     or control character (no header injection). Not checked yet: that '?'
//     or '#' end the host (RFC 3986), which the parser does not do yet
//     (docs/reliability.md);
//   - written back as scheme://host[:port]target, it parses to the same parts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "alerts/webhook_target.h"
#include "common/error.h"
#include "fuzz_check.h"

namespace driftd::fuzz {
namespace {

bool is_control_or_space(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte <= 0x20 || byte == 0x7F;
}

bool safe_host(std::string_view host) {
  for (const char c : host) {
    if (is_control_or_space(c) || c == '@') return false;
  }
  return !host.empty();
}

bool safe_target(std::string_view target) {
  if (target.empty() || target.front() != '/') return false;
  for (const char c : target) {
    if (is_control_or_space(c)) return false;
  }
  return true;
}

bool valid_port(const std::string& port) {
  if (port.empty() || port.size() > 5) return false;
  for (const char c : port) {
    if (c < '0' || c > '9') return false;
  }
  const int value = std::stoi(port);
  return value >= 1 && value <= 65535;
}

}  // namespace
}  // namespace driftd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace driftd;
  using alerts::WebhookTarget;
  const std::string url(reinterpret_cast<const char*>(data), size);
  WebhookTarget target;
  try {
    target = WebhookTarget::parse(url);
  } catch (const InputError&) {
    return 0;
  }
  FUZZ_CHECK(fuzz::safe_host(target.host));
  FUZZ_CHECK(fuzz::valid_port(target.port));
  FUZZ_CHECK(fuzz::safe_target(target.target));
  const std::string bracketed =
      target.host.find(':') != std::string::npos ? "[" + target.host + "]" : target.host;
  const std::string written = std::string(target.tls ? "https" : "http") + "://" + bracketed +
                              ":" + target.port + target.target;
  const WebhookTarget again = WebhookTarget::parse(written);
  FUZZ_CHECK(again.tls == target.tls && again.host == target.host && again.port == target.port &&
             again.target == target.target);
  FUZZ_CHECK(again.host_header() == target.host_header());
  return 0;
}
