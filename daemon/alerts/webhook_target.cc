#include "alerts/webhook_target.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string_view>

#include "common/error.h"

namespace driftd::alerts {

namespace {

// ---- RFC 3986 character classes (section 2, appendix A) ----------------------

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_unreserved(char c) {
  return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
bool is_sub_delim(char c) {
  return c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' ||
         c == '+' || c == ',' || c == ';' || c == '=';
}
// pchar without pct-encoded (checked apart, as a triplet).
bool is_path_char(char c) { return is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@'; }
bool is_query_char(char c) { return is_path_char(c) || c == '/' || c == '?'; }
bool is_reg_name_char(char c) { return is_unreserved(c) || is_sub_delim(c); }

// ---- Hosts (section 3.2.2) -------------------------------------------------------

// dec-octet: 0-255 in decimal without leading zeros.
bool is_dec_octet(std::string_view text) {
  if (text.empty() || text.size() > 3 || !std::all_of(text.begin(), text.end(), is_digit)) {
    return false;
  }
  if (text.size() > 1 && text.front() == '0') return false;
  return std::stoi(std::string(text)) <= 255;
}

bool is_ipv4(std::string_view text) {
  for (int octet = 0; octet < 4; ++octet) {
    const std::size_t dot = text.find('.');
    if ((octet < 3) == (dot == std::string_view::npos)) return false;
    if (!is_dec_octet(text.substr(0, dot))) return false;
    text = octet < 3 ? text.substr(dot + 1) : std::string_view();
  }
  return true;
}

bool is_h16(std::string_view text) {
  return !text.empty() && text.size() <= 4 && std::all_of(text.begin(), text.end(), is_hex);
}

// The number of 16-bit pieces in "h16:h16:...", the last of which may be an
// IPv4 address (two pieces) when `ipv4_last`; nullopt if it is anything else.
std::optional<int> ipv6_pieces(std::string_view text, bool ipv4_last) {
  if (text.empty()) return 0;
  int pieces = 0;
  for (;;) {
    const std::size_t colon = text.find(':');
    const std::string_view piece = text.substr(0, colon);
    if (colon == std::string_view::npos) {
      if (is_h16(piece)) return pieces + 1;
      if (ipv4_last && is_ipv4(piece)) return pieces + 2;
      return std::nullopt;
    }
    if (!is_h16(piece)) return std::nullopt;
    ++pieces;
    text = text.substr(colon + 1);
  }
}

// IPv6address: eight pieces, or fewer around one "::" (which stands for at
// least one zero piece); an IPv4 address only as the last two pieces.
bool is_ipv6(std::string_view text) {
  const std::size_t gap = text.find("::");
  if (gap == std::string_view::npos) return ipv6_pieces(text, true) == 8;
  const std::string_view right = text.substr(gap + 2);
  if (right.find("::") != std::string_view::npos) return false;
  const std::optional<int> before = ipv6_pieces(text.substr(0, gap), false);
  const std::optional<int> after = ipv6_pieces(right, true);
  return before && after && *before + *after <= 7;
}

// ---- Messages ----------------------------------------------------------------------

[[noreturn]] void refuse(const std::string& problem) { throw InputError("url: " + problem); }

// "a space", "the control character 0x0d", "'{'"
std::string describe(char c) {
  const auto byte = static_cast<unsigned char>(c);
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02x", byte);
  if (byte == ' ') return "a space";
  if (byte < 0x20 || byte == 0x7f) return std::string("the control character ") + hex;
  if (byte >= 0x80) return std::string("the non-ASCII byte ") + hex;
  return std::string("'") + c + "'";
}

// Every character of url[begin, end) is allowed by `allowed` or starts a
// valid pct-encoded triplet; refuses the first one that is not.
template <class Allowed>
void check_characters(const std::string& url, std::size_t begin, std::size_t end,
                      const char* part, Allowed allowed) {
  for (std::size_t i = begin; i < end; ++i) {
    const char c = url[i];
    if (c == '%') {
      if (i + 2 >= end || !is_hex(url[i + 1]) || !is_hex(url[i + 2])) {
        refuse("'%' at character " + std::to_string(i + 1) + " (in the " + part +
               ") is not followed by two hex digits");
      }
      i += 2;
    } else if (!allowed(c)) {
      refuse(describe(c) + " at character " + std::to_string(i + 1) + " (in the " + part +
             ") is not allowed: control characters, spaces and characters outside RFC 3986 "
             "must be percent-encoded");
    }
  }
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string bracketed(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// port = *DIGIT, here 1-65535; leading zeros allowed, the value kept.
std::string parse_port(std::string_view text) {
  unsigned value = 0;
  for (const char c : text) {
    if (!is_digit(c)) refuse("the port must be a number between 1 and 65535");
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > 65535) refuse("the port must be a number between 1 and 65535");
  }
  if (value == 0) refuse("the port must be a number between 1 and 65535");
  return std::to_string(value);
}

// host = IP-literal / IPv4address / reg-name, without the port.
// `offset`: where the host starts in the url (for messages).
std::string parse_host(const std::string& url, std::size_t offset, std::string_view host) {
  if (host.empty()) refuse("needs a host");
  if (host.front() == '[') {
    const std::string_view literal = host.substr(1, host.size() - 2);
    if (!literal.empty() && (literal.front() == 'v' || literal.front() == 'V')) {
      refuse("IPvFuture addresses ('[v...]') are not supported");
    }
    if (literal.find('%') != std::string_view::npos) {
      refuse("IPv6 zone identifiers ('%25...') are not supported");
    }
    if (!is_ipv6(literal)) {
      refuse("'" + std::string(literal) + "' between '[' and ']' is not an IPv6 address");
    }
    return lowercase(std::string(literal));
  }
  if (host.find('%') != std::string_view::npos) {
    refuse("percent-encoding in the host is not supported");
  }
  check_characters(url, offset, offset + host.size(), "host", is_reg_name_char);
  return lowercase(std::string(host));
}

}  // namespace

WebhookTarget WebhookTarget::parse(const std::string& url) {
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then "://"
  std::size_t scheme_end = 0;
  while (scheme_end < url.size() &&
         (is_alpha(url[scheme_end]) ||
          (scheme_end > 0 && (is_digit(url[scheme_end]) || url[scheme_end] == '+' ||
                              url[scheme_end] == '-' || url[scheme_end] == '.')))) {
    ++scheme_end;
  }
  const std::string scheme = lowercase(url.substr(0, scheme_end));
  if ((scheme != "http" && scheme != "https") || url.compare(scheme_end, 3, "://") != 0) {
    refuse("must start with http:// or https://");
  }
  WebhookTarget out;
  out.tls = scheme == "https";

  // authority = [ userinfo "@" ] host [ ":" port ], up to '/', '?' or '#'.
  const std::size_t authority_begin = scheme_end + 3;
  const std::size_t authority_end = std::min(url.find_first_of("/?#", authority_begin), url.size());
  const std::string_view authority =
      std::string_view(url).substr(authority_begin, authority_end - authority_begin);
  if (authority.find('@') != std::string_view::npos) {
    refuse("user information ('user@host') is not allowed");
  }
  std::size_t host_size = authority.find(':');
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) refuse("'[' opens an IPv6 address that ']' never closes");
    host_size = close + 1;
    if (host_size < authority.size() && authority[host_size] != ':') {
      refuse("only ':' and a port may follow the ']' of an IPv6 address");
    }
  }
  host_size = std::min(host_size, authority.size());
  out.host = parse_host(url, authority_begin, authority.substr(0, host_size));
  const std::string_view port =
      host_size < authority.size() ? authority.substr(host_size + 1) : std::string_view();
  out.port = port.empty() ? (out.tls ? "443" : "80") : parse_port(port);

  // path-abempty [ "?" query ], and no fragment.
  const std::size_t path_end = std::min(url.find_first_of("?#", authority_end), url.size());
  check_characters(url, authority_end, path_end, "path",
                   [](char c) { return is_path_char(c) || c == '/'; });
  const std::size_t query_end = std::min(url.find('#', path_end), url.size());
  if (path_end < query_end) check_characters(url, path_end + 1, query_end, "query", is_query_char);
  if (query_end < url.size()) {
    refuse("a fragment ('#...') is never sent to a server; remove it");
  }
  const std::string path = url.substr(authority_end, path_end - authority_end);
  out.target = (path.empty() ? "/" : path) + url.substr(path_end, query_end - path_end);
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
    const std::string normalized = lowercase(entry);
    return normalized == host || normalized == host_port;
  });
}

}  // namespace driftd::alerts
