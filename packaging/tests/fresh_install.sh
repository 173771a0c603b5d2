#!/usr/bin/env bash
# The package installs with apt-get on a fresh root of the machine's own Debian suite (the one
# it was built on: bookworm, trixie or sid) and taplaunch then runs. The root is what
# debootstrap makes (mmdebstrap's debootstrap variant: Essential, required and important
# packages, from Debian's archive, with updates and security where the suite has them); apt-get
# fetches the Depends from the archive. Each step is timed. The root stays in WORK/root, with
# taplaunch installed, for the tests that need it (ctest fixture "fresh_root").
# Usage: fresh_install.sh DEB_DIR WORK
set -euo pipefail
deb=$(ls "$1"/taplaunch_*.deb) work=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/container.sh"
container_require_tools mmdebstrap systemd-nspawn

rm -rf "$work"
mkdir -p "$work"
done_ok=""
trap '[ -n "$done_ok" ] || rm -rf "$work"' EXIT
root=$work/root
suite=$(container_suite)
mmdebstrap_options=()
# On a mirror not refreshed daily, unstable's Release file may be past its validity date.
[ "$suite" != sid ] || mmdebstrap_options+=(--aptopt='Acquire::Check-Valid-Until "false"')

start=$SECONDS
if ! mmdebstrap --variant=debootstrap "${mmdebstrap_options[@]}" "$suite" "$root" >"$work/mmdebstrap.log" 2>&1; then
  tail -20 "$work/mmdebstrap.log" >&2
  container_fail "mmdebstrap could not make a $suite root (is Debian's archive reachable?)"
fi
made=$SECONDS
echo "mmdebstrap --variant=debootstrap $suite: $((made - start)) s, $(du -sm "$root" | cut -f1) MiB"
container_run "$root" -- dpkg-query -W taplaunch >/dev/null 2>&1 && container_fail "taplaunch is in the fresh root already"

# nspawn gives the container a /tmp of its own: the package waits in /root.
cp "$deb" "$root/root/"
if ! container_run "$root" -- sh -c "apt-get update -qq && apt-get install -y /root/$(basename "$deb")" \
    >"$work/apt.log" 2>&1; then
  cat "$work/apt.log" >&2
  container_fail "apt-get install ./$(basename "$deb") failed on a fresh $suite"
fi
installed=$SECONDS
echo "apt-get update and install: $((installed - made)) s; it added:"
sed -n '/^The following NEW packages will be installed:/,/^[0-9]* upgraded/p' "$work/apt.log" | sed 's/^/  /'
rm "$root/root/$(basename "$deb")"

version=$(sed -n '1s/^taplaunch (\([^-)]*\).*/\1/p' "$here/../debian/changelog")
got=$(container_run "$root" -- taplaunch --version)
[ "$got" = "taplaunch $version" ] || container_fail "taplaunch --version printed '$got', not 'taplaunch $version'"
echo "taplaunch --version: $got"
[ "$(container_run "$root" -- dpkg-query -W -f='${db:Status-Status}' taplaunch)" = installed ] ||
  container_fail "dpkg does not list taplaunch as installed"
container_run "$root" -- taplaunch --help | grep -- '--nic SPEC' >/dev/null || container_fail "taplaunch --help does not run"
if container_run "$root" -- sh -c 'command -v man' >/dev/null; then
  page=$(container_run "$root" -- man -w taplaunch) || container_fail "man does not find taplaunch(1)"
  echo "man -w taplaunch: $page"
fi
echo "total: $((SECONDS - start)) s"
done_ok=1
