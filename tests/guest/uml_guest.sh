# shellcheck shell=bash
# Boots User-Mode Linux guests for the guest tests: the host's filesystem as a read-only root,
# uml-init.sh as init, the console on stdout. Source it from bash (after tests/lib/netns.sh when
# the guest should run in the test's namespace):
#
#   source tests/lib/netns.sh; source tests/guest/uml_guest.sh
#   uml_require                                   # exit 77 (skip) without root or UML
#   tl_netns_create uml; tl_make_bridge br0 10.77.0.1/24; ...make tap0...
#   uml_boot "$log" $(uml_boot_args vec0) vec0:transport=tap,ifname=tap0,mac=52:54:00:12:34:56
#   [ "$UML_RESULT" = ok ] || tl_fail "..."
#
# A test script sources tests/lib/uml_test.sh instead: it sources both and its
# tl_uml_begin does the uml_require, namespace, bridge and log steps above.
#
# Functions
#   uml_boot_args IF[,IF...] [ADDR/PFX[,...] [PEER[,...]]]
#       Prints the kernel arguments (one line, no argument contains a space) for a guest that
#       sets up NICs IF... (vec0, eth0, ...). NIC i (from 0) defaults to 10.(77+i).0.2/24 and
#       pings 10.(77+i).0.1, the layout of tl_make_bridge br<i> 10.(77+i).0.1/24. The NIC
#       arguments themselves (vec0:transport=..., eth0=...) are not included. Neither is
#       uml_dir=: uml_boot adds it; anyone else must pass uml_dir=DIR or set a writable HOME.
#       UML_INIT_ARGS (e.g. "tl.iperf=10.77.0.1 tl.count=1") is appended.
#   uml_boot LOG ARG...
#       uml_start + uml_wait_marker + uml_wait_exit: boots, waits for the guest's
#       "TAPLAUNCH-GUEST: result" line (UML_TIMEOUT seconds, default 60) and for UML to exit.
#       Without the line in time: SIGTERM, UML_TIMED_OUT=1. Returns 0 when the guest reported
#       "result ok" and the command exited 0.
#   uml_start LOG ARG...
#       Starts "${UML_WRAPPER[@]}" $UML_BIN ARG... uml_dir=<fresh dir> in the background, in
#       namespace $TL_NS when set, in a session (and process group) of its own, stdin from
#       /dev/null, stdout and stderr to LOG, no inherited fds above 2. UML_WRAPPER is a command
#       prefix that execs the rest (taplaunch ... --, tap_fd_exec.py ... --); empty by default.
#       Sets UML_PID (the wrapper's or UML's PID, also the process group ID), UML_RUN_DIR.
#   uml_wait_marker [SECONDS]
#       Waits for the "result" line or the command's exit. Sets UML_RESULT (ok, failed or none)
#       and UML_MARKER_SECONDS (from the start). Returns 0 when the line came.
#   uml_stop [SIGNAL]
#       Sends SIGNAL (default TERM) to UML_PID only (what a supervisor or systemd would do).
#   uml_wait_exit [SECONDS]
#       Waits for UML_PID to exit; SIGKILLs it after SECONDS (default 10; UML_STATUS=124 then).
#       Then gives the rest of its process group 2 s to go, records what is still there in
#       UML_LEFTOVER (PIDs) and SIGKILLs it, and removes UML_RUN_DIR. Sets UML_STATUS (exit
#       status, 128+N for signal N) and UML_EXIT_SECONDS (from the start).
#   uml_require
#       Skips the test (exit 77) when not root or when UML_BIN does not run.
#
# Settings (environment): UML_BIN (default /usr/bin/linux), UML_MEM (128M), UML_TIMEOUT (60),
# UML_WRAPPER (array), UML_INIT_ARGS, UML_DIR_OWNER (uid:gid that gets the uml_dir, for a
# wrapper that runs UML as another user), UML_SHM (the directory for UML's memory file, default
# /dev/shm: it must be on tmpfs and allow PROT_EXEC mappings).
#
# Findings (UML 6.1.176 from Debian bookworm, as root, in private namespaces; numbers and
# commands in docs/uml-notes.md; tests/guest/uml_manual_taps.sh reproduces the NIC forms):
# - Root: `root=/dev/root rootfstype=hostfs rootflags=/ ro`. hostfs acts as UML's user (root
#   here): with `rw` the guest wrote a root-owned file on the host; `ro` refuses every write.
#   uml-init.sh mounts a tmpfs on /run for what must be written (iperf3).
# - Console `con=null con0=fd:0,fd:1 ssl=null`: UML's stdout, no ptys. No tty needed: stdin
#   /dev/null ("epollctl add err fd 0" is harmless), closed or a pipe all work. With a tty,
#   UML must be in the terminal's foreground group or in a new session: in a background
#   process group of the terminal's session job control stops it before it boots.
# - `pty.legacy_count=0` saves 0.6-0.7 s (init at ~1.2 s instead of ~2.4 s). Harness start
#   to "result ok": median 2.5 s (tap), 2.8 s (tuntap), 3.8-4.4 s (fd forms, python wrapper).
# - UML needs uml_dir=DIR (made if missing; parent must exist) or a writable HOME (~/.uml),
#   else it aborts (134) at once; its memory file goes to $TMPDIR, else /dev/shm (a TMPDIR
#   that is missing or forbids PROT_EXEC: exit 1 at once).
# - NIC forms, all ping: `vecN:transport=tap,ifname=T,mac=M` (opens T by name with
#   IFF_TAP|IFF_NO_PI|IFF_VNET_HDR and TSO offloads: add `gro=1`, without it host-to-guest
#   TCP runs at 0.4 Mbit/s), `ethN=tuntap,T,M` (IFF_TAP|IFF_NO_PI), `vecN:transport=fd,fd=F,
#   mac=M,vec=0` (a TAP fd opened without IFF_VNET_HDR; with it, or without vec=0, nothing
#   passes). The TAP's creation flags do not matter (they belong to the attaching fd) except
#   multi_queue (EINVAL). The open happens at the guest's ifup: failures (EBUSY when any other
#   fd holds the TAP, EPERM when TUNSETOWNER/TUNSETGROUP name another user and UML lacks
#   CAP_NET_ADMIN) show only on the console, and UML still exits 0. A missing TAP is created
#   by UML (as root), unbridged. An ownerless persistent TAP can be taken by any user.
# - iperf3 4 s guest->host / host->guest, Mbit/s: tap 3000-3400 / 0.37, tap+gro=1
#   2950-3100 / 1400-1550, tuntap 735-773 / 1040-1150, fd 530-750 / 485-545.
# - Exit status: guest poweroff/halt/sysrq-o and mconsole halt 0; SIGTERM or SIGINT 1 (main
#   exits in 30-50 ms, no guest shutdown, all processes gone in 50-75 ms); guest panic 134;
#   SIGHUP ignored; guest reboot re-executes UML (same PID; the tap form's fd leaks across
#   and the rebooted guest cannot reopen its TAP). SIGQUIT and SIGKILL kill only the main
#   process: its two helpers (clone()d, sharing its fd table) live on, reparented, holding
#   every fd (the TAPs stay attached, the memory file stays allocated). Hence the process
#   group and the leftover check here; a supervisor must kill the group, or be a subreaper
#   and kill its remaining children, once UML's main process has exited.

