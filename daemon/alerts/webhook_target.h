// A webhook URL as driftd can deliver to it, and whether a configured
// allowlist ("host" or "host:port" entries) admits it.
//
// parse() accepts exactly the RFC 3986 absolute URIs
//   scheme "://" authority path-abempty [ "?" query ]
// with scheme http or https (case-insensitive), and refuses:
//   - user information ("user:pass@host"): credentials do not belong in a
//     stored URL, and '@' hides the real host from a reader;
//   - an empty host, IPvFuture literals ("[v1.x]") and IPv6 zone identifiers;
//   - a port outside 1-65535 (an empty port, "host:", means the default);
//   - percent-encoding in the host (a decoded host could hold any byte);
//   - a fragment ("#..."): it is never sent to a server, so a URL holding one
//     does not mean what it says;
//   - any byte outside the grammar: control characters (CR, LF, NUL...),
//     spaces, non-ASCII and the characters RFC 3986 never allows unencoded
//     ('"', '<', '>', '\', '^', '`', '{', '|', '}'), and a '%' not followed by
//     two hex digits.
// So the request line and Host header built from a WebhookTarget never
// carry anything but the grammar's printable characters (no header injection
// or request smuggling through a URL).
//
// Guarantees: parse() throws InputError (and nothing else) with a message
// starting "url: " that says what is wrong and where. The default port is 80
// for http and 443 for https. The host is lowercased (RFC 3986 6.2.2.1).
//
// Thread safety: plain value; parse() is a pure function.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace driftd::alerts {

struct WebhookTarget {
  bool tls = false;    // https
  std::string host;    // lowercase; without brackets for IPv6
  std::string port;    // decimal 1-65535; "80" (http) or "443" (https) when not given
  std::string target;  // origin-form request target: path and query, "/" when the path is empty

  static WebhookTarget parse(const std::string& url);
  // The Host header: the host (bracketed for IPv6), with ":port" unless it
  // is the scheme's default.
  std::string host_header() const;
  // True when no allowlist is configured, or one entry is the host or
  // host:port (compared case-insensitively).
  bool allowed_by(const std::optional<std::vector<std::string>>& allowlist) const;
};

}  // namespace driftd::alerts
