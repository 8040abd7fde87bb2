// driftd's TLS contexts: the server's (HttpServer, server.h), built from a
// PEM certificate chain and its private key, and the client's (webhook
// deliveries), which verifies peers against a CA file or the system store.
//
// Guarantees:
//  - TLS 1.2 or later only, no compression, OpenSSL's default cipher list
//    for those versions; the server refuses client renegotiation.
//  - Both functions throw TlsSetupError naming the file and the reason
//    (the system's for a file that cannot be read, OpenSSL's for one that
//    cannot be parsed, or a key that does not belong to the certificate).
//    They never return a context that would fail every handshake.
//  - The client context verifies the peer's chain (verify_peer); the caller
//    checks the name (asio's host_name_verification) per connection.
//
// Thread safety: the returned context is immutable once built and may be
// shared by any number of connections on any thread.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <boost/asio/ssl/context.hpp>

namespace driftd::http {

struct TlsFiles {
  std::string certificate_chain;  // PEM: the server certificate first, then intermediates
  std::string private_key;        // PEM, unencrypted
};

class TlsSetupError : public std::runtime_error {
 public:
  enum class File { certificate_chain, private_key, ca };
  TlsSetupError(File file, const std::string& message)
      : std::runtime_error(message), file_(file) {}
  // The file the problem is about.
  File file() const { return file_; }

 private:
  File file_;
};

std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(const TlsFiles& files);

// ca_file: PEM certificate authorities; nullopt: the system trust store.
std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(
    const std::optional<std::string>& ca_file);

}  // namespace driftd::http
