#include "http/request.h"

#include <stdexcept>

#include "http/detail/string_view.h"

namespace driftd::http {

Request::Request(Message message, PathParams path_params, QueryParams query,
                 boost::asio::ip::tcp::endpoint remote)
    : message_(std::move(message)),
      path_params_(std::move(path_params)),
      query_(std::move(query)),
      remote_(remote) {}

std::string_view Request::method_string() const { return detail::to_std(message_.method_string()); }

std::string_view Request::target() const { return detail::to_std(message_.target()); }

std::string_view Request::path() const { return split_target(target()).path; }

std::string_view Request::param(std::string_view name) const {
  for (const auto& [key, value] : path_params_) {
    if (key == name) {
      return value;
    }
  }
  throw std::out_of_range("route has no path parameter \"" + std::string(name) + "\"");
}

std::string_view Request::header(std::string_view name) const {
  const auto it = message_.find(detail::to_beast(name));
  if (it == message_.end()) {
    return {};
  }
  return detail::to_std(it->value());
}

}  // namespace driftd::http
