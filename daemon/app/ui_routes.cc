#include "app/ui_routes.h"

#include <string>

#include "http/json_response.h"
#include "ui/ui_assets.h"

namespace driftd {
namespace {

const ui::UiAsset* find_asset(std::string_view name) {
  for (const ui::UiAsset& asset : ui::ui_assets()) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

http::Response asset_response(const ui::UiAsset& asset) {
  http::Response response =
      http::text_response(http::Status::ok, std::string(asset.body), asset.content_type);
  response.set("Cache-Control", "no-cache");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Content-Security-Policy",
               "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
               "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  return response;
}

}  // namespace

void register_ui_routes(http::Router& router) {
  // The page at / and at /ui/ (links from elsewhere, e.g. Alertmanager's
  // annotations, use /ui/#/...).
  for (const char* page : {"/", "/ui", "/ui/"}) {
    router.get(
        page,
        [](http::Request&, http::Responder respond) {
          respond(asset_response(*find_asset("index.html")));
        },
        {.public_access = true});
  }
  router.get(
      "/ui/{file}",
      [](http::Request& request, http::Responder respond) {
        const ui::UiAsset* asset = find_asset(request.param("file"));
        if (asset == nullptr || asset->name == "index.html") {
          respond(http::json_error(http::Status::not_found,
                                   "no dashboard file named '" + std::string(request.param("file")) + "'"));
          return;
        }
        respond(asset_response(*asset));
      },
      {.public_access = true});
}

}  // namespace driftd
