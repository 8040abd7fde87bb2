#include "http/router.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "http/detail/string_view.h"

namespace driftd::http {

namespace {

// Splits "/a/b" into {"a", "b"}; "/" into {""}. REQUIRES: path starts with '/'.
std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> segments;
  path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) {
      break;
    }
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool valid_param_name(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool same_shape(const std::vector<Router::Segment>& a, const std::vector<Router::Segment>& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].is_param != b[i].is_param || (!a[i].is_param && a[i].text != b[i].text)) {
      return false;
    }
  }
  return true;
}

// True when `a` is more specific than `b`: at the first position where one
// has a literal and the other a parameter, `a` has the literal.
bool more_specific(const Router::Route& a, const Router::Route& b) {
  for (std::size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
    if (a.segments[i].is_param != b.segments[i].is_param) {
      return !a.segments[i].is_param;
    }
  }
  return false;
}

}  // namespace

void Router::add(Verb method, std::string_view pattern, Handler handler, RouteOptions options) {
  if (frozen_) {
    throw std::logic_error("routes cannot be added once the server has started");
  }
  const std::string where = " in route pattern \"" + std::string(pattern) + "\"";
  if (!handler) {
    throw std::invalid_argument("empty handler" + where);
  }
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("pattern must start with '/'" + where);
  }
  Route route;
  route.method = method;
  route.pattern = std::string(pattern);
  route.handler = std::move(handler);
  route.options = options;
  for (const std::string_view text : split_segments(pattern)) {
    Segment segment;
    if (!text.empty() && text.front() == '{') {
      if (text.size() < 2 || text.back() != '}') {
        throw std::invalid_argument("'{' must enclose a whole segment" + where);
      }
      segment.is_param = true;
      segment.text = std::string(text.substr(1, text.size() - 2));
      if (!valid_param_name(segment.text)) {
        throw std::invalid_argument("parameter names are [A-Za-z0-9_]+" + where);
      }
      for (const Segment& other : route.segments) {
        if (other.is_param && other.text == segment.text) {
          throw std::invalid_argument("parameter {" + segment.text + "} repeated" + where);
        }
      }
    } else {
      if (text.find_first_of("{}") != std::string_view::npos) {
        throw std::invalid_argument("'{' must enclose a whole segment" + where);
      }
      segment.text = std::string(text);
    }
    route.segments.push_back(std::move(segment));
  }
  for (const Route& other : routes_) {
    if (other.method == method && same_shape(other.segments, route.segments)) {
      throw std::invalid_argument(std::string(detail::to_std(boost::beast::http::to_string(method))) +
                                  " already registered" + where);
    }
  }
  routes_.push_back(std::move(route));
}

Router::Match Router::match(Verb method, std::string_view encoded_path) const {
  Match result;
  if (encoded_path.empty() || encoded_path.front() != '/') {
    result.kind = Match::Kind::bad_path;
    return result;
  }
  std::vector<std::string> decoded;
  for (const std::string_view segment : split_segments(encoded_path)) {
    auto value = percent_decode(segment, false);
    if (!value) {
      result.kind = Match::Kind::bad_path;
      return result;
    }
    decoded.push_back(std::move(*value));
  }

  // HEAD is answered by a HEAD route, else by the GET route (RFC 9110 9.3.2):
  // the server sends that answer's status and headers without its body.
  const Route* best = nullptr;
  const Route* best_get_for_head = nullptr;
  std::vector<Verb> allowed;
  bool any_public = false;
  for (const Route& route : routes_) {
    if (route.segments.size() != decoded.size()) {
      continue;
    }
    bool matches = true;
    for (std::size_t i = 0; i < decoded.size() && matches; ++i) {
      matches = route.segments[i].is_param ? !decoded[i].empty()
                                           : route.segments[i].text == decoded[i];
    }
    if (!matches) {
      continue;
    }
    any_public = any_public || route.options.public_access;
    const auto take_if_better = [&route](const Route*& current) {
      if (current == nullptr || more_specific(route, *current)) {
        current = &route;
      }
    };
    const auto allow = [&allowed](Verb verb) {
      if (std::find(allowed.begin(), allowed.end(), verb) == allowed.end()) {
        allowed.push_back(verb);
      }
    };
    if (route.method == method) {
      take_if_better(best);
      continue;
    }
    if (method == Verb::head && route.method == Verb::get) {
      take_if_better(best_get_for_head);
    }
    allow(route.method);
    if (route.method == Verb::get) {
      allow(Verb::head);
    }
  }
  if (best == nullptr) {
    best = best_get_for_head;
  }

  if (best != nullptr) {
    result.kind = Match::Kind::found;
    result.route = best;
    result.public_access = best->options.public_access;
    for (std::size_t i = 0; i < decoded.size(); ++i) {
      if (best->segments[i].is_param) {
        result.params.emplace_back(best->segments[i].text, std::move(decoded[i]));
      }
    }
    return result;
  }
  if (allowed.empty()) {
    result.kind = Match::Kind::not_found;
    return result;
  }
  result.kind = Match::Kind::method_not_allowed;
  result.public_access = any_public;
  std::vector<std::string> names;
  for (const Verb verb : allowed) {
    names.emplace_back(detail::to_std(boost::beast::http::to_string(verb)));
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    if (!result.allow.empty()) {
      result.allow += ", ";
    }
    result.allow += name;
  }
  return result;
}

}  // namespace driftd::http
