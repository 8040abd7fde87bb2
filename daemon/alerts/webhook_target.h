// A webhook URL as driftd can deliver to it: http://host[:port][/path], and
// whether a configured allowlist ("host" or "host:port" entries) admits it.
//
// Guarantees: parse() throws InputError saying what is wrong (https targets
// are refused: driftd does not speak TLS to receivers yet).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace driftd::alerts {

struct WebhookTarget {
  std::string host;    // without brackets for IPv6
  std::string port;    // "80" when not given
  std::string target;  // path and query, "/" when empty

  static WebhookTarget parse(const std::string& url);
  // True when no allowlist is configured, or one entry is the host or host:port.
  bool allowed_by(const std::optional<std::vector<std::string>>& allowlist) const;
};

}  // namespace driftd::alerts
