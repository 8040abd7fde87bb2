#include "common/simd_target.h"

#include <cstdlib>
#include <string_view>

namespace driftd {

bool simd_forced_scalar() {
  // A function-local static is initialised exactly once, thread-safely.
  static const bool forced = [] {
    const char* value = std::getenv("DRIFTD_SIMD");
    return value != nullptr && std::string_view(value) == "scalar";
  }();
  return forced;
}

}  // namespace driftd
