#!/usr/bin/env bash
# Downloads a Debian kernel package and unpacks it (never installs it) into DEST/root, with the
# modules.dep that make-initramfs.sh --root needs. Downloads once: when DEST/package says the
# tree is complete, it is reused as it is (remove DEST to fetch afresh).
#
# Usage: fetch-kernel-package.sh DEST [PACKAGE]
#   PACKAGE  a linux-image-VERSION-FLAVOUR package, or a metapackage such as linux-image-amd64
#            (the default), which stands for the kernel package it depends on
# Writes:
#   DEST/root/boot/vmlinuz-VERSION, DEST/root/lib/modules/VERSION/...  the package's files
#   DEST/package   one line: "PACKAGE VERSION KERNEL_VERSION BYTES SECONDS" (the .deb's size
#                  and how long its download took), written last, so it marks a complete tree
# The .deb itself is removed once unpacked.
#
# Needs apt-get (the package archive must be reachable; the package lists are refreshed with
# apt-get update when they do not know the package, which needs root), dpkg-deb and depmod.
set -euo pipefail

die() {
  echo "fetch-kernel-package: $*" >&2
  exit 1
}
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: fetch-kernel-package.sh DEST [PACKAGE]"
dest=$1 wanted=${2:-linux-image-amd64}

if [ -s "$dest/package" ] && [ -d "$dest/root" ]; then
  read -r package version kver bytes seconds <"$dest/package"
  echo "fetch-kernel-package: reusing $package $version (kernel $kver) in $dest/root" >&2
  exit 0
fi
for tool in apt-get apt-cache dpkg-deb depmod; do
  command -v "$tool" >/dev/null || die "no $tool (install apt, dpkg and kmod)"
done

# The kernel package itself: a metapackage (linux-image-amd64) depends on it; the kernel
# package depends on no other linux-image-*.
resolve() {
  local name=$1 candidate dependency
  candidate=$(apt-cache policy "$name" 2>/dev/null | awk '/Candidate:/ { print $2 }')
  [ -n "$candidate" ] && [ "$candidate" != "(none)" ] || return 1
  dependency=$(apt-cache depends "$name=$candidate" 2>/dev/null \
    | awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
  echo "${dependency:-$name}"
}
package=$(resolve "$wanted" || true)
if [ -z "$package" ]; then
  echo "fetch-kernel-package: the package lists do not know $wanted; running apt-get update" >&2
  apt-get update -qq || die "apt-get update failed (is the package archive reachable?)"
  package=$(resolve "$wanted" || true)
  [ -n "$package" ] || die "no kernel package for $wanted in the package lists (check /etc/apt/sources.list)"
fi

rm -rf "$dest/download" "$dest/root.partial"
mkdir -p "$dest/download"
start=$EPOCHREALTIME
# As root, apt warns that its sandbox user cannot write to the directory; the download is the
# same either way.
(cd "$dest/download" && apt-get download -q "$package" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2) \
  || die "apt-get download $package failed (is the package archive reachable?)"
end=$EPOCHREALTIME
debs=("$dest/download"/*.deb)
[ -f "${debs[0]}" ] && [ ${#debs[@]} -eq 1 ] || die "apt-get download $package left no single .deb in $dest/download"
deb=${debs[0]}
bytes=$(stat -c %s "$deb")
version=$(dpkg-deb -f "$deb" Version)
seconds=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')

dpkg-deb -x "$deb" "$dest/root.partial" || die "dpkg-deb -x $deb failed"
images=("$dest/root.partial"/boot/vmlinuz-*)
[ -f "${images[0]}" ] && [ ${#images[@]} -eq 1 ] || die "$package carries no single boot/vmlinuz-*"
kver=${images[0]##*/vmlinuz-}
# The package ships no modules.dep (its postinst runs depmod); make it for this tree only.
depmod -b "$dest/root.partial" "$kver" || die "depmod -b $dest/root.partial $kver failed"
rm -rf "$dest/root" "$dest/download"
mv "$dest/root.partial" "$dest/root"
echo "$package $version $kver $bytes $seconds" >"$dest/package"
echo "fetch-kernel-package: $package $version: downloaded $bytes bytes in ${seconds}s; unpacked to $dest/root ($(du -sm "$dest/root" | cut -f1) MiB)" >&2
