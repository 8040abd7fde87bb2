// The daemon's side of systemd's notify protocol (Type=notify): READY=1 once
// it serves, WATCHDOG=1 from the processing loop, STOPPING=1 when it drains,
// STATUS= lines for `systemctl status`. Outside systemd (no NOTIFY_SOCKET)
// every call does nothing. RELOADING=1 when SIGHUP applies a new configuration.
//
// Thread safety: any thread (sd_notify is a datagram send).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace driftd {

void notify_ready(std::string_view status);
void notify_stopping();
// A reload began; the re-executed daemon sends READY=1 when it serves again.
void notify_reloading();
void notify_status(std::string_view status);
void notify_watchdog();
// The interval at which to pet the watchdog (half of WatchdogSec), or
// nullopt when the service has no watchdog.
std::optional<std::chrono::microseconds> watchdog_interval();

}  // namespace driftd
