# Debian roots for the package tests, of the machine's own suite, run with systemd-nspawn.
# Source it.
#   container_suite                     the machine's Debian suite as mmdebstrap names it
#                                       (bookworm, trixie, sid); TAPLAUNCH_PACKAGE_SUITE overrides
#   container_require_tools TOOL...     exit 77 unless root and each TOOL is there
#   container_run ROOT [NSPAWN-OPTION...] -- CMD...    run CMD in ROOT, not booted
#   container_boot ROOT LOG              boot ROOT's systemd, in a network namespace of its own
#                                        (the caller's EXIT trap calls container_stop)
#   container_exec CMD...                run CMD in the booted container
#   container_stop                       power it off (also done on exit)
# A container never touches the host's network: it has a namespace of its own, or (for apt,
# without --private-network) shares the host's without changing it.

CONTAINER_NSPAWN_PID=""
CONTAINER_LEADER=""
CONTAINER_MACHINE="tl-pkg-boot-$$"

container_fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# From apt's policy, not /etc/os-release: unstable's os-release names the next release
# (testing's codename), whose packages may be older than those the package was built against.
container_suite() {
  if [ -n "${TAPLAUNCH_PACKAGE_SUITE:-}" ]; then
    echo "$TAPLAUNCH_PACKAGE_SUITE"
    return
  fi
  local suite
  suite=$(apt-cache policy 2>/dev/null | sed -n 's/.*[ ,]o=Debian,a=[^,]*,n=\([a-z]*\),l=Debian,c=main,b=.*/\1/p' | head -n 1)
  [ -n "$suite" ] || container_fail "cannot tell the machine's Debian suite from apt-cache policy (set TAPLAUNCH_PACKAGE_SUITE)"
  echo "$suite"
}

container_require_tools() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: needs root for systemd-nspawn" >&2
    exit 77
  fi
  local tool
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null; then
      echo "SKIP: $tool is missing (scripts/install-deps.sh installs it)" >&2
      exit 77
    fi
  done
}

container_run() {
  local root=$1
  shift
  local options=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    options+=("$1")
    shift
  done
  shift
  systemd-nspawn --quiet --register=no --keep-unit --as-pid2 --pipe --directory="$root" \
    --machine="tl-pkg-$$-$RANDOM" \
    --setenv=DEBIAN_FRONTEND=noninteractive "${options[@]}" -- "$@" \
    2> >(grep -v '^Attempted to remove disk file system under' >&2)
}

container_boot() {
  local root
  root=$(realpath "$1")
  local log=$2
  systemd-nspawn --quiet --register=no --keep-unit --boot --private-network \
    --console=pipe --directory="$root" --machine="$CONTAINER_MACHINE" </dev/null >"$log" 2>&1 &
  CONTAINER_NSPAWN_PID=$!
  local tries
  for tries in $(seq 100); do
    # The container's init is nspawn's child.
    CONTAINER_LEADER=$(pgrep --parent "$CONTAINER_NSPAWN_PID" --exact systemd) && break
    kill -0 "$CONTAINER_NSPAWN_PID" 2>/dev/null || break
    sleep 0.2
  done
  if [ -z "$CONTAINER_LEADER" ]; then
    cat "$log" >&2
    echo "SKIP: systemd does not boot in systemd-nspawn on this machine" >&2
    exit 77
  fi
  # `is-system-running --wait` gives up at once with "Failed to connect to bus" while the
  # container's systemd, just started, has not opened its socket yet: ask again until it
  # answers, within the same two minutes.
  local state deadline=$((SECONDS + 120))
  while :; do
    state=$(timeout $((deadline > SECONDS ? deadline - SECONDS : 1)) nsenter --target "$CONTAINER_LEADER" --all \
      systemctl is-system-running --wait 2>&1) || true
    case $state in
      *"Failed to connect to bus"*) [ "$SECONDS" -lt "$deadline" ] && sleep 0.2 && continue ;;
    esac
    break
  done
  case $state in
    running) ;;
    degraded)
      echo "note: the container booted degraded:" >&2
      container_exec systemctl --failed --no-pager --plain >&2 || true
      ;;
    *)
      cat "$log" >&2
      container_fail "the container's systemd did not finish booting (state: $state)"
      ;;
  esac
}

container_exec() {
  nsenter --target "$CONTAINER_LEADER" --all "$@"
}

container_stop() {
  [ -n "$CONTAINER_NSPAWN_PID" ] || return 0
  if [ -n "$CONTAINER_LEADER" ]; then
    container_exec systemctl poweroff >/dev/null 2>&1 || true
  fi
  local tries
  for tries in $(seq 150); do
    kill -0 "$CONTAINER_NSPAWN_PID" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$CONTAINER_NSPAWN_PID" 2>/dev/null; then
    echo "the container did not power off: killing it" >&2
    # Its init first: that ends every process of the container's PID namespace.
    local init
    for init in $(pgrep --parent "$CONTAINER_NSPAWN_PID"); do
      kill -9 "$init" 2>/dev/null || true
    done
    kill -9 "$CONTAINER_NSPAWN_PID" 2>/dev/null || true
  fi
  wait "$CONTAINER_NSPAWN_PID" 2>/dev/null || true
  # A killed nspawn leaves its (empty) directory for mount propagation behind.
  rmdir "/run/systemd/nspawn/propagate/$CONTAINER_MACHINE" 2>/dev/null || true
  CONTAINER_NSPAWN_PID="" CONTAINER_LEADER=""
}
