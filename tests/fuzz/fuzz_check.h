// FUZZ_CHECK: the property checks of the fuzz targets. A violated property
// prints what failed and aborts, which libFuzzer reports as a crash and
// saves the input that caused it (scripts/fuzz names it).
//
// Thread safety: the targets are single-threaded; so is this.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                           \
  do {                                                                                  \
    if (!(condition)) {                                                                 \
      std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (false)
