// driftctl: placeholder entry point until the CLI lands.
#include <cstdio>
int main() { std::puts("driftctl"); return 0; }
