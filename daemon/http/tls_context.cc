#include "http/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace driftd::http {

namespace ssl = boost::asio::ssl;

namespace {

// The reason of the last OpenSSL error, or of `ec` when the queue is empty.
std::string openssl_reason(const boost::system::error_code& ec) {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return ec.message();
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

}  // namespace

std::shared_ptr<ssl::context> make_server_tls_context(const TlsFiles& files) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                       ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                       ssl::context::single_dh_use);
  SSL_CTX_set_options(context->native_handle(), SSL_OP_NO_RENEGOTIATION);
  // An encrypted key must fail to load, not make OpenSSL prompt on a terminal.
  context->set_password_callback(
      [](std::size_t, ssl::context::password_purpose) { return std::string(); });
  boost::system::error_code ec;
  ERR_clear_error();
  context->use_certificate_chain_file(files.certificate_chain, ec);
  if (ec) {
    throw TlsSetupError(TlsSetupError::File::certificate_chain, "certificate file \"" + files.certificate_chain +
                        "\": " + openssl_reason(ec));
  }
  context->use_private_key_file(files.private_key, ssl::context::pem, ec);
  if (ec) {
    throw TlsSetupError(TlsSetupError::File::private_key, "private key file \"" + files.private_key + "\": " + openssl_reason(ec));
  }
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    throw TlsSetupError(TlsSetupError::File::private_key, "private key file \"" + files.private_key +
                        "\" does not match the certificate in \"" + files.certificate_chain +
                        "\": " + openssl_reason({}));
  }
  return context;
}

}  // namespace driftd::http
