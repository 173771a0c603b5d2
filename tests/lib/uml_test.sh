# shellcheck shell=bash
# The frame every UML guest test shares. Source it from a test script (it sources netns.sh
# and tests/guest/uml_guest.sh), then:
#
#   tl_uml_begin NAME [BRIDGES]
#       Skips the test (exit 77) without root or UML (uml_require). Creates the namespace
#       tl-NAME-PID (tl_netns_create) with bridges br0 ... br<BRIDGES-1> (default 1), bridge i
#       at 10.(77+i).0.1/24: the layout uml_boot_args gives the guest. Creates a scratch
#       directory TL_UML_DIR holding the console log TL_UML_LOG. On exit, however the
#       test ends, the commands given to tl_uml_on_exit run (the last given first), then
#       the directory and the namespace are removed.
#   tl_uml_on_exit COMMAND
#       Adds COMMAND (one string, run with eval) to what the exit of the test undoes, e.g. the
#       restore of a global setting the test changes.

TL_UML_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$TL_UML_LIB/netns.sh"
source "$TL_UML_LIB/../guest/uml_guest.sh"

TL_UML_DIR="" TL_UML_LOG="" TL_UML_ON_EXIT=()

tl_uml_begin() {
  local name=$1 bridges=${2:-1} i
  uml_require
  tl_netns_create "$name"
  trap tl_uml_end EXIT
  TL_UML_DIR=$(mktemp -d /tmp/tl-uml-test.XXXXXX)
  TL_UML_LOG=$TL_UML_DIR/console.log
  : >"$TL_UML_LOG"
  for ((i = 0; i < bridges; i++)); do
    tl_make_bridge "br$i" "10.$((77 + i)).0.1/24"
  done
}

tl_uml_on_exit() {
  TL_UML_ON_EXIT+=("$1")
}

tl_uml_end() {
  local i
  for ((i = ${#TL_UML_ON_EXIT[@]} - 1; i >= 0; i--)); do
    eval "${TL_UML_ON_EXIT[$i]}" || echo "uml_test: on exit, failed: ${TL_UML_ON_EXIT[$i]}" >&2
  done
  TL_UML_ON_EXIT=()
  if [ -n "$TL_UML_DIR" ]; then
    rm -rf "$TL_UML_DIR"
    TL_UML_DIR=""
  fi
  tl_netns_cleanup
}
