#!/usr/bin/env bash
# examples/ci/boot-guest.sh as docs/ci.md uses it on a runner with root: it boots the test
# guest behind `taplaunch --` with QEMU's own -nic bridge, in a namespace of its own; the guest
# must ping the job's address on the bridge and power off, and the script must exit 0 and
# leave no namespace. It runs twice: the second time over a namespace of the same name that an
# earlier run "killed half way" left behind, with a process still in it.
# Usage: ci_example.sh TAPLAUNCH INITRAMFS
set -euo pipefail
taplaunch=$(realpath "$1") initramfs=$(realpath "$2")
top=$(cd "$(dirname "$0")/../.." && pwd)
source "$top/tests/lib/netns.sh"

tl_require_root
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: no qemu-system-x86_64" >&2; exit 77; }
if [ ! -f "$initramfs" ] || [ ! -f "$initramfs.kernel" ]; then
  echo "SKIP: no initramfs $initramfs (built by the guest.initramfs test)" >&2
  exit 77
fi

ns=tl-ci-example-$$
work=$(mktemp -d)
cleanup() {
  local pids
  pids=$(ip netns pids "$ns" 2>/dev/null || true)
  [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/bin"
ln -s "$taplaunch" "$work/bin/taplaunch"

boot() {  # boot RUN: the example script, as a job runs it; checks its console and what is left
  local run=$1 status=0
  (cd "$work" && PATH="$work/bin:$PATH" CI_NETNS=$ns CONSOLE="$work/console-$run.log" \
    BRIDGE_ADDRESS=10.0.2.1/24 TIMEOUT=120 GUEST_KERNEL="$(cat "$initramfs.kernel")" \
    GUEST_INITRD="$initramfs" \
    GUEST_APPEND="console=ttyS0 quiet panic=-1 tl.ip=10.0.2.2/24 tl.peer=10.0.2.1" \
    bash "$top/examples/ci/boot-guest.sh" </dev/null) >"$work/out-$run" 2>&1 || status=$?
  if [ "$status" -ne 0 ] || ! grep -q '^TAPLAUNCH-GUEST: ping ok ' "$work/console-$run.log" ||
     ! grep -q '^TAPLAUNCH-GUEST: result ok' "$work/console-$run.log"; then
    cat "$work/out-$run" "$work/console-$run.log" >&2
    tl_fail "run $run: the example's guest did not ping the bridge (the script exited $status)"
  fi
  grep -q "its console is in $work/console-$run.log" "$work/out-$run" ||
    tl_fail "run $run: the script did not say where the console is"
  ! ip netns list | grep -qw "$ns" || tl_fail "run $run: the script left its namespace $ns behind"
  echo "run $run: the guest pinged the bridge; nothing left"
}

boot 1
# What a run killed half way leaves: the namespace with its bridge and a process in it.
ip netns add "$ns"
ip -n "$ns" link add br0 type bridge
ip netns exec "$ns" sleep 600 &
leftover=$!
sleep 0.2
boot 2
# The leftover process was removed with its namespace: killed (status 137), not still running.
leftover_status=0
wait "$leftover" || leftover_status=$?
[ "$leftover_status" -eq 137 ] || tl_fail "the leftover run's process ended with $leftover_status, not by SIGKILL"
echo "PASS"
