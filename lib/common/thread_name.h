// Names the calling thread as `top -H`, `ps -L`, perf and /proc/PID/task/*/comm
// show it, so an operator can tell driftd's threads apart (the Kafka readers
// from the window manager and librdkafka's rdk:* threads).
//
// Promises: the name is cut to the 15 bytes Linux keeps; failure (another
// platform, a bad name) is ignored, a name being only a label.
// Thread safety: any thread, for itself.
#pragma once

#include <string>

namespace driftd {

void name_this_thread(const std::string& name);

}  // namespace driftd
