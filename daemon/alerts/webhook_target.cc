#include "alerts/webhook_target.h"

#include <algorithm>

#include "common/error.h"

namespace driftd::alerts {

WebhookTarget WebhookTarget::parse(const std::string& url) {
  constexpr std::string_view kHttp = "http://";
  if (url.rfind("https://", 0) == 0) {
    throw InputError("url: https webhook targets are not supported yet; use http:// (behind a "
                     "TLS-terminating proxy if the receiver is remote)");
  }
  if (url.rfind(kHttp, 0) != 0) throw InputError("url: must start with http://");
  const std::string rest = url.substr(kHttp.size());
  const std::size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  WebhookTarget out;
  out.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (authority.empty() || authority.find('@') != std::string::npos) {
    throw InputError("url: needs a host (and no user information)");
  }
  std::string host = authority;
  out.port = "80";
  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string::npos) throw InputError("url: unclosed '[' in the host");
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') throw InputError("url: unexpected text after the host");
      out.port = authority.substr(close + 2);
    }
  } else if (const std::size_t colon = authority.rfind(':'); colon != std::string::npos) {
    host = authority.substr(0, colon);
    out.port = authority.substr(colon + 1);
  }
  const bool numeric_port = !out.port.empty() && out.port.size() <= 5 &&
                            std::all_of(out.port.begin(), out.port.end(),
                                        [](char c) { return c >= '0' && c <= '9'; }) &&
                            std::stoi(out.port) >= 1 && std::stoi(out.port) <= 65535;
  if (host.empty() || !numeric_port) throw InputError("url: needs a host and a port 1-65535");
  out.host = host;
  return out;
}

bool WebhookTarget::allowed_by(const std::optional<std::vector<std::string>>& allowlist) const {
  if (!allowlist) return true;
  const std::string host_port =
      (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
  return std::any_of(allowlist->begin(), allowlist->end(), [&](const std::string& entry) {
    return entry == host || entry == host_port;
  });
}

}  // namespace driftd::alerts
