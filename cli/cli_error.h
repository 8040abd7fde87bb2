// How driftctl reports failures.
//
// UsageError: a bad argument or bad input file; driftctl prints
// "driftctl <command>: <message>" on one line of stderr and exits with
// kExitUsage (2). Library InputErrors are reported the same way.
#pragma once

#include <stdexcept>
#include <string>

namespace driftd::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitDrift = 1;  // compare --fail-on-drift found drift
inline constexpr int kExitUsage = 2;

class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace driftd::cli
