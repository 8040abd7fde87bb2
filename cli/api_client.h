// The daemon's HTTP API as driftctl reads it: GET requests to --url
// (http://host[:port]), with the bearer token from --token or the
// DRIFTD_TOKEN environment variable, and the JSON they answer.
//
// Guarantees: a URL driftctl cannot use, an unreachable daemon (10 s
// timeout), or an answer other than 2xx throws UsageError with one line a
// person can act on (the API's own error message when it sent one).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace driftd::cli {

// "a=1&b=x%20y": the pairs percent-encoded for a query string.
std::string encode_query(const std::vector<std::pair<std::string, std::string>>& parameters);

class ApiClient {
 public:
  ApiClient(const std::string& url, std::string token);

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
  std::string host_;
  std::string port_;
  std::string token_;
};

}  // namespace driftd::cli
