// One HTTP/1.1 POST of a JSON body to an http or https target, for the alert
// deliverers that talk to a receiver (webhooks, Alertmanager): the request
// built with the caller's headers, sent on a fresh connection and bounded by
// one timeout from connect to the end of the answer (http/client_exchange.h).
//
// https: the receiver's certificate is verified against the configured CA
// file (or the system trust store) and its name or IP address checked; a
// receiver that fails verification is a failed post.
//
// Guarantees: post() never throws for network or TLS trouble; the result
// says what happened. Header values are sent as given: callers pass only
// values they built or validated (no CR or LF).
//
// Thread safety: post() may run on many threads at once (each post has its
// own io_context and socket; the TLS context is only read).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "alerts/webhook_target.h"

namespace driftd::alerts {

struct PostResult {
  std::optional<int> status;  // the HTTP status, when the receiver answered
  std::string error;          // empty on 2xx; otherwise why not
  bool delivered() const { return status && *status / 100 == 2; }
};

class JsonPoster {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  // ca_file: PEM certificate authorities for https targets; nullopt: the
  // system trust store. Throws config::ConfigError naming `ca_file_field`
  // ("webhooks.ca_file") when the file cannot be loaded.
  JsonPoster(const std::optional<std::string>& ca_file, const std::string& ca_file_field);

  // Host, Content-Type: application/json and Connection: close are set
  // here; `headers` adds the rest. With `read_answer`, the answer's body is
  // read too and, on a status other than 2xx, its start is part of the
  // error ("answered HTTP 400: bad label set"); otherwise only its header.
  PostResult post(const WebhookTarget& target, const Headers& headers, const std::string& body,
                  std::chrono::milliseconds timeout, bool read_answer = false) const;

 private:
  std::shared_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace driftd::alerts
