# Build-time script: turns every file of daemon/ui/assets/ into an entry of
# driftd::ui::ui_assets() (ui_assets.h), its bytes as a raw string literal.
# Usage: cmake -DASSETS_DIR=... -DOUTPUT=... -P embed_ui.cmake
file(GLOB files "${ASSETS_DIR}/*")
list(SORT files)
set(body "")
foreach(file ${files})
  get_filename_component(name ${file} NAME)
  get_filename_component(extension ${file} LAST_EXT)
  if(extension STREQUAL ".html")
    set(type "text/html; charset=utf-8")
  elseif(extension STREQUAL ".js")
    set(type "text/javascript; charset=utf-8")
  elseif(extension STREQUAL ".css")
    set(type "text/css; charset=utf-8")
  elseif(extension STREQUAL ".svg")
    set(type "image/svg+xml")
  else()
    message(FATAL_ERROR "daemon/ui/assets/${name}: no content type for '${extension}'")
  endif()
  file(READ ${file} content)
  string(FIND "${content}" ")driftd_ui\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "daemon/ui/assets/${name} holds the raw string delimiter")
  endif()
  string(APPEND body "      {\"${name}\", \"${type}\", R\"driftd_ui(${content})driftd_ui\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp
"// Generated from daemon/ui/assets/ by embed_ui.cmake. Do not edit.
#include \"ui/ui_assets.h\"

namespace driftd::ui {

std::span<const UiAsset> ui_assets() {
  static constexpr UiAsset kAssets[] = {
${body}  };
  return kAssets;
}

}  // namespace driftd::ui
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
