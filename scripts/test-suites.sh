#!/usr/bin/env bash
# The suite matrix: taplaunch on Debian 13 (trixie) and unstable (sid), each in a fresh root
# made with mmdebstrap and entered with scripts/in-root.sh (a mount namespace and pivot_root).
# In each: scripts/install-deps.sh; a GCC build and a clang check of every file, both with
# -Werror; the unit and host tests and the guest tests below on the GCC build; the Debian
# package built there, checked by lintian, installed with apt-get in a second fresh root of the
# same suite and run.
# The suites run side by side (one's downloads overlap the other's compiling). Each step is
# timed; a table at the end gives the versions and the times. A failure ends that suite with a
# line naming the suite and the step, and the run with a non-zero exit.
# The roots live in one temporary directory per run and are removed however the run ends.
# scripts/test.sh runs this beside the ordinary suite (TAPLAUNCH_SUITES=0 skips it there).
# Usage: scripts/test-suites.sh [SUITE...]      default: trixie sid
# Environment: TAPLAUNCH_SUITES_DIR (where the per-run directory goes, default /var/tmp),
#   TAPLAUNCH_SUITES_KEEP=1 (keep the roots, for a look after a failure),
#   TAPLAUNCH_SUITES_DEB=0 (leave out the .deb step).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

# The guest tests the matrix boots, as ctest names less the "guest." prefix: a QEMU guest
# through the drop-in and a UML guest in the default (vector) form. ctest adds the fixtures
# they need (the initramfs). Each must run and pass.
guest_tests=(qemu_drop_in.nic_virtio qemu_run_with uml_ping.tap_1nic)

# The unit and host tests, less the reliability ones (stress runs, labelled host too, which
# the machine's own suite runs).
unit_host_labels='unit|host'
unit_host_exclude='reliability'
# host.macvtap needs devtmpfs on /dev for its /dev/tapN, and a root's /dev is a tmpfs of its own
# (scripts/in-root.sh, so that a test's chmod of /dev/net/tun stays inside): the machine's own
# suite runs it.
unit_host_exclude_names='^host\.macvtap$'

step_names=(root deps gcc clang unit+host guests deb)

# The .deb step builds the tree a third time (as released) and runs lintian; CI leaves it out
# (TAPLAUNCH_SUITES_DEB=0) to stay within its time, and a whole run on a machine of one's own
# keeps it.
deb_step=${TAPLAUNCH_SUITES_DEB:-1}

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(trixie sid)

if [ "$(id -u)" -ne 0 ]; then
  echo "test-suites: SKIP: needs root (mmdebstrap, mount namespaces, network namespaces)" >&2
  exit 77
fi
for tool in mmdebstrap unshare git; do
  if ! command -v "$tool" >/dev/null; then
    echo "test-suites: SKIP: $tool is missing (scripts/install-deps.sh installs it)" >&2
    exit 77
  fi
done

guest_regex="^guest\\.($(IFS='|'; echo "${guest_tests[*]}" | sed 's/\./\\./g'))\$"
work=$(mktemp -d "${TAPLAUNCH_SUITES_DIR:-/var/tmp}/taplaunch-suites.XXXXXX")
run_start=$SECONDS

summary() {
  local suite step
  echo
  echo "test-suites: seconds per step"
  printf '%-7s' suite
  printf ' %9s' "${step_names[@]}" total
  echo
  for suite in "${suites[@]}"; do
    printf '%-7s' "$suite"
    for step in "${step_names[@]}" total; do
      printf ' %9s' "$(sed -n "s/^$step //p" "$work/$suite.times" 2>/dev/null)"
    done
    echo
  done
  for suite in "${suites[@]}"; do
    echo "$suite: $(cat "$work/$suite.versions" 2>/dev/null || echo 'versions unknown')"
    [ ! -s "$work/$suite.tests" ] || sed "s/^/  /" "$work/$suite.tests"
  done
  echo "whole matrix: $((SECONDS - run_start)) s"
}

# Ends a process this script started and everything it started (mmdebstrap, in-root.sh's
# namespaces and what runs in them), children first.
kill_tree() {
  local child
  for child in $(pgrep -P "$1" || true); do
    kill_tree "$child"
  done
  kill -TERM "$1" 2>/dev/null || true
}

