// The signature driftd puts on every webhook delivery, so a receiver can
// check that the body comes from driftd and is recent:
//   X-Driftd-Signature: t=<ms since the epoch>,v1=<hex HMAC-SHA256>
// where the HMAC is keyed with the subscription's secret over
// "<t>.<body>" (the timestamp, a dot, the exact body bytes). Receivers
// recompute it, compare in constant time, and reject old timestamps.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace driftd::alerts {

// Lower-case hex HMAC-SHA256 of `message` keyed with `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// The X-Driftd-Signature header value.
std::string webhook_signature(std::string_view secret, int64_t timestamp_ms,
                              std::string_view body);

}  // namespace driftd::alerts
