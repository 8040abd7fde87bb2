#include "alerts/webhook_target.h"

#include <algorithm>
#include <cctype>

#include "common/error.h"

namespace driftd::alerts {

namespace {

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string bracketed(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

WebhookTarget WebhookTarget::parse(const std::string& url) {
  // Spaces and control characters would end or split the request line or the
  // Host header the url becomes (a URI has none of them).
  if (std::any_of(url.begin(), url.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte <= 0x20 || byte == 0x7F;
      })) {
    throw InputError("url: must not contain spaces or control characters");
  }
  const std::size_t scheme_end = url.find("://");
  const std::string scheme =
      scheme_end == std::string::npos ? std::string() : lowercase(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    throw InputError("url: must start with http:// or https://");
  }
  const std::string rest = url.substr(scheme_end + 3);
  const std::size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  WebhookTarget out;
  out.tls = scheme == "https";
  out.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (authority.empty() || authority.find('@') != std::string::npos) {
    throw InputError("url: needs a host (and no user information)");
  }
  std::string host = authority;
  out.port = out.tls ? "443" : "80";
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
  // Only a bracketed host is an IPv6 address; elsewhere ':', '[' or ']' in
  // the host mean a mangled authority ("a:b:80" is not host "a:b").
  if (host.find_first_of(authority.front() == '[' ? "[" : "[]:") != std::string::npos) {
    throw InputError("url: a host with ':' must be an IPv6 address in brackets");
  }
  out.host = host;
  return out;
}

std::string WebhookTarget::host_header() const {
  const bool default_port = port == (tls ? "443" : "80");
  return default_port ? bracketed(host) : bracketed(host) + ":" + port;
}

bool WebhookTarget::allowed_by(const std::optional<std::vector<std::string>>& allowlist) const {
  if (!allowlist) return true;
  const std::string host_port = bracketed(host) + ":" + port;
  return std::any_of(allowlist->begin(), allowlist->end(), [&](const std::string& entry) {
    return entry == host || entry == host_port;
  });
}

}  // namespace driftd::alerts
