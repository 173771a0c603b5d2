// The tests' main, the same for Catch2 2 and 3.
#define CATCH_CONFIG_RUNNER  // Catch2 2: this file supplies main
#include "catch_compat.hpp"

int main(int argc, char* argv[]) { return Catch::Session().run(argc, argv); }
