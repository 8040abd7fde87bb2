// A webhook URL as driftd can deliver to it: http[s]://host[:port][/path],
// and whether a configured allowlist ("host" or "host:port" entries) admits it.
//
// Guarantees: parse() throws InputError saying what is wrong; a url with a
// space or a control character (CR, LF, NUL, DEL, ...) is refused, so no
// part of a target can split the request line or the Host header. The scheme
// is case-insensitive; the default port is 80 for http and 443 for https.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace driftd::alerts {

struct WebhookTarget {
  bool tls = false;    // https
  std::string host;    // without brackets for IPv6
  std::string port;    // "80" (http) or "443" (https) when not given
  std::string target;  // path and query, "/" when empty

  static WebhookTarget parse(const std::string& url);
  // The Host header: the host (bracketed for IPv6), with ":port" unless it
  // is the scheme's default.
  std::string host_header() const;
  // True when no allowlist is configured, or one entry is the host or host:port.
  bool allowed_by(const std::optional<std::vector<std::string>>& allowlist) const;
};

}  // namespace driftd::alerts