UML_BIN=${UML_BIN:-/usr/bin/linux}
UML_MEM=${UML_MEM:-128M}
UML_TIMEOUT=${UML_TIMEOUT:-60}
UML_SHM=${UML_SHM:-/dev/shm}
UML_INIT=${UML_INIT:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/uml-init.sh}
if ! declare -p UML_WRAPPER >/dev/null 2>&1; then UML_WRAPPER=(); fi
UML_PID="" UML_RUN_DIR="" UML_LOG="" UML_START="" UML_RESULT="" UML_STATUS=""
UML_MARKER_SECONDS="" UML_EXIT_SECONDS="" UML_LEFTOVER="" UML_TIMED_OUT=0

uml_require() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: UML guest tests need root (network namespaces, TAPs)" >&2
    exit 77
  fi
  if ! "$UML_BIN" --version >/dev/null 2>&1; then
    echo "SKIP: no User-Mode Linux at $UML_BIN (install user-mode-linux)" >&2
    exit 77
  fi
}

uml_boot_args() {
  local ifs=$1 ips=${2:-} peers=${3:-} i n
  local -a if_list
  IFS=, read -r -a if_list <<<"$ifs"
  n=${#if_list[@]}
  if [ -z "$ips" ]; then
    for ((i = 0; i < n; i++)); do ips+="${ips:+,}10.$((77 + i)).0.2/24"; done
  fi
  if [ -z "$peers" ]; then
    for ((i = 0; i < n; i++)); do peers+="${peers:+,}10.$((77 + i)).0.1"; done
  fi
  echo "mem=$UML_MEM root=/dev/root rootfstype=hostfs rootflags=/ ro init=$UML_INIT" \
    "con=null con0=fd:0,fd:1 ssl=null pty.legacy_count=0" \
    "tl.if=$ifs tl.ip=$ips tl.peer=$peers${UML_INIT_ARGS:+ $UML_INIT_ARGS}"
}

uml_now() { echo "$EPOCHREALTIME"; }
uml_since() { awk -v a="$UML_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }

uml_start() {
  UML_LOG=$1
  shift
  UML_RUN_DIR=$(mktemp -d /tmp/tl-uml.XXXXXX)
  # UML writes <umid>/{pid,mconsole} there: hand it to the user UML will run as, if not root.
  [ -z "${UML_DIR_OWNER:-}" ] || chown "$UML_DIR_OWNER" "$UML_RUN_DIR"
  UML_RESULT=none UML_STATUS="" UML_MARKER_SECONDS="" UML_EXIT_SECONDS="" UML_LEFTOVER=""
  local -a ns=()
  [ -n "${TL_NS:-}" ] && ns=(ip netns exec "$TL_NS")
  : >"$UML_LOG"
  # With job control on, a background job leads its own group and setsid would fork.
  local job_control=${-//[^m]/}
  set +m
  UML_START=$EPOCHREALTIME
  # setsid execs in place (a background job of a script is no group leader), and so do
  # `ip netns exec`, env and bash: $! is the wrapper's (or UML's) PID, its session and group.
  # Signals reset to default: a background job of a script starts with SIGINT/SIGQUIT ignored.
  # shellcheck disable=SC2016  # the inner script expands in the inner bash
  setsid "${ns[@]}" env --default-signal=INT,QUIT HOME="$UML_RUN_DIR" TMPDIR="$UML_SHM" \
    bash -c 'for fd in /proc/self/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec "$@"' \
    uml-launch "${UML_WRAPPER[@]}" "$UML_BIN" "$@" "uml_dir=$UML_RUN_DIR" \
    </dev/null >"$UML_LOG" 2>&1 &
  UML_PID=$!
  [ -z "$job_control" ] || set -m
}

uml_wait_marker() {
  local timeout=${1:-$UML_TIMEOUT} line
  local deadline=$((${EPOCHREALTIME%.*} + timeout))
  while [ "${EPOCHREALTIME%.*}" -lt "$deadline" ]; do
    line=$(grep -a -m1 -o 'TAPLAUNCH-GUEST: result [a-z]*' "$UML_LOG" 2>/dev/null || true)
    if [ -n "$line" ]; then
      UML_RESULT=${line##* }
      UML_MARKER_SECONDS=$(uml_since)
      return 0
    fi
    uml_running || break
    sleep 0.05
  done
  # The command may have printed the line just before it exited.
  line=$(grep -a -m1 -o 'TAPLAUNCH-GUEST: result [a-z]*' "$UML_LOG" 2>/dev/null || true)
  if [ -n "$line" ]; then
    UML_RESULT=${line##* }
    UML_MARKER_SECONDS=$(uml_since)
    return 0
  fi
  return 1
}

# True while UML_PID runs (bash reaps its jobs itself; a zombie does not count).
uml_running() {
  local state
  state=$(ps -o stat= -p "$UML_PID" 2>/dev/null) || return 1
  case $state in Z*) return 1 ;; esac
  return 0
}

uml_stop() {
  kill -s "${1:-TERM}" "$UML_PID" 2>/dev/null || true
}

uml_wait_exit() {
  local timeout=${1:-10} deadline pids i
  deadline=$((${EPOCHREALTIME%.*} + timeout))
  while uml_running && [ "${EPOCHREALTIME%.*}" -lt "$deadline" ]; do
    sleep 0.02
  done
  if uml_running; then
    echo "uml_guest: PID $UML_PID still running after ${timeout}s: SIGKILL to its group" >&2
    kill -KILL -- "-$UML_PID" 2>/dev/null || true
    wait "$UML_PID" 2>/dev/null || true
    UML_STATUS=124
  else
    UML_STATUS=0
    wait "$UML_PID" 2>/dev/null || UML_STATUS=$?   # (also under set -e)
  fi
  UML_EXIT_SECONDS=$(uml_since)
  # The rest of the group: UML's helpers when its main process died of SIGKILL or SIGQUIT.
  for i in $(seq 100); do
    pids=$(pgrep -g "$UML_PID" | tr "\n" " " || true)
    [ -z "$pids" ] && break
    sleep 0.02
  done
  UML_LEFTOVER=${pids% }
  if [ -n "$UML_LEFTOVER" ]; then
    kill -KILL -- "-$UML_PID" 2>/dev/null || true
    for i in $(seq 100); do
      [ -z "$(pgrep -g "$UML_PID")" ] && break
      sleep 0.02
    done
  fi
  rm -rf "$UML_RUN_DIR"
}

uml_boot() {
  local log=$1
  shift
  UML_TIMED_OUT=0
  uml_start "$log" "$@"
  if ! uml_wait_marker "$UML_TIMEOUT" && uml_running; then
    echo "uml_guest: no result line within ${UML_TIMEOUT}s: SIGTERM to PID $UML_PID" >&2
    UML_TIMED_OUT=1
    uml_stop TERM
    uml_wait_exit 5
    return 1
  fi
  uml_wait_exit 10
  [ "$UML_RESULT" = ok ] && [ "$UML_STATUS" -eq 0 ]
}

# Prints the guest's report lines and the exit facts (for a failing test's log).
uml_report() {
  grep -a 'TAPLAUNCH-GUEST:' "$UML_LOG" || true
  echo "status=$UML_STATUS result=$UML_RESULT timed_out=$UML_TIMED_OUT marker=${UML_MARKER_SECONDS}s exit=${UML_EXIT_SECONDS}s leftover=[${UML_LEFTOVER}]"
}
