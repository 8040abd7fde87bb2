// Conversions between std::string_view and Beast's string_view (in Boost
// 1.74 a boost::string_view, which does not convert implicitly).
// Private to driftd_http.
#pragma once

#include <string_view>

#include <boost/beast/core/string.hpp>

namespace driftd::http::detail {

inline std::string_view to_std(boost::beast::string_view text) {
  return {text.data(), text.size()};
}

inline boost::beast::string_view to_beast(std::string_view text) {
  return {text.data(), text.size()};
}

}  // namespace driftd::http::detail
