// The daemon's HTTP API as driftctl reads it: requests to --url
// (http://host[:port] or https://host[:port]), with the bearer token from
// --token or the DRIFTD_TOKEN environment variable, and the JSON they answer.
// An https daemon is verified against --cacert (or DRIFTD_CACERT), else the
// system trust store.
//
// Guarantees: a URL driftctl cannot use, an unreadable CA file, an
// unreachable or unverifiable daemon (10 s timeout for the whole exchange),
// or an answer other than 2xx throws UsageError with one line a person can
// act on (the API's own error message when it sent one).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/ssl/context.hpp>
#include <nlohmann/json.hpp>

#include "http/client_exchange.h"

namespace driftd::cli {

// "a=1&b=x%20y": the pairs percent-encoded for a query string.
std::string encode_query(const std::vector<std::pair<std::string, std::string>>& parameters);

class ApiClient {
 public:
  // cacert: a PEM file of certificate authorities; empty: DRIFTD_CACERT,
  // else the system trust store.
  ApiClient(const std::string& url, std::string token, std::string cacert);

  struct Answer {
    unsigned status;
    nlohmann::ordered_json body;  // discarded (is_discarded()) when not JSON
  };
  // target: a path with its query, "/v1/alerts?limit=5". Any HTTP status.
  Answer fetch(const std::string& target) const { return send("GET", target, ""); }
  // Any method; a non-empty body is sent as application/json.
  Answer send(const std::string& method, const std::string& target, const std::string& body) const;
  // send() for an answer that must be 2xx JSON.
  nlohmann::ordered_json call(const std::string& method, const std::string& target,
                              const std::string& body) const;
  // GET, for an answer that must be 2xx JSON.
  nlohmann::ordered_json get(const std::string& target) const { return call("GET", target, ""); }

  const std::string& url() const { return url_; }

 private:
  std::string url_;
  driftd::http::ClientEndpoint endpoint_;
  std::string token_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace driftd::cli
