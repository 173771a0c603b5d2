#!/usr/bin/env bash
# Bad input: every malformed --nic spec (bad_input/nic_specs.txt), command line
# (bad_input/command_lines.txt) and profile (bad_input/profiles/*.ini, each naming what it
# expects on its first line) gives exit status 2 and exactly one line on stderr that names the
# offending part (and the profile's file and line where there is one), no crash, and changes
# nothing: `ip -d link` as before, no process left.
set -euo pipefail
taplaunch=$1 fake_bin=$2
corpus=$(cd "$(dirname "$0")" && pwd)/bad_input
source "$(dirname "$0")/../lib/netns.sh"
tl_netns_create badinput
source "$(dirname "$0")/common.sh"
tl_make_bridge br0
tl_set_runner "$fake_bin"
before=$(tl_link_state)
started=$EPOCHREALTIME
cases=0 failures=0

# expect_bad WHERE REGEX ARG...: taplaunch ARG... exits 2 with one line matching REGEX.
expect_bad() {
  local where=$1 regex=$2
  shift 2
  local errors=$RL_DIR/err status=0
  "${TL_RUN[@]}" "$taplaunch" "$@" >/dev/null 2>"$errors" </dev/null || status=$?
  cases=$((cases + 1))
  local problem=""
  if [ "$status" -ne 2 ]; then
    problem="exit $status, want 2"
  elif [ "$(wc -l <"$errors")" -ne 1 ]; then
    problem="stderr is $(wc -l <"$errors") lines, want 1"
  elif ! grep -Eq -- "^taplaunch: .*($regex)" "$errors"; then
    problem="stderr does not match /$regex/"
  elif [ "$(wc -c <"$errors")" -gt 1100 ]; then
    problem="stderr is $(wc -c <"$errors") bytes long"
  elif ! rl_same_state "$before" 2>/dev/null; then
    problem="ip -d link changed or a process is left"
  fi
  if [ -n "$problem" ]; then
    failures=$((failures + 1))
    echo "FAIL [$where]: $problem; stderr: $(head -c 300 "$errors")" >&2
  fi
}

while IFS=$'\t' read -r regex spec; do
  [[ -z $regex || $regex == \#* ]] && continue
  expect_bad "nic_specs.txt: $regex" "$regex" --nic "$(printf '%b' "$spec")" -- qemu-system-x86_64
done <"$corpus/nic_specs.txt"
specs=$cases

while IFS=$'\t' read -r regex words; do
  [[ -z $regex || $regex == \#* ]] && continue
  eval "arguments=($words)"
  # shellcheck disable=SC2154  # set by eval
  expect_bad "command_lines.txt: $words" "$regex" "${arguments[@]}"
done <"$corpus/command_lines.txt"
command_lines=$((cases - specs))

for profile in "$corpus"/profiles/*.ini; do
  regex=$(head -n 1 "$profile" | sed -n 's/^# expect: //p' | tr -d '\r')
  [ -n "$regex" ] || tl_fail "$profile has no '# expect: REGEX' first line"
  expect_bad "$(basename "$profile")" "$regex" --profile "$profile"
done
profiles=$((cases - specs - command_lines))

[ "$failures" -eq 0 ] || tl_fail "$failures of $cases bad inputs misbehaved"
[ "$cases" -ge 60 ] || tl_fail "only $cases bad inputs in the corpus"
echo "PASS ($cases bad inputs: $specs NIC specs, $command_lines command lines, $profiles profiles; each exit 2, one line, nothing changed; $(rl_seconds_since "$started")s)"
