// The dashboard's files, compiled into driftd (daemon/ui/assets/, embedded
// by embed_ui.cmake): served by app/ui_routes.h at / and /ui/{name}.
#pragma once

#include <span>
#include <string_view>

namespace driftd::ui {

struct UiAsset {
  std::string_view name;          // the file name in assets/, e.g. "app.js"
  std::string_view content_type;  // from its extension
  std::string_view body;
};

// Every asset, by name.
std::span<const UiAsset> ui_assets();

}  // namespace driftd::ui
