#!/usr/bin/env bash
# The UML XSTATE adapter's version rule, on a host whose XSAVE area is larger than AVX's
# (AVX-512, AMX), on whichever UML is installed (its version read at run time):
# - UML before 6.13 (Debian 12's 6.1, Debian 13's 6.12) transfers 832 bytes: without the
#   adapter the guest's init dies at once ("ptrace set fp regs failed"); with it (taplaunch's
#   default there) the guest boots, pings, and keeps every thread's AVX-512 registers (zmm0-31,
#   k1-7) intact across 20000 system calls each while four threads of one process and two more
#   processes run at once (xstate_check.c), which needs UML to save and restore each task's
#   whole XSAVE area.
# - UML 6.13 and later (Debian unstable's 7.2) sizes the transfer from the host: taplaunch
#   preloads nothing, and the same guest and check pass without the adapter.
#
# Skips (77) on a host whose XSAVE area fits UML's buffer: there is nothing to prove there.
# Usage: uml_xstate_adapter.sh TAPLAUNCH XSTATE_CHECK
set -euo pipefail
taplaunch=$1 xstate_check=$2
source "$(dirname "$0")/../lib/uml_test.sh"

uml_require
grep -q avx512f /proc/cpuinfo || { echo "SKIP: the host has no AVX-512 to check" >&2; exit 77; }
uml_version=$("$UML_BIN" --version)
IFS=. read -r uml_major uml_minor _ <<<"$uml_version"
if [ "$uml_major" -gt 6 ] || { [ "$uml_major" -eq 6 ] && [ "$uml_minor" -ge 13 ]; }; then
  uml_sizes_itself=yes
else
  uml_sizes_itself=no
fi
plan=$("$taplaunch" --dry-run --emulator-kind uml -- "$UML_BIN")
if grep -q '^preload .*taplaunch-uml-xstate.so into UML' <<<"$plan"; then preloads=yes; else preloads=no; fi
echo "UML $uml_version: sizes the XSTATE transfer itself: $uml_sizes_itself; taplaunch preloads the adapter: $preloads"

# AVX-512 in three processes, one of them with four threads, after the ping.
XSTATE_INIT_ARGS="tl.run=/bin/sh:-c:$xstate_check\${IFS}4\${IFS}20000&$xstate_check\${IFS}1\${IFS}20000&$xstate_check\${IFS}2\${IFS}20000;wait\${IFS}%1&&wait\${IFS}%2"
check_xstate_kept() {
  local oks
  oks=$(grep -c '^xstate ok ' "$log" || true)
  [ "$oks" -eq 3 ] || { cat "$log" >&2; tl_fail "expected 3 'xstate ok' lines, got $oks"; }
  ! grep -q 'xstate mismatch' "$log" || { cat "$log" >&2; tl_fail "AVX-512 state was lost"; }
}

if [ "$uml_sizes_itself" = yes ]; then
  [ "$preloads" = no ] || { echo "$plan" >&2; tl_fail "taplaunch preloads the adapter into UML $uml_version, which needs none"; }
  tl_uml_begin uml-xstate
  log=$TL_UML_LOG
  UML_INIT_ARGS=$XSTATE_INIT_ARGS
  UML_WRAPPER=("$taplaunch" -v --nic bridge=br0,mac=52:54:00:3b:00:01 --)
  # shellcheck disable=SC2046  # uml_boot_args prints words without spaces inside them
  if ! uml_boot "$log" $(uml_boot_args vec0); then
    cat "$log" >&2
    uml_report >&2
    tl_fail "the guest of UML $uml_version failed without the adapter"
  fi
  ! grep -q 'taplaunch-uml-xstate.so' "$log" || tl_fail "taplaunch preloaded the adapter"
  check_xstate_kept
  echo "PASS (UML $uml_version, no adapter: ping and AVX-512 state kept in 7 threads, done after ${UML_MARKER_SECONDS}s)"
  exit 0
fi
[ "$preloads" = yes ] || { echo "$plan" >&2; tl_fail "taplaunch does not preload the adapter into UML $uml_version on this host"; }

tl_uml_begin uml-xstate
log=$TL_UML_LOG

# Without the adapter UML cannot restore the guest's FPU state: the guest's init dies ("ptrace
# set fp regs failed", where the kernel takes only the whole area on SETREGSET), or the guest's
# AVX-512 state is lost.
UML_INIT_ARGS=$XSTATE_INIT_ARGS
UML_WRAPPER=("$taplaunch" -v --uml-xstate-adapter off --nic bridge=br0,mac=52:54:00:3b:00:01 --)
# shellcheck disable=SC2046  # uml_boot_args prints words without spaces inside them
uml_boot "$log" $(uml_boot_args vec0) || true
mismatches=$(grep -c 'xstate mismatch' "$log" || true)
if grep -q 'ptrace set fp regs failed' "$log"; then
  without="init died"
elif [ "$mismatches" -gt 0 ]; then
  without="AVX-512 state lost ($mismatches mismatches)"
elif [ "$(grep -c '^xstate ok ' "$log" || true)" -eq 3 ]; then
  # Seen on a host with a 2432-byte area (AVX-512, no AMX) under Linux 6.18: UML 6.1 kept
  # every thread's state without the adapter. The rule still preloads it (harmless); what is
  # left to prove here is that the adapter keeps the state too.
  without="state kept: this host's kernel takes UML's short transfer"
else
  cat "$log" >&2
  tl_fail "without the adapter the guest neither died, nor lost AVX-512 state, nor finished the check"
fi
echo "without the adapter: $without"

# With it (the default here): ping, then the AVX-512 check in three processes, one of them
# with four threads.
UML_INIT_ARGS=$XSTATE_INIT_ARGS
UML_WRAPPER=("$taplaunch" -v --nic bridge=br0,mac=52:54:00:3b:00:01 --)
if ! uml_boot "$log" $(uml_boot_args vec0); then
  cat "$log" >&2
  uml_report >&2
  tl_fail "the guest failed with the adapter"
fi
grep -q '^taplaunch: preload .*taplaunch-uml-xstate.so into UML' "$log" || tl_fail "taplaunch did not say it preloads the adapter"
check_xstate_kept
echo "PASS (UML $uml_version; no adapter: $without; adapter: ping and AVX-512 state kept in 7 threads, done after ${UML_MARKER_SECONDS}s)"
