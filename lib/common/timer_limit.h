// The longest duration driftd hands to a timer, a deadline or a wait.
//
// std::chrono::steady_clock (and with it Asio's steady_timer and Beast's
// stream expiry) counts int64 nanoseconds since boot. Setting a timer adds
// the duration, converted to nanoseconds, to the clock's present: a duration
// beyond 2^63 ns (292 years) overflows in the conversion already, and one
// near it overflows in the addition, leaving a deadline in the past (a
// keep-alive connection closed at once, a webhook attempt that times out
// before it starts). kMaxTimerDuration is 2^62 ns, about 146 years, which
// leaves the clock the other 146 years of uptime: no timer, deadline or
// elapsed-time comparison with such a duration can overflow.
//
// Thread safety: a constant.
#pragma once

#include <chrono>
#include <cstdint>

namespace driftd {

inline constexpr std::chrono::milliseconds kMaxTimerDuration =
    std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::nanoseconds(std::int64_t{1} << 62));

}  // namespace driftd
