// Compiles nothing itself: the target it belongs to (driftd_test_pch,
// tests/CMakeLists.txt) precompiles Catch2's header, which every test
// executable reuses.
