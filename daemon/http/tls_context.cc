#include "http/tls_context.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/ssl.h>

namespace driftd::http {

namespace ssl = boost::asio::ssl;

namespace {

constexpr auto kProtocolOptions = ssl::context::default_workarounds | ssl::context::no_sslv2 |
                                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                                  ssl::context::no_tlsv1_1 | ssl::context::no_compression;

// Why `path` could not be loaded: the system's reason when it cannot be
// opened, else the last OpenSSL error, else `ec`'s message.
std::string load_failure(const std::string& path, const boost::system::error_code& ec) {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (!path.empty() && ::access(path.c_str(), R_OK) != 0) return std::strerror(errno);
  if (code == 0) return ec.message();
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

}  // namespace

std::shared_ptr<ssl::context> make_client_tls_context(const std::optional<std::string>& ca_file) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  context->set_options(kProtocolOptions);
  context->set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  ERR_clear_error();
  if (ca_file) {
    context->load_verify_file(*ca_file, ec);
  } else {
    context->set_default_verify_paths(ec);
  }
  if (ec) {
    throw TlsSetupError(TlsSetupError::File::ca,
                        ca_file ? "CA file \"" + *ca_file + "\": " + load_failure(*ca_file, ec)
                                : "the system trust store: " + load_failure("", ec));
  }
  return context;
}

std::shared_ptr<ssl::context> make_server_tls_context(const TlsFiles& files) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(kProtocolOptions | ssl::context::single_dh_use);
  SSL_CTX_set_options(context->native_handle(), SSL_OP_NO_RENEGOTIATION);
  // An encrypted key must fail to load, not make OpenSSL prompt on a terminal.
  context->set_password_callback(
      [](std::size_t, ssl::context::password_purpose) { return std::string(); });
  const auto fail = [&](TlsSetupError::File file, const std::string& why) {
    const bool certificate = file == TlsSetupError::File::certificate_chain;
    throw TlsSetupError(file, (certificate ? "certificate file \"" + files.certificate_chain
                                           : "private key file \"" + files.private_key) +
                                  "\": " + why);
  };
  const std::string mismatch =
      "does not match the certificate in \"" + files.certificate_chain + "\"";
  boost::system::error_code ec;
  ERR_clear_error();
  context->use_certificate_chain_file(files.certificate_chain, ec);
  if (ec) fail(TlsSetupError::File::certificate_chain, load_failure(files.certificate_chain, ec));
  context->use_private_key_file(files.private_key, ssl::context::pem, ec);
  if (ec) {
    // asio moves OpenSSL's error code into ec.
    const bool mismatched = ec.category() == boost::asio::error::get_ssl_category() &&
                            ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
                                X509_R_KEY_VALUES_MISMATCH;
    fail(TlsSetupError::File::private_key,
         mismatched ? (ERR_clear_error(), mismatch) : load_failure(files.private_key, ec));
  }
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    ERR_clear_error();
    fail(TlsSetupError::File::private_key, mismatch);
  }
  return context;
}

}  // namespace driftd::http
