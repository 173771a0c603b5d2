#!/usr/bin/env bash
# Runs a command with a Debian root directory as its /, as root: in a mount namespace of its
# own, the root bind-mounted onto itself (`ip netns exec` needs / to be a mount point), the
# host's /proc and /sys, a /dev of its own, the host's resolv.conf, then pivot_root, not
# chroot: the kernel refuses user namespaces to a chrooted process, and the tests make some.
# The /dev is a tmpfs with its own nodes for the host's null, zero, full, random, urandom, tty,
# net/tun, kvm and vhost-net (those present, with the host's modes), its own devpts and
# /dev/shm: a test that changes /dev/net/tun's mode changes the root's node, not the host's.
# Every mount lives in that namespace only and goes with its last process; the host's mounts
# and network are untouched.
# Usage: scripts/in-root.sh ROOT COMMAND [ARGS...]
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 ROOT COMMAND [ARGS...]" >&2; exit 2; }
root=$(realpath "$1")
shift
[ -x "$root/bin/sh" ] || { echo "in-root: $root holds no Debian root (no /bin/sh)" >&2; exit 2; }
cp --remove-destination /etc/resolv.conf "$root/etc/resolv.conf"

# The inner script runs in the new mount namespace; "$@" is ROOT COMMAND [ARGS...].
# shellcheck disable=SC2016
exec unshare --mount --propagation private -- bash -euc '
  root=$1
  shift
  mount --bind "$root" "$root"
  mount -t proc proc "$root/proc"
  mount --rbind /sys "$root/sys"
  mount -t tmpfs -o mode=0755,nosuid dev "$root/dev"
  mkdir "$root/dev/net" "$root/dev/pts" "$root/dev/shm"
  for node in null zero full random urandom tty net/tun kvm vhost-net; do
    [ -c "/dev/$node" ] || continue
    read -r mode major minor < <(stat -c "%a %t %T" "/dev/$node")
    mknod -m "$mode" "$root/dev/$node" c "$((16#$major))" "$((16#$minor))"
  done
  mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
  ln -s pts/ptmx "$root/dev/ptmx"
  mount -t tmpfs -o mode=1777,nosuid,nodev shm "$root/dev/shm"
  ln -s /proc/self/fd "$root/dev/fd"
  ln -s /proc/self/fd/0 "$root/dev/stdin"
  ln -s /proc/self/fd/1 "$root/dev/stdout"
  ln -s /proc/self/fd/2 "$root/dev/stderr"
  mount -t tmpfs -o mode=0755 tmpfs "$root/run"
  mkdir -p "$root/run/lock" "$root/run/shm"
  cd "$root"
  mkdir -p .old-root
  pivot_root . .old-root
  cd /
  # The root may not have umount yet (the mount package is not Essential); perl is.
  # umount2(2) is system call 166 on x86-64; 2 is MNT_DETACH.
  perl -e '"'"'my $p = "/.old-root"; syscall(166, $p, 2) == 0 or die "umount /.old-root: $!\n"'"'"'
  rmdir /.old-root
  exec env -i HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
' in-root "$root" "$@"
