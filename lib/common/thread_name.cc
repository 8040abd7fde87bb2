#include "common/thread_name.h"

#include <pthread.h>

namespace driftd {

void name_this_thread(const std::string& name) {
  constexpr std::size_t kMaxLength = 15;  // TASK_COMM_LEN - 1
  pthread_setname_np(pthread_self(), name.substr(0, kMaxLength).c_str());
}

}  // namespace driftd
