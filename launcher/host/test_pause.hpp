#pragma once
// A hook for tests that must act inside a window of a launch (delete the bridge between two
// steps, send a signal half way through set-up): with TAPLAUNCH_TEST_PAUSE=POINT in the
// environment, taplaunch stops itself (SIGSTOP) on reaching POINT, and goes on once the test
// sends SIGCONT. Points: "nic<i>:<step>" before step <step> of NIC i (tap_step_name(): create,
// set_mac, attach, ...), "handoff" just before the emulator is exec'd or started, and
// "teardown:grouped" when a supervisor has put its persistent TAPs in a link group of their
// own and is about to check that group before deleting it, and "gc:remove" when gc has judged
// a TAP removable and is about to look at it again and delete it. Nothing
// else changes: a stopped process can be stopped by whoever may signal it anyway. Ignored
// when taplaunch runs with privileges its caller lacks (secure_getenv).

#include <string_view>

namespace taplaunch {

// Stops this process (SIGSTOP) when TAPLAUNCH_TEST_PAUSE names `point`; returns once continued.
void pause_point(std::string_view point);

}  // namespace taplaunch
