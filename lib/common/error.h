// Error types shared by the driftd library.
//
// InputError is thrown for bad input that a caller can report to a person
// (mismatched lengths, negative counts, corrupt bytes, singular matrices).
// Its message is a complete sentence fragment naming the problem, e.g.
// "p and q have different lengths (3 vs 4)"; callers prefix the context
// (file, line, argument). Hot-path code never throws: it counts.
#pragma once

#include <stdexcept>
#include <string>

namespace driftd {

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace driftd
