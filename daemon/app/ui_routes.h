// The dashboard's routes: GET / and /ui/ (the page) and GET /ui/{file} (its
// script and style), from the files compiled into driftd (ui/ui_assets.h). They
// are public: they hold no data, and the page asks for the token that its
// API calls need when http.auth_token is set. Answers carry a content
// security policy that allows only driftd's own script, style and API, and
// no-cache, so an upgraded driftd is never shown with an old script.
#pragma once

#include "http/router.h"

namespace driftd {

void register_ui_routes(http::Router& router);

}  // namespace driftd
