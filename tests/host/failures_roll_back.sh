#!/usr/bin/env bash
# Every way a launch can fail: a one-line error naming the problem, the documented exit status
# (2: bad definition, 1: host failure), and `ip -d link` exactly as before.
set -euo pipefail
taplaunch=$1 fake_bin=$2
source "$(dirname "$0")/../lib/netns.sh"

tl_netns_create rollback
tl_make_bridge br0
tl_set_runner "$fake_bin"
ip -n "$TL_NS" link add notbridge type veth peer name notbridge-peer
ip -n "$TL_NS" tuntap add taken0 mode tap
work=$(mktemp -d)
trap 'rm -rf "$work"; tl_netns_cleanup' EXIT
printf 'name = typo\nemulator = qemu-system-x86_64\nnics = bridge=br0\n' >"$work/typo.ini"
printf '#!/bin/false-interpreter-that-does-not-exist\n' >"$work/qemu-system-x86_64"
chmod +x "$work/qemu-system-x86_64"
printf 'not a program\n' >"$work/qemu-system-noformat"
chmod +x "$work/qemu-system-noformat"

failures=0
# expect_failure STATUS MESSAGE-REGEX [REQUIRED-LOG-REGEX] -- TAPLAUNCH-ARGS...
expect_failure() {
  local want_status=$1 want_message=$2 want_log=$3
  shift 4
  local before after status=0 output
  before=$(tl_link_state)
  # TL_WRAP: words to run taplaunch through (prlimit, setpriv), split at spaces.
  # shellcheck disable=SC2086
  output=$("${TL_RUN[@]}" ${TL_WRAP:-} "$taplaunch" -v "$@" 2>&1 >/dev/null) || status=$?
  after=$(tl_link_state)
  # -v logs each step on its own line before the error; the error is the last line.
  local error_lines
  error_lines=$(tail -n 1 <<<"$output")
  if grep -qv '^taplaunch: ' <<<"$output"; then
    error_lines=$(grep -v '^taplaunch: ' <<<"$output")$'\n'$error_lines
  fi
  if [ "$status" -ne "$want_status" ]; then
    echo "FAIL [$*]: exit $status, want $want_status; output: $output" >&2; failures=$((failures + 1))
  elif [ "$(wc -l <<<"$error_lines")" -ne 1 ] || ! grep -Eq -- "$want_message" <<<"$error_lines"; then
    echo "FAIL [$*]: error is not one line matching /$want_message/: $error_lines" >&2; failures=$((failures + 1))
  elif [ -n "$want_log" ] && ! grep -Eq -- "$want_log" <<<"$output"; then
    echo "FAIL [$*]: the run never got as far as /$want_log/: $output" >&2; failures=$((failures + 1))
  elif [ "$before" != "$after" ]; then
    echo "FAIL [$*]: ip -d link changed:" >&2
    diff <(echo "$before") <(echo "$after") >&2 || true
    failures=$((failures + 1))
  else
    echo "ok: [$*] -> $status: $error_lines"
  fi
}

# Bad definitions: nothing is touched.
expect_failure 2 "bridge 'br9' does not exist \(create it with: ip link add br9 type bridge, or ovs-vsctl add-br br9\)" "" -- \
  --nic bridge=br9 -- qemu-system-x86_64
expect_failure 2 "'notbridge' is a veth device, not a bridge" "" -- \
  --nic bridge=notbridge -- qemu-system-x86_64
expect_failure 2 "device 'taken0' already exists" "" -- \
  --nic bridge=br0,ifname=taken0 -- qemu-system-x86_64
expect_failure 2 "malformed mac '52:54:00:12:34'" "" -- \
  --nic bridge=br0,mac=52:54:00:12:34 -- qemu-system-x86_64
expect_failure 2 "ifname 'a-name-of-16-byt' is 16 bytes long; the kernel allows at most 15" "" -- \
  --nic bridge=br0,ifname=a-name-of-16-byt -- qemu-system-x86_64
expect_failure 2 "bridge name 'bridge-name-too-long' is 20 bytes long" "" -- \
  --nic bridge=bridge-name-too-long -- qemu-system-x86_64
expect_failure 2 "typo.ini' line 3: unknown key 'nics'" "" -- \
  --profile "$work/typo.ini"
expect_failure 2 "unknown key 'modle'" "" -- \
  --nic bridge=br0,modle=e1000 -- qemu-system-x86_64
expect_failure 2 "unknown option '--nics'" "" -- \
  --nics bridge=br0 -- qemu-system-x86_64
expect_failure 1 "emulator 'qemu-system-missing' not found in PATH" "" -- \
  --nic bridge=br0 -- qemu-system-missing

# Host failures part way: with room for seven open files (0-2, the two netlink sockets and
# two TAPs), NIC 2 of 4 cannot open /dev/net/tun, so the TAPs of NICs 0 and 1 must be gone
# again.
TL_WRAP="prlimit --nofile=7:7" expect_failure 1 \
  "nic 2: create TAP tap%d \\(IFF_TAP\\|IFF_NO_PI\\|IFF_VNET_HDR\\) failed: cannot open /dev/net/tun: Too many open files \\(each NIC holds an open file: raise the limit" \
  "nic 1: create TAP tap1" -- \
  --nic bridge=br0 --nic bridge=br0 --nic bridge=br0 --nic bridge=br0 -- qemu-system-x86_64
# Without CAP_NET_ADMIN the kernel refuses the TAP: one line, the step named once.
TL_WRAP="setpriv --bounding-set=-net_admin" expect_failure 1 \
  "^taplaunch: nic 0: create TAP tap%d \\(IFF_TAP\\|IFF_NO_PI\\|IFF_VNET_HDR\\) failed: TUNSETIFF: Operation not permitted \\(creating a TAP needs CAP_NET_ADMIN in this network namespace\\)$" \
  "" -- --nic bridge=br0 -- qemu-system-x86_64
# exec itself fails after every TAP is up: they are removed again.
expect_failure 1 "exec $work/qemu-system-x86_64: No such file or directory" "nic 1: set tap1 up" -- \
  --nic bridge=br0 --nic bridge=br0 -- "$work/qemu-system-x86_64"
expect_failure 1 "exec $work/qemu-system-noformat: Exec format error" "nic 0: set tap0 up" -- \
  --nic bridge=br0 -- "$work/qemu-system-noformat"

# The same for persistent TAPs (a UML-named emulator): undone over netlink, not by closing.
TL_WRAP="prlimit --nofile=6:6" expect_failure 1 "nic 1: create TAP tap%d .* failed: cannot open /dev/net/tun: Too many open files" \
  "nic 0: create TAP tap0" -- --nic bridge=br0 --nic bridge=br0 --nic bridge=br0 -- linux
expect_failure 1 "start $work/qemu-system-noformat: " "nic 0: set tap0 up" -- \
  --emulator-kind uml --nic bridge=br0 --nic bridge=br0 -- "$work/qemu-system-noformat"

[ "$failures" -eq 0 ] || tl_fail "$failures failure case(s) misbehaved"
echo "PASS"
