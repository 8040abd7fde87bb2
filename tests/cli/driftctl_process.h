// Test helpers: driftctl run as a subprocess, as a person would run it, and
// scratch files for its input (one directory per test process, since ctest
// runs test cases in parallel processes).
#pragma once

#include <filesystem>
#include <string>

namespace driftd::test {

struct RunResult {
  int exit_code;
  std::string out;
  std::string err;
};

// Runs `driftctl <arguments>` through the shell.
RunResult run_driftctl(const std::string& arguments);

std::filesystem::path scratch_dir();

// Writes `text` to scratch_dir()/name and returns the path.
std::string write_file(const std::string& name, const std::string& text);

}  // namespace driftd::test
