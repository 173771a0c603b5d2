#!/usr/bin/env bash
# Installs the Debian bookworm packages that building, testing and the demo need.
# Does nothing when they are all present already.
set -euo pipefail

packages=(
  # build
  cmake g++ make pkg-config
  libboost-dev libboost-program-options-dev libboost-filesystem-dev
  libnl-3-dev catch2 nlohmann-json3-dev
  # host and guest tests, demo
  iproute2 iputils-ping procps kmod cpio gzip python3 python3-jsonschema
  qemu-system-x86 linux-image-cloud-amd64 busybox-static
  user-mode-linux iperf3
  # reliability tests: doctor's netfilter readers, the leak check
  iptables nftables valgrind
  # man page, completion, systemd unit and Debian package, and their tests
  scdoc man-db bash-completion systemd systemd-container dpkg-dev lintian mmdebstrap libcap2-bin
  # the launch-cost bench, which a test runs once in quick mode
  valgrind strace ltrace gnuplot-nox
  # unprivileged use (tests/host/unprivileged.sh): a test user, switching to it
  passwd util-linux
  # sanitizer build and libFuzzer targets (scripts/sanitize.sh)
  clang libclang-rt-14-dev
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]} (run this script as root, or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
