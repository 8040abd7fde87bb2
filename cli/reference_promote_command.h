// `driftctl reference promote --db FILE --stream NAME --window-start MS
// [--feature NAME ...]`: a stored closed window becomes the new active
// reference of the stream's features (all, or those named); the rules and
// refusals are those of store/reference_promotion.h. Safe while driftd runs.
#pragma once

namespace driftd::cli {

// argv[0] is "promote".
int run_reference_promote(int argc, const char* const* argv);

}  // namespace driftd::cli
