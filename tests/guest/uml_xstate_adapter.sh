#!/usr/bin/env bash
# The UML XSTATE adapter, on a host whose XSAVE area is larger than Debian's UML 6.1 transfers
# (AVX-512, AMX): without it the guest's init dies at once ("ptrace set fp regs failed"); with
# it (taplaunch's default there) the guest boots, pings, and keeps every thread's AVX-512
# registers (zmm0-31, k1-7) intact across 20000 system calls each while four threads of one
# process and two more processes run at once (xstate_check.c), which needs UML to save and
# restore each task's whole XSAVE area.
#
# Skips (77) on a host where UML needs no adapter: there is nothing to prove there.
# Usage: uml_xstate_adapter.sh TAPLAUNCH XSTATE_CHECK
set -euo pipefail
taplaunch=$1 xstate_check=$2
source "$(dirname "$0")/../lib/uml_test.sh"

uml_require
plan=$("$taplaunch" --dry-run --emulator-kind uml -- "$UML_BIN")
if ! grep -q '^preload .*taplaunch-uml-xstate.so into UML' <<<"$plan"; then
  echo "SKIP: UML needs no XSTATE adapter on this host (its XSAVE area fits UML's buffer)" >&2
  exit 77
fi
grep -q avx512f /proc/cpuinfo || { echo "SKIP: the host has no AVX-512 to check" >&2; exit 77; }

tl_uml_begin uml-xstate
log=$TL_UML_LOG

# Without the adapter UML cannot restore any FPU state: the guest's init dies.
UML_WRAPPER=("$taplaunch" -v --uml-xstate-adapter off --nic bridge=br0,mac=52:54:00:3b:00:01 --)
if uml_boot "$log" $(uml_boot_args vec0); then
  cat "$log" >&2
  tl_fail "the guest booted without the adapter: this test proves nothing on this host"
fi
grep -q 'ptrace set fp regs failed' "$log" || { cat "$log" >&2; tl_fail "no 'ptrace set fp regs failed' without the adapter"; }

# With it (the default here): ping, then the AVX-512 check in three processes, one of them
# with four threads.
UML_INIT_ARGS="tl.run=/bin/sh:-c:$xstate_check\${IFS}4\${IFS}20000&$xstate_check\${IFS}1\${IFS}20000&$xstate_check\${IFS}2\${IFS}20000;wait\${IFS}%1&&wait\${IFS}%2"
UML_WRAPPER=("$taplaunch" -v --nic bridge=br0,mac=52:54:00:3b:00:01 --)
if ! uml_boot "$log" $(uml_boot_args vec0); then
  cat "$log" >&2
  uml_report >&2
  tl_fail "the guest failed with the adapter"
fi
grep -q '^taplaunch: preload .*taplaunch-uml-xstate.so into UML' "$log" || tl_fail "taplaunch did not say it preloads the adapter"
oks=$(grep -c '^xstate ok ' "$log" || true)
[ "$oks" -eq 3 ] || { cat "$log" >&2; tl_fail "expected 3 'xstate ok' lines, got $oks"; }
! grep -q 'xstate mismatch' "$log" || { cat "$log" >&2; tl_fail "AVX-512 state was lost"; }
echo "PASS (no adapter: init died; adapter: ping and AVX-512 state kept in 7 threads, done after ${UML_MARKER_SECONDS}s)"
