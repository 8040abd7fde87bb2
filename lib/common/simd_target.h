// Choice between the SIMD kernels and the scalar reference code.
//
// Every SIMD kernel in driftd (binning, divergence sums) has a scalar
// reference implementation that tests compare it with. Setting the
// environment variable DRIFTD_SIMD=scalar before start makes the library use
// the scalar reference everywhere: a way to rule SIMD out in a bug report.
// Any other value (or none) lets Highway pick the best target the CPU
// supports at run time.
//
// Thread safety: the environment is read once, on first use; later calls
// return the cached answer and are safe from any thread.
#pragma once

namespace driftd {

// True when DRIFTD_SIMD=scalar was set when the process first asked.
bool simd_forced_scalar();

}  // namespace driftd
