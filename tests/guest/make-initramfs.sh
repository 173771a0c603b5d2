#!/usr/bin/env bash
# Builds the tiny initramfs the guest tests and the demo boot: busybox (busybox-static), NIC
# drivers of one kernel with their dependencies, and initramfs-init.sh as /init (it pings a
# peer through each NIC and powers off).
#
# Usage: make-initramfs.sh [--root DIR] [--modules NAME[,NAME...]] [--program PATH[,PATH...]]
#                          OUTPUT [KERNEL_VERSION]
#   OUTPUT          the gzip'd newc cpio archive to write
#   KERNEL_VERSION  e.g. 6.1.0-56-cloud-amd64; default: the newest DIR/boot/vmlinuz-* whose
#                   modules are under DIR/lib/modules
#   --root DIR      take the kernel and its modules from DIR/boot and DIR/lib/modules instead of
#                   the installed ones: a kernel package unpacked with dpkg-deb -x (see
#                   fetch-kernel-package.sh, which also writes the modules.dep this needs)
#   --modules LIST  the modules to carry, in load order (their dependencies come first);
#                   default: virtio_pci,virtio_net,vmxnet3 (what the cloud kernel has)
#   --program LIST  host programs to carry (e.g. /usr/bin/iperf3), each at its own path, with
#                   the shared libraries ldd lists for it, at theirs
# Also writes OUTPUT.kernel: one line, the path of the kernel image the modules belong to,
# which is the -kernel to boot the archive with.
#
# Needs root (for the /dev/console node and to read /boot/vmlinuz-*), and the Debian packages
# busybox-static, kmod, cpio and gzip, and a linux-image package (e.g. linux-image-cloud-amd64)
# unless --root names an unpacked one.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=/
modules=(virtio_pci virtio_net vmxnet3)
programs=()

die() {
  echo "make-initramfs: $*" >&2
  exit 1
}
usage="usage: make-initramfs.sh [--root DIR] [--modules NAME[,NAME...]] [--program PATH[,PATH...]] OUTPUT [KERNEL_VERSION]"

positional=()
while [ $# -gt 0 ]; do
  case "$1" in
    --root) [ $# -ge 2 ] || die "$usage"; root=$2; shift 2 ;;
    --modules) [ $# -ge 2 ] || die "$usage"; IFS=, read -r -a modules <<<"$2"; shift 2 ;;
    --program) [ $# -ge 2 ] || die "$usage"; IFS=, read -r -a more <<<"$2"; programs+=("${more[@]}"); shift 2 ;;
    --) shift; positional+=("$@"); break ;;
    -*) die "unknown option $1 ($usage)" ;;
    *) positional+=("$1"); shift ;;
  esac
done
[ ${#positional[@]} -ge 1 ] && [ ${#positional[@]} -le 2 ] || die "$usage"
[ ${#modules[@]} -gt 0 ] || die "--modules names no module ($usage)"
output=${positional[0]}
kver=${positional[1]:-}
[ -d "$root" ] || die "no directory $root (--root)"
root=$(cd "$root" && pwd)
prefix=${root%/}   # "" for the running system, so paths print as /boot/...

if [ -z "$kver" ]; then
  # Newest first; take the first kernel image that has its modules installed.
  for image in $(ls -1 "$prefix"/boot/vmlinuz-* 2>/dev/null | sort -rV); do
    candidate=${image#"$prefix"/boot/vmlinuz-}
    if [ -f "$prefix/lib/modules/$candidate/modules.dep" ]; then
      kver=$candidate
      break
    fi
  done
  if [ -z "$kver" ]; then
    if [ -z "$prefix" ]; then
      die "no /boot/vmlinuz-* with modules under /lib/modules (install linux-image-cloud-amd64)"
    fi
    die "no $prefix/boot/vmlinuz-* with a modules.dep under $prefix/lib/modules (run: depmod -b $prefix VERSION)"
  fi
fi
kernel_image=$prefix/boot/vmlinuz-$kver
[ -f "$kernel_image" ] || die "no kernel image $kernel_image"
[ -d "$prefix/lib/modules/$kver" ] || die "no modules for $kver under $prefix/lib/modules"

busybox=/bin/busybox
[ -x "$busybox" ] || die "no $busybox (install busybox-static)"
# A dynamically linked busybox (package busybox) would need its libraries in the archive.
if ! "$busybox" --list >/dev/null 2>&1 || ldd "$busybox" >/dev/null 2>&1; then
  die "$busybox is not a static busybox (install busybox-static)"
fi
for tool in modprobe cpio gzip; do
  command -v "$tool" >/dev/null || die "no $tool (install kmod, cpio and gzip)"
done

staging=$(mktemp -d "${TMPDIR:-/tmp}/taplaunch-initramfs.XXXXXX")
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,lib/modules}

# busybox and /bin/sh for /init's first line; /init links the other applets itself
# (busybox --install -s), which is quicker than a process per applet here.
cp "$busybox" "$staging/bin/busybox"
ln -s busybox "$staging/bin/sh"

# The modules in insmod order: modprobe --show-depends prints each dependency before the
# module that needs it ("insmod PATH" lines; "builtin NAME" for what the kernel has built in).
order=()
declare -A seen=()
for module in "${modules[@]}"; do
  lines=$(modprobe --dirname "$root" --set-version "$kver" --show-depends "$module") \
    || die "modprobe cannot resolve $module for kernel $kver under $prefix/lib/modules"
  while read -r verb path _; do
    [ "$verb" = insmod ] || continue
    [ -z "${seen[$path]:-}" ] || continue
    seen[$path]=1
    order+=("$path")
  done <<<"$lines"
done
: >"$staging/lib/modules/load-order"
for path in "${order[@]}"; do
  name=$(basename "$path")
  case "$name" in
    *.ko) cp "$path" "$staging/lib/modules/$name" ;;
    *.ko.xz) name=${name%.xz}; xz -dc "$path" >"$staging/lib/modules/$name" ;;
    *.ko.zst) name=${name%.zst}; zstd -qdc "$path" >"$staging/lib/modules/$name" ;;
    *.ko.gz) name=${name%.gz}; gzip -dc "$path" >"$staging/lib/modules/$name" ;;
    *) die "unknown module file type: $path" ;;
  esac
  echo "$name" >>"$staging/lib/modules/load-order"
done

# Programs with their libraries (and the dynamic loader), each at its path on this host.
carry() {
  mkdir -p "$staging$(dirname "$1")"
  cp -L "$1" "$staging$1"
}
for program in "${programs[@]}"; do
  [ -x "$program" ] || die "no program $program (--program)"
  carry "$program"
  libraries=$(ldd "$program" 2>/dev/null | grep -oE '/[^ ]+' || true)
  for library in $libraries; do
    carry "$library"
  done
done

install -m 0755 "$here/initramfs-init.sh" "$staging/init"
# The kernel opens /dev/console for /init before /init can mount devtmpfs.
mknod -m 0600 "$staging/dev/console" c 5 1 || die "cannot create dev/console (run as root)"

mkdir -p "$(dirname "$output")"
tmp_output=$(mktemp "$output.XXXXXX")
(cd "$staging" && find . -mindepth 1 | LC_ALL=C sort \
  | cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -6n >"$tmp_output"
mv -f "$tmp_output" "$output"
echo "$kernel_image" >"$output.kernel"
echo "make-initramfs: wrote $output ($(du -k "$output" | cut -f1) KiB; kernel $kver; modules: $(tr '\n' ' ' <"$staging/lib/modules/load-order")${programs[*]:+; programs: ${programs[*]}})" >&2
