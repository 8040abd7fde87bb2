// The Beast body type of incoming requests: a std::string that always keeps
// kBodyPadding spare bytes of capacity past its end, so the ingest path can
// hand it to simdjson (which reads up to SIMDJSON_PADDING = 64 bytes past the
// data) without copying it into a padded buffer.
//
// Guarantees: when a handler gets the request, body.capacity() >=
// body.size() + kBodyPadding (the server pads empty bodies too). With a Content-Length the string is allocated once, at its
// final size plus the padding; a chunked body grows as chunks arrive and is
// padded at the end. The padding bytes are not initialised.
//
// Thread safety: a type; the parser fills one body on one strand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/beast/core/buffer_traits.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional/optional.hpp>

namespace driftd::http {

inline constexpr std::size_t kBodyPadding = 64;

struct PaddedStringBody {
  using value_type = std::string;

  static std::uint64_t size(const value_type& body) { return body.size(); }

  class reader {
   public:
    template <bool isRequest, class Fields>
    explicit reader(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>& length, boost::beast::error_code& ec) {
      if (length) {
        if (*length > body_.max_size() - kBodyPadding) {
          ec = boost::beast::http::error::buffer_overflow;
          return;
        }
        body_.reserve(static_cast<std::size_t>(*length) + kBodyPadding);
      }
      ec = {};
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      const std::size_t extra = boost::beast::buffer_bytes(buffers);
      const std::size_t size = body_.size();
      if (extra > body_.max_size() - kBodyPadding - size) {
        ec = boost::beast::http::error::buffer_overflow;
        return 0;
      }
      body_.resize(size + extra);
      char* dest = body_.data() + size;
      for (const auto buffer : boost::beast::buffers_range_ref(buffers)) {
        std::char_traits<char>::copy(dest, static_cast<const char*>(buffer.data()), buffer.size());
        dest += buffer.size();
      }
      ec = {};
      return extra;
    }

    void finish(boost::beast::error_code& ec) {
      if (body_.capacity() < body_.size() + kBodyPadding) {
        body_.reserve(body_.size() + kBodyPadding);
      }
      ec = {};
    }

   private:
    value_type& body_;
  };
};

}  // namespace driftd::http
