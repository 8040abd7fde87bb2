// `driftctl subscriptions add|list|rm|attempts --url URL`: the daemon's
// webhook subscriptions (docs/api.md), through its API.
#pragma once

namespace driftd::cli {

int run_subscriptions(int argc, const char* const* argv);

}  // namespace driftd::cli
