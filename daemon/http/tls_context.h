// The server side of TLS: an OpenSSL context built from a PEM certificate
// chain and its private key, for HttpServer (server.h).
//
// Guarantees:
//  - TLS 1.2 or later only, no compression, no renegotiation by the client,
//    OpenSSL's default cipher list for those versions; HTTP/1.1 over it.
//  - make_server_tls_context() throws TlsSetupError naming the file and the
//    OpenSSL reason when a file cannot be read or parsed, or when the key
//    does not belong to the certificate. It never returns a context that
//    would fail every handshake.
//
// Thread safety: the returned context is immutable once built and may be
// shared by any number of connections on any thread.
#pragma once

#include <memory>
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
  enum class File { certificate_chain, private_key };
  TlsSetupError(File file, const std::string& message)
      : std::runtime_error(message), file_(file) {}
  // The file the problem is about.
  File file() const { return file_; }

 private:
  File file_;
};

std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(const TlsFiles& files);

}  // namespace driftd::http
