# Shared by the host and guest tests: a private network namespace with a bridge, removed on exit.
# Source it, then: tl_netns_create NAME; tl_make_bridge br0 [ADDRESS/PREFIX]; tl_in_ns CMD...
# A test that cannot run here (not root, no netns support) exits 77, which ctest reports as
# skipped (never as passed).

TL_NS=""
TL_UPLINK_MAC=a0:36:9f:11:22:33

tl_fail() {
  echo "FAIL: $*" >&2
  exit 1
}

tl_require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: needs root for network namespaces" >&2
    exit 77
  fi
}

tl_netns_cleanup() {
  [ -n "$TL_NS" ] || return 0
  local pids
  pids=$(ip netns pids "$TL_NS" 2>/dev/null || true)
  if [ -n "$pids" ]; then
    kill -9 $pids 2>/dev/null || true
    sleep 0.2
  fi
  ip netns del "$TL_NS" 2>/dev/null || true
  TL_NS=""
}

# Creates the namespace tl-NAME-PID and removes it (with every device in it) when the test exits.
tl_netns_create() {
  tl_require_root
  TL_NS="tl-$1-$$"
  ip netns add "$TL_NS" || { echo "SKIP: cannot create a network namespace" >&2; exit 77; }
  trap tl_netns_cleanup EXIT
  trap 'exit 130' INT TERM
  ip -n "$TL_NS" link set lo up
}

tl_in_ns() {
  ip netns exec "$TL_NS" "$@"
}

# A bridge with a veth uplink (MAC a0:36:9f:11:22:33) attached, both up; the bridge takes the
# uplink's MAC, as a host bridge takes its NIC's. Optionally gives the bridge an address.
tl_make_bridge() {
  local bridge=$1 address=${2:-}
  local uplink="${bridge}-up"
  ip -n "$TL_NS" link add "$bridge" type bridge || tl_fail "cannot create bridge $bridge"
  ip -n "$TL_NS" link add "$uplink" address "$TL_UPLINK_MAC" type veth peer name "${bridge}-peer"
  ip -n "$TL_NS" link set "$uplink" master "$bridge"
  ip -n "$TL_NS" link set "$uplink" up
  ip -n "$TL_NS" link set "${bridge}-peer" up
  ip -n "$TL_NS" link set "$bridge" up
  if [ -n "$address" ]; then
    ip -n "$TL_NS" addr add "$address" dev "$bridge"
  fi
  # The bridge gets its carrier once the uplink forwards; wait, so that later state
  # comparisons see no change of ours.
  local tries
  for tries in $(seq 50); do
    ip -n "$TL_NS" -br link show "$bridge" | grep -q ' UP ' && return 0
    sleep 0.1
  done
  tl_fail "bridge $bridge never came up"
}

# Sets TL_RUN to a command prefix that runs a command in the namespace with DIR first in PATH
# and no fds open but 0, 1 and 2 (whatever the test runner leaked). Every stage execs, so after
# `"${TL_RUN[@]}" CMD &`, $! is CMD's PID.
tl_set_runner() {
  TL_RUN=(ip netns exec "$TL_NS" bash -c 'for fd in /proc/self/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; PATH="$0:$PATH" exec "$@"' "$1")
}


# Every device in the namespace as `ip -d link` prints it, less the running timers and the
# bridge's count of learned addresses (newer iproute2, Debian 13's, prints it; it grows with
# traffic, not with any change made), for before/after comparisons.
tl_link_state() {
  ip -n "$TL_NS" -d link show |
    sed -E 's/^[0-9]+: //; s/[a-z_]+_timer +[0-9.]+//g; s/fdb_n_learned +[0-9]+//g'
}
