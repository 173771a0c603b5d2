#!/usr/bin/env bash
# The leak check: host tests run once more with every taplaunch process under valgrind
# (memcheck, full leak check), then every valgrind report is read. Any leak or memory error
# whose stack passes through taplaunch's own code fails the check; reports that lie wholly in
# other libraries are listed, not counted.
# Valgrind logs through fd 1000 (with --log-file it would take fd 3, which taplaunch would
# then keep for the caller and number the TAP fds from 4); the stand-in emulator leaves that
# fd out of its report (TL_INSPECT_HIDE_FDS_UNDER), so the tests' fd checks still hold. Tests
# that make exec fail (valgrind cannot survive a failed execve) or squeeze the fd limit below
# what valgrind needs are not run here; they run without valgrind in the normal suite.
# Valgrind's emulated CPU reports a smaller XSAVE area than this host's, so taplaunch under
# valgrind would not preload the UML XSTATE adapter the host needs: for guest/uml_* tests
# the wrapper adds --uml-xstate-adapter on to launches when taplaunch outside valgrind says
# this host needs it.
# Usage: valgrind_host_tests.sh TAPLAUNCH FAKE_BIN SOURCE_DIR TEST...
#   TEST: host/gc (run as host/gc.sh TAPLAUNCH FAKE_BIN), or "guest/uml_ping tap 1" (run as
#   guest/uml_ping.sh TAPLAUNCH tap 1)
set -euo pipefail
taplaunch=$1 fake_bin=$2 source=$3
shift 3
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root" >&2; exit 77; fi
command -v valgrind >/dev/null || { echo "SKIP: valgrind is not installed (apt-get install valgrind)" >&2; exit 77; }

work=$(mktemp -d /tmp/tl-leaks.XXXXXX)
trap 'rm -rf "$work"' EXIT
logs=$work/logs
mkdir "$logs"
# make_wrapper PATH EXTRA-WORDS: a taplaunch that runs the real one under valgrind, with
# EXTRA-WORDS put first when it launches a guest (its first argument is an option).
make_wrapper() {
  cat >"$1" <<WRAPPER
#!/bin/bash
exec 1000>>$logs/valgrind.log
echo x >>$work/started
[[ \${1:-} != -* ]] || set -- $2 "\$@"
exec valgrind --quiet --trace-children=no --child-silent-after-fork=yes --leak-check=full \\
  --show-leak-kinds=definite,indirect,possible --num-callers=40 --log-fd=1000 \\
  --suppressions=$source/tests/leaks/other_libraries.supp "$taplaunch" "\$@"
WRAPPER
  chmod +x "$1"
}
make_wrapper "$work/taplaunch" ""
uml_extra=""
if "$taplaunch" --dry-run --emulator-kind uml -- /usr/bin/linux 2>/dev/null | grep -q 'taplaunch-uml-xstate.so'; then
  uml_extra="--uml-xstate-adapter on"
fi
mkdir "$work/uml"
make_wrapper "$work/uml/taplaunch" "$uml_extra"
export TL_INSPECT_HIDE_FDS_UNDER=$logs

started=$EPOCHREALTIME
failed_tests=()
for test in "$@"; do
  test_started=$EPOCHREALTIME
  status=0
  read -r -a words <<<"$test"
  arguments=("$fake_bin")
  [ "${#words[@]}" -eq 1 ] || arguments=("${words[@]:1}")
  wrapper=$work/taplaunch
  [[ ${words[0]} != guest/uml_* ]] || wrapper=$work/uml/taplaunch
  bash "$source/tests/${words[0]}.sh" "$wrapper" "${arguments[@]}" >"$work/test.log" 2>&1 || status=$?
  seconds=$(awk -v a="$test_started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  if [ "$status" -ne 0 ]; then
    failed_tests+=("$test")
    echo "$test under valgrind: FAILED (exit $status, ${seconds}s):"
    tail -n 20 "$work/test.log"
  else
    echo "$test under valgrind: passed (${seconds}s): $(tail -n 1 "$work/test.log")"
  fi
done

# Every valgrind line starts with ==PID==; with --quiet a clean process writes none.
touch "$logs/valgrind.log"
runs=$(grep -c '^' "$work/started" 2>/dev/null || true)
ours=0 theirs=0
for pid in $(sed -n 's/^==\([0-9]*\)==.*/\1/p' "$logs/valgrind.log" | sort -un); do
  grep "^==$pid==" "$logs/valgrind.log" >"$work/report"
  if grep -Eq 'taplaunch::|\(main\.cpp:' "$work/report"; then
    ours=$((ours + 1))
    echo "=== taplaunch pid $pid: in taplaunch's own code"
    cat "$work/report"
  else
    theirs=$((theirs + 1))
    echo "=== taplaunch pid $pid: in other libraries only"
    head -n 40 "$work/report"
  fi
done
echo "valgrind: $runs taplaunch runs, $ours reports in taplaunch's code, $theirs elsewhere ($(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')s)"
[ "${#failed_tests[@]}" -eq 0 ] || { echo "FAIL: under valgrind these failed: ${failed_tests[*]}" >&2; exit 1; }
[ "$runs" -gt 0 ] || { echo "FAIL: no taplaunch ran under valgrind" >&2; exit 1; }
[ "$ours" -eq 0 ] || { echo "FAIL: valgrind reported leaks or errors in taplaunch's code" >&2; exit 1; }
echo "PASS"
