# shellcheck shell=bash
# Helpers of the reliability tests, sourced after tests/lib/netns.sh (and tl_netns_create,
# tl_set_runner). Each test keeps its files in RL_DIR (removed on exit with the namespace).

RL_DIR=$(mktemp -d)
rl_cleanup() {
  tl_netns_cleanup
  rm -rf "$RL_DIR"
}
trap rl_cleanup EXIT
[ -z "${RL_KEEP:-}" ] || trap tl_netns_cleanup EXIT

rl_seconds_since() {  # rl_seconds_since EPOCHREALTIME-VALUE
  awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

# rl_start_together NAME N CMD...: starts N copies of CMD in the namespace at once: each copy
# (I = 0..N-1, "@I@" in any word replaced by I) waits on a lock held here and then execs CMD,
# so that all start within milliseconds of each other. Files: $RL_DIR/NAME/{pid,out,err}.I,
# and status.I once it has ended. Returns once every copy runs CMD; rl_wait_together waits.
rl_start_together() {
  local name=$1 count=$2
  shift 2
  local dir=$RL_DIR/$name
  mkdir -p "$dir"
  exec 8>"$dir/gate"
  flock 8
  # The runner keeps each copy's exit status; its own PID is in $dir/runner.
  # shellcheck disable=SC2016  # expanded by the inner bash
  "${TL_RUN[@]}" bash -c '
    dir=$1 count=$2
    shift 2
    pids=()
    for ((i = 0; i < count; i++)); do
      (
        flock -s "$dir/gate" true
        exec "${@//@I@/$i}"
      ) >"$dir/out.$i" 2>"$dir/err.$i" &
      pids+=($!)
      echo $! >"$dir/pid.$i"
    done
    for ((i = 0; i < count; i++)); do
      status=0
      wait "${pids[i]}" || status=$?
      echo "$status" >"$dir/status.$i"
    done' together "$dir" "$count" "$@" &
  echo $! >"$dir/runner"
  local i
  for ((i = 0; i < count; i++)); do
    while [ ! -s "$dir/pid.$i" ]; do sleep 0.01; done
  done
  sleep 0.1   # every copy is now blocked on the lock
  flock -u 8
  exec 8>&-
}

# rl_wait_together NAME: waits for every copy to end.
rl_wait_together() {
  wait "$(cat "$RL_DIR/$1/runner")" || true
}

# rl_statuses NAME N: the copies' exit statuses, sorted, counted ("  15 1" lines).
rl_statuses() {
  local i
  for ((i = 0; i < $2; i++)); do cat "$RL_DIR/$1/status.$i"; done | sort | uniq -c
}

# rl_one_line FILE REGEX: FILE (a copy's stderr) is exactly one line matching REGEX.
rl_one_line() {
  [ "$(wc -l <"$1")" -eq 1 ] && grep -Eq -- "$2" "$1"
}

# rl_same_state BEFORE: `ip -d link` in the namespace is BEFORE (from tl_link_state), and no
# process runs in the namespace (unless RL_OTHERS_RUN is set: the test runs some there).
rl_same_state() {
  local after
  after=$(tl_link_state)
  if [ "$1" != "$after" ]; then
    diff <(echo "$1") <(echo "$after") >&2 || true
    return 1
  fi
  [ -z "${RL_OTHERS_RUN:-}" ] || return 0
  local left
  left=$(ip netns pids "$TL_NS" | tr '\n' ' ')
  [ -z "$left" ] || { echo "processes left in the namespace: $left" >&2; return 1; }
}
