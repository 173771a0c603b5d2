# Shared by the Open vSwitch tests: the real ovsdb-server and ovs-vswitchd (Debian
# openvswitch-switch) with the userspace datapath, in the test's own network namespace, with a
# run directory of their own; stopped by pid when the test ends. Source tests/lib/netns.sh
# first, create the namespace, then: tl_ovs_start; tl_ovs_bridge obr0; tl_ovs_vsctl ARGS...
# OVS_RUNDIR (exported) points taplaunch at this database, and never at the host's.

TL_OVS_DIR=""

tl_ovs_stop() {
  [ -n "$TL_OVS_DIR" ] || return 0
  local daemon pid
  for daemon in ovs-vswitchd ovsdb-server; do
    pid=$(cat "$TL_OVS_DIR/$daemon.pid" 2>/dev/null || true)
    [ -n "$pid" ] || continue
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$TL_OVS_DIR"
  TL_OVS_DIR=""
}

# Starts both daemons in $TL_NS (skips the test when Open vSwitch is not installed); they are
# stopped, then the namespace removed, however the test ends.
tl_ovs_start() {
  local tool
  for tool in ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (openvswitch-switch)" >&2; exit 77; }
  done
  TL_OVS_DIR=$(mktemp -d /tmp/tl-ovs.XXXXXX)
  trap 'tl_ovs_stop; tl_netns_cleanup' EXIT
  export OVS_RUNDIR=$TL_OVS_DIR OVS_DBDIR=$TL_OVS_DIR OVS_LOGDIR=$TL_OVS_DIR OVS_SYSCONFDIR=$TL_OVS_DIR
  ovsdb-tool create "$TL_OVS_DIR/conf.db" /usr/share/openvswitch/vswitch.ovsschema >/dev/null ||
    tl_fail "ovsdb-tool create failed"
  tl_in_ns ovsdb-server "$TL_OVS_DIR/conf.db" --remote="punix:$TL_OVS_DIR/db.sock" \
    --pidfile="$TL_OVS_DIR/ovsdb-server.pid" --detach --log-file="$TL_OVS_DIR/ovsdb-server.log" 2>/dev/null ||
    tl_fail "ovsdb-server did not start"
  tl_ovs_vsctl --no-wait init
  tl_in_ns ovs-vswitchd "unix:$TL_OVS_DIR/db.sock" --pidfile="$TL_OVS_DIR/ovs-vswitchd.pid" \
    --detach --log-file="$TL_OVS_DIR/ovs-vswitchd.log" 2>/dev/null ||
    tl_fail "ovs-vswitchd did not start"
}

tl_ovs_vsctl() {
  tl_in_ns ovs-vsctl --db="unix:$TL_OVS_DIR/db.sock" --timeout=10 "$@"
}

# An OVS bridge on the userspace datapath (its own device is a tun device), up.
tl_ovs_bridge() {
  tl_ovs_vsctl add-br "$1" -- set bridge "$1" datapath_type=netdev || tl_fail "cannot create OVS bridge $1"
  ip -n "$TL_NS" link set "$1" up
}

# The names of the interfaces whose external ids carry taplaunch's owner record, one a line.
tl_ovs_taplaunch_rows() {
  tl_ovs_vsctl --format=csv --data=bare --no-headings --columns=name,external_ids list Interface |
    grep 'taplaunch-owner=' | cut -d, -f1 | sort || true
}
