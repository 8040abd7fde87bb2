#include "app/systemd_notify.h"

#include <string>

#include <systemd/sd-daemon.h>

namespace driftd {

void notify_ready(std::string_view status) {
  sd_notify(0, ("READY=1\nSTATUS=" + std::string(status)).c_str());
}

void notify_stopping() { sd_notify(0, "STOPPING=1\nSTATUS=draining"); }

void notify_reloading() { sd_notify(0, "RELOADING=1\nSTATUS=reloading the configuration"); }

void notify_status(std::string_view status) {
  sd_notify(0, ("STATUS=" + std::string(status)).c_str());
}

void notify_watchdog() { sd_notify(0, "WATCHDOG=1"); }

std::optional<std::chrono::microseconds> watchdog_interval() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0) return std::nullopt;
  return std::chrono::microseconds(usec / 2);
}

}  // namespace driftd
