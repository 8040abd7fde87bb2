// Route table: method + path pattern -> handler.
//
// Patterns are absolute paths whose segments are literals or named
// parameters: "/v1/streams/{stream}/events". A parameter matches exactly one
// non-empty segment (never a '/'); its value is percent-decoded
// (so "%2F" inside a segment is a '/' in the value, not a separator).
// Literal segments are compared with the decoded request segment. No
// trailing-slash folding: "/healthz/" does not match "/healthz".
//
// Precedence: among the routes whose path matches and whose method is the
// request's, the most specific wins: comparing segment by segment from the
// left, a literal beats a parameter ("/v1/streams/_all" beats
// "/v1/streams/{stream}").
// HEAD: a route registered for HEAD, else the GET route of that path (RFC
// 9110 9.3.2); its handler runs as for GET (Request::method() says HEAD) and
// the server sends the answer's status and headers, Content-Length
// included, without the body (an event stream sends its headers and ends).
// No route's path matches: 404. Some path matches but not for this method:
// 405 with an Allow header listing the methods that would match (HEAD
// wherever GET is).
//
// Handlers: std::function<void(Request&, Responder)>. A handler answers
// exactly once through the Responder, synchronously or later from any
// thread (http/responder.h). A handler that throws gets a 500 answer (unless
// it had already answered).
//
// Public routes (RouteOptions::public_access) skip bearer-token
// authentication (http/auth.h); every other route requires it when the
// server has a token.
//
// Thread safety: add() is not thread-safe and REQUIRES that the server has
// not started. After that the router is immutable and match() may be called
// from any thread.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"
#include "http/responder.h"
#include "http/response.h"

namespace driftd::http {

using Handler = std::function<void(Request&, Responder)>;

struct RouteOptions {
  // No authentication for this route (health checks, readiness).
  bool public_access = false;
};

class Router {
 public:
  struct Segment {
    bool is_param = false;
    std::string text;  // literal text, or the parameter's name
  };
  struct Route {
    Verb method = Verb::get;
    std::string pattern;
    std::vector<Segment> segments;
    Handler handler;
    RouteOptions options;
  };

  // Registers `handler` for `method` on `pattern`. Throws std::invalid_argument
  // for a malformed pattern (not starting with '/', '{' not spanning a whole
  // segment, a parameter name outside [A-Za-z0-9_] or repeated), an empty
  // handler, or a (method, pattern) pair already registered (parameter names
  // aside: "/a/{x}" and "/a/{y}" are the same pattern). Throws
  // std::logic_error once the router is frozen (the server started).
  void add(Verb method, std::string_view pattern, Handler handler, RouteOptions options = {});
  void get(std::string_view pattern, Handler handler, RouteOptions options = {}) {
    add(Verb::get, pattern, std::move(handler), options);
  }
  void post(std::string_view pattern, Handler handler, RouteOptions options = {}) {
    add(Verb::post, pattern, std::move(handler), options);
  }
  void put(std::string_view pattern, Handler handler, RouteOptions options = {}) {
    add(Verb::put, pattern, std::move(handler), options);
  }
  void del(std::string_view pattern, Handler handler, RouteOptions options = {}) {
    add(Verb::delete_, pattern, std::move(handler), options);
  }

  struct Match {
    enum class Kind { found, not_found, method_not_allowed, bad_path };
    Kind kind = Kind::not_found;
    const Route* route = nullptr;   // found only
    Request::PathParams params;     // found only: decoded named segments
    std::string allow;              // method_not_allowed only: "GET, POST"
    // found: the route's public_access; method_not_allowed: any route on this
    // path is public (so the 405 is given without authentication).
    bool public_access = false;
  };
  // Looks up `encoded_path` (the target's path, still percent-encoded).
  // bad_path: it does not start with '/' or holds a malformed escape (400).
  Match match(Verb method, std::string_view encoded_path) const;

  std::size_t size() const { return routes_.size(); }
  const std::vector<Route>& routes() const { return routes_; }

  // Called by the server when it starts: add() throws from then on.
  void freeze() { frozen_ = true; }

 private:
  std::vector<Route> routes_;
  bool frozen_ = false;
};

}  // namespace driftd::http