# Ends every process whose root is one of this run's (known by the root's marker: a process
# in a root sees it as /, after pivot_root). make and the like start new children while their
# parents end, and a killed process on a loaded machine takes a while to go, so this asks
# again until none is left (for up to 30 s): TERM first, then KILL. Prints the processes found
# the first time; returns 1 if there were any, 2 if some are still there.
stop_root_processes() {
  local round proc marker left found=0
  for round in $(seq 60); do
    left=()
    for proc in /proc/[0-9]*; do
      marker=""
      read -r marker 2>/dev/null <"$proc/root/.taplaunch-suites" || true
      [ "$marker" != "$work" ] || left+=("${proc#/proc/}")
    done
    [ ${#left[@]} -gt 0 ] || break
    if [ "$found" = 0 ]; then
      ps -o pid,args -p "$(IFS=,; echo "${left[*]}")" >&2 || true
      found=1
    fi
    if [ "$round" -le 4 ]; then kill -TERM "${left[@]}" 2>/dev/null || true
    else kill -KILL "${left[@]}" 2>/dev/null || true
    fi
    sleep 0.5
  done
  [ ${#left[@]} -eq 0 ] || return 2
  [ "$found" = 0 ]
}

# Stops every suite still running, reports, makes sure that no process and no mount is left in
# a root, and only then removes the roots. The roots' mounts live in in-root.sh's mount
# namespaces, never here, so removing them cannot reach into /proc, /sys or /dev.
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local pid
  for pid in $(jobs -p); do
    kill_tree "$pid"
  done
  wait || true
  summary >&2
  local stopped=0
  stop_root_processes || stopped=$?
  if [ "$stopped" = 2 ]; then
    echo "test-suites: FAIL: processes in a root outlived KILL for 30 s, so $work stays" >&2
    exit 1
  elif [ "$stopped" = 1 ] && [ "$status" -eq 0 ]; then
    # Every step ended by itself: a process still in a root is a defect of the step.
    echo "test-suites: FAIL: the processes above were left running in a root (ended now)" >&2
    status=1
  elif [ "$stopped" = 1 ]; then
    echo "test-suites: the run was ended early: the processes above, still in a root, were ended" >&2
  fi
  if grep -q " $work" /proc/mounts; then
    echo "test-suites: FAIL: still mounted under $work, so it stays:" >&2
    grep " $work" /proc/mounts >&2
    exit 1
  fi
  if [ "${TAPLAUNCH_SUITES_KEEP:-0}" = 1 ]; then
    echo "test-suites: kept $work" >&2
  else
    rm -rf --one-file-system "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The working tree's tracked files (as they are on disk), nothing untracked or built.
tree=$work/tree.tar
git -C "$top" ls-files -z --cached | (cd "$top" && tar --null -T - -cf "$tree")

in_root() {
  "$top/scripts/in-root.sh" "$@"
}

# Marks a root as this run's, and lets packages install without starting their services
# (openvswitch-switch's and others' init scripts would run daemons in the root otherwise):
# the policy-rc.d convention.
prepare_root() {
  echo "$work" >"$1/.taplaunch-suites"
  printf '#!/bin/sh\n# No services start in this root.\nexit 101\n' >"$1/usr/sbin/policy-rc.d"
  chmod 0755 "$1/usr/sbin/policy-rc.d"
}

make_root() {
  local suite=$1 options=()
  # Only unstable's Release file may be past its validity date on a mirror that is not
  # refreshed daily; every other suite keeps apt's check.
  [ "$suite" != sid ] || options+=(--aptopt='Acquire::Check-Valid-Until "false"')
  # A root that lives for one run needs no fsync per file (dpkg's default, which makes
  # install-deps several times slower).
  mmdebstrap --variant=apt --dpkgopt=force-unsafe-io "${options[@]}" "$suite" "$work/$suite.tar"
  mkdir "$work/$suite"
  tar -C "$work/$suite" -xf "$work/$suite.tar"
  prepare_root "$work/$suite"
  mkdir "$work/$suite/src"
  tar -C "$work/$suite/src" -xf "$tree"
}

# GCC builds with release optimization (-O2, NDEBUG): some of its warnings (stringop-overflow)
# come from the optimizer, and this build is the one the tests run. Debug information changes
# no warning and costs a third of the time, so it is left out.
build_gcc() {
  in_root "$work/$1" env CC=gcc CXX=g++ sh -ec "
    cmake -S /src -B /build-gcc -DTAPLAUNCH_WERROR=ON -DCMAKE_BUILD_TYPE=None \
      -DCMAKE_C_FLAGS='-O2 -DNDEBUG' -DCMAKE_CXX_FLAGS='-O2 -DNDEBUG'
    cmake --build /build-gcc -j $(nproc)"
}

# clang's warnings come from its front end, so every translation unit is compiled with clang's
# flags of a -Werror build for its diagnostics only (scripts/syntax-check.py: -fsyntax-only,
# no code generated), at about a third of a build's cost. NDEBUG kept: code used only in
# asserts is what warns.
check_clang() {
  in_root "$work/$1" env CC=clang CXX=clang++ sh -ec "
    cmake -S /src -B /build-clang -DTAPLAUNCH_WERROR=ON -DCMAKE_BUILD_TYPE=None \
      -DCMAKE_C_FLAGS=-DNDEBUG -DCMAKE_CXX_FLAGS=-DNDEBUG -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
    python3 /src/scripts/syntax-check.py /build-clang $(nproc)"
}

unit_host_tests() {
  in_root "$work/$1" sh -c "cd /build-gcc && ctest --output-on-failure --timeout 600 \
    -L '$unit_host_labels' -LE '$unit_host_exclude' -E '$unit_host_exclude_names'"
}

# A guest test that skips (exit 77: something it needs is missing) fails the step: the matrix
# is there to boot them.
guest_tests() {
  local output status=0
  output=$(in_root "$work/$1" sh -c "cd /build-gcc && ctest --output-on-failure --timeout 600 \
    --no-tests=error -R '$guest_regex'" 2>&1) || status=$?
  echo "$output"
  [ "$status" -eq 0 ] || return "$status"
  if grep -q 'Skipped\|Not Run' <<<"$output"; then
    echo "a guest test was skipped or not run: that is a failure here"
    return 1
  fi
  local name
  for name in "${guest_tests[@]}"; do
    if ! grep -q "Test *#[0-9]*: guest\.$name \.*  *Passed" <<<"$output"; then
      echo "guest.$name did not run and pass (is it a test of this tree?)"
      return 1
    fi
  done
}

# The .deb as released, lintian on it, then apt-get install in a fresh root of the same suite.
deb_package() {
  local suite=$1
  in_root "$work/$suite" sh -ec '
    /src/packaging/build-deb.sh /build-deb
    lintian --pedantic --display-info --fail-on error /build-deb/taplaunch_*.deb'
  mkdir "$work/$suite-fresh"
  tar -C "$work/$suite-fresh" -xf "$work/$suite.tar"
  prepare_root "$work/$suite-fresh"
  cp "$work/$suite"/build-deb/taplaunch_*.deb "$work/$suite-fresh/root/"
  in_root "$work/$suite-fresh" sh -ec '
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq /root/taplaunch_*.deb
    taplaunch --version
    taplaunch --help | grep -q -- "--nic SPEC"
    dpkg-query -W taplaunch'
  rm -rf --one-file-system "$work/$suite-fresh"
}

record_versions() {
  # shellcheck disable=SC2016
  in_root "$work/$1" sh -c '
    boost=$(sed -n "s/^#define BOOST_LIB_VERSION \"\(.*\)\"/\1/p" /usr/include/boost/version.hpp)
    printf "GCC %s, clang %s, CMake %s, Boost %s, Catch2 %s, libnl %s, QEMU %s, UML %s, kernel %s\n" \
      "$(gcc -dumpfullversion)" "$(clang -dumpversion)" \
      "$(cmake --version | sed -n "1s/.* //p")" "$(echo "$boost" | tr _ .)" \
      "$(dpkg-query -W -f="\${Version}" catch2)" "$(pkg-config --modversion libnl-3.0)" \
      "$(qemu-system-x86_64 --version | sed -n "1s/.*version \([^ ]*\).*/\1/p")" \
      "$(dpkg-query -W -f="\${Version}" user-mode-linux)" \
      "$(ls /lib/modules | tr "\n" " ")"' >"$work/$1.versions"
}

# run_step SUITE STEP COMMAND...: runs COMMAND (with errexit: a subshell started outside any
# condition) with its output in WORK/SUITE-STEP.log, timed; on failure prints the log's end
# and ends the suite with a line naming it and the step.
run_step() {
  local suite=$1 step=$2
  shift 2
  local log=$work/$suite-$step.log start=$SECONDS status=0
  echo "test-suites: $suite: $step ..." >&2
  ("$@") >"$log" 2>&1 &
  wait $! || status=$?
  echo "$step $((SECONDS - start))" >>"$work/$suite.times"
  if [ "$status" -ne 0 ]; then
    sed "s/^/$suite $step| /" <(tail -n 40 "$log") >&2
    echo "test-suites: FAIL: $suite: step '$step' failed (status $status) after $((SECONDS - start)) s" >&2
    exit 1
  fi
  echo "test-suites: $suite: $step passed in $((SECONDS - start)) s" >&2
}

run_suite() {
  local suite=$1 start=$SECONDS
  run_step "$suite" root make_root "$suite"
  run_step "$suite" deps in_root "$work/$suite" /src/scripts/install-deps.sh
  record_versions "$suite" || true
  run_step "$suite" gcc build_gcc "$suite"
  run_step "$suite" clang check_clang "$suite"
  run_step "$suite" unit+host unit_host_tests "$suite"
  run_step "$suite" guests guest_tests "$suite"
  [ "$deb_step" = 0 ] || run_step "$suite" deb deb_package "$suite"
  grep -h -e 'tests passed' -e '^ *[0-9/]* Test *#.*\(Passed\|Skipped\|Not Run\|Failed\)' \
    "$work/$suite-guests.log" >"$work/$suite.tests" || true
  grep -h 'tests passed' "$work/$suite-unit+host.log" | sed 's/^/unit+host: /' >>"$work/$suite.tests" || true
  echo "total $((SECONDS - start))" >>"$work/$suite.times"
  rm -rf --one-file-system "${work:?}/$suite" "$work/$suite.tar"
}

pids=()
for suite in "${suites[@]}"; do
  run_suite "$suite" &
  pids+=($!)
done
failed=()
for i in "${!suites[@]}"; do
  wait "${pids[$i]}" || failed+=("${suites[$i]}")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "test-suites: FAIL: ${failed[*]} (the step and its log are above)" >&2
  exit 1
fi
echo "test-suites: every suite passed: ${suites[*]}" >&2
