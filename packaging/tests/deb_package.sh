#!/usr/bin/env bash
# packaging/build-deb.sh (a release build with Debian's build flags, then cpack -G DEB) makes a
# package with exactly the files taplaunch installs, in Debian's places, control fields lintian
# wants, maintainer scripts that may run, and a Depends that names the package of every shared
# library the binary links.
# Usage: deb_package.sh SOURCE_DIR OUT_DIR   (leaves OUT_DIR/taplaunch_*.deb)
set -euo pipefail
source=$1 out=$2

for tool in cmake cpack dpkg-deb dpkg-shlibdeps dpkg-buildflags; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing (apt-get install cmake dpkg-dev)" >&2; exit 77; }
done
fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
start=$SECONDS
"$source/packaging/build-deb.sh" "$out/build" "$out" >"$out/build-deb.log" 2>&1 ||
  { cat "$out/build-deb.log" >&2; fail "packaging/build-deb.sh failed"; }
rm -rf "$out/build"
debs=("$out"/taplaunch_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "no single taplaunch_*.deb in $out"
deb=${debs[0]}
echo "packaging/build-deb.sh made $(basename "$deb") in $((SECONDS - start)) s"

# Files: exactly these.
completions=$(pkg-config --variable=completionsdir bash-completion 2>/dev/null || echo /usr/share/bash-completion/completions)
expected=(
  /usr/bin/taplaunch
  /usr/share/man/man1/taplaunch.1.gz
  "$completions/taplaunch"
  /usr/lib/systemd/system/taplaunch@.service
  /usr/share/doc/taplaunch/copyright
  /usr/share/doc/taplaunch/changelog.Debian.gz
  /usr/share/doc/taplaunch/README.md
  /usr/share/doc/taplaunch/systemd.md
  /usr/share/doc/taplaunch/ci.md
  /usr/share/doc/taplaunch/plan-schema.json
  /usr/share/doc/taplaunch/list-schema.json
  /usr/share/doc/taplaunch/examples/bridge.conf
  /usr/share/doc/taplaunch/examples/ci/boot-guest.sh
  /usr/share/doc/taplaunch/examples/ci/github-workflow.yml
  /usr/share/lintian/overrides/taplaunch
  "/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/taplaunch/taplaunch-uml-xstate.so"
  "/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/taplaunch/taplaunch-uml-reboot.so"
)
for profile in "$source"/profiles/*.ini; do
  expected+=("/usr/share/doc/taplaunch/examples/profiles/$(basename "$profile")")
done
# The /lib and /usr/lib of merged-/usr Debian are one: bash-completion may name either.
want=$(printf '%s\n' "${expected[@]}" | sed 's|^/lib/|/usr/lib/|' | sort)
got=$(dpkg-deb --fsys-tarfile "$deb" | tar -t | grep -v '/$' | sed 's|^\./|/|' | sort)
if [ "$got" != "$want" ]; then
  diff <(echo "$want") <(echo "$got") | sed 's/^</missing:/; s/^>/unexpected:/' >&2 || true
  fail "the package's files are not the expected ones"
fi
echo "dpkg-deb -c: the ${#expected[@]} expected files, no others"
dpkg-deb -c "$deb" | grep -v '/$'

# Control fields.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = taplaunch ] || fail "Package is '$(field Package)'"
[ "$(field Section)" = net ] || fail "Section is '$(field Section)'"
[ "$(field Priority)" = optional ] || fail "Priority is '$(field Priority)'"
[[ $(field Maintainer) =~ ^[^\<]+\ \<[^@]+@[^\>]+\>$ ]] || fail "Maintainer '$(field Maintainer)' is not 'Name <address>'"
[ -n "$(field Description | sed -n 2p)" ] || fail "the Description has no long description"
[[ $(field Recommends) == *libcap2-bin* ]] || fail "Recommends does not name libcap2-bin (setcap)"
version=$(sed -n '1s/^taplaunch (\([^)]*\)).*/\1/p' "$source/packaging/debian/changelog")
[ "$(field Version)" = "$version" ] || fail "Version $(field Version) is not the changelog's $version"

# Depends: the package of every library the binary needs (as dpkg -S finds it on this build
# machine), with the version constraint dpkg-shlibdeps gives.
extracted=$(mktemp -d)
trap 'rm -rf "$extracted"' EXIT
dpkg-deb -x "$deb" "$extracted"
depends=$(field Depends)
echo "Depends: $depends"
for soname in $(objdump -p "$extracted/usr/bin/taplaunch" | awk '$1 == "NEEDED" {print $2}'); do
  # (Readers that stop early would end the writer with SIGPIPE, a failure under pipefail.)
  library=$(ldconfig -p | awk -v name="$soname" '$1 == name && /x86-64/ && !found {print $NF; found = 1}')
  [ -n "$library" ] || library=$(ldconfig -p | awk -v name="$soname" '$1 == name && !found {print $NF; found = 1}')
  [ -n "$library" ] || fail "ldconfig does not know $soname, which the binary needs"
  package=$( (dpkg -S "$(realpath "$library")" 2>/dev/null || dpkg -S "$library") | awk -F: 'NR == 1 {print $1}')
  [ -n "$package" ] || fail "no package owns $library ($soname)"
  [[ ", $depends," == *", $package "* || ", $depends," == *", $package,"* ]] ||
    fail "the binary needs $soname (package $package), which Depends does not name"
  echo "  $soname -> $package: in Depends"
done

# Maintainer scripts: executable, POSIX sh that parses, and only those two.
scripts=$(dpkg-deb --ctrl-tarfile "$deb" | tar -tv | awk '$NF ~ /inst$|rm$/ {print $1, $NF}' | sed 's|\./||' | sort -k2)
[ "$scripts" = "$(printf -- '-rwxr-xr-x postinst\n-rwxr-xr-x preinst')" ] ||
  fail "maintainer scripts are not 'postinst' and 'preinst', mode 0755: $scripts"
dpkg-deb -e "$deb" "$extracted/DEBIAN"
for script in preinst postinst; do
  sh -n "$extracted/DEBIAN/$script" || fail "$script does not parse"
  grep -q '^binary=/usr/bin/taplaunch$' "$extracted/DEBIAN/$script" || fail "$script does not name /usr/bin/taplaunch"
done
grep -qx 'ExecStart=/usr/bin/taplaunch --profile /etc/taplaunch/profiles/%i.ini' \
  "$extracted/usr/lib/systemd/system/taplaunch@.service" || fail "the packaged unit does not run /usr/bin/taplaunch"
echo "control fields, Depends, maintainer scripts and the unit's ExecStart are as expected"
