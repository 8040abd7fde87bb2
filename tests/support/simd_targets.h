// Runs a test body once per SIMD target, as Highway's own tests do.
//
// for_each_simd_target(implementation, body) restricts Highway's dispatch to
// each target that this CPU supports and the library was compiled for
// (SSSE3, SSE4, AVX2, AVX3, EMU128, ...), checks that the unit under test
// really dispatches there (`implementation()` names the code it runs now:
// BatchBinner::implementation, csv_masks_implementation, ...), runs the body
// with the target's name in Catch2's failure context, and restores normal
// dispatch afterwards, also when an assertion aborts the body.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "common/simd_target.h"
#include "hwy/targets.h"

namespace driftd::testing {

template <class Implementation, class Body>
void for_each_simd_target(Implementation&& implementation, Body&& body) {
  struct RestoreDispatch {
    ~RestoreDispatch() { hwy::SetSupportedTargetsForTest(0); }
  } restore;
  for (const std::int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    const std::string name = hwy::TargetName(target);
    INFO("SIMD target " << name);
    REQUIRE(implementation() == (simd_forced_scalar() ? "scalar" : name));
    body();
  }
}

}  // namespace driftd::testing
