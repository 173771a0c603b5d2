#pragma once
// `taplaunch doctor BRIDGE [--strict]`: explains a bridge as an expert would (its MAC and who
// holds it, its ports, STP, isolation, what silently blocks guest traffic) and gives the
// command that fixes each risk. Exit status 0; with --strict, 1 when it found a risk; 2 for
// bad usage or no such bridge.

#include <string>
#include <vector>

namespace taplaunch {

// Explains `bridge`; returns the exit status (1 with `strict` when it found a risk).
int run_doctor(const std::string& bridge, bool strict);

}  // namespace taplaunch
