#!/usr/bin/env bash
# Installs the Debian packages that building, testing and the demo need, on Debian 12
# (bookworm), 13 (trixie) or unstable (sid). Does nothing when they are all present already.
# Names that differ between the suites are looked up in the suite's own archive, never
# hard-coded to one version: the clang runtime (sanitizers, libFuzzer) is the one of the
# version that the suite's `clang` package depends on.
set -euo pipefail

packages=(
  # build
  cmake g++ make pkg-config
  libboost-dev libboost-program-options-dev libboost-filesystem-dev
  libnl-3-dev catch2 nlohmann-json3-dev
  # host and guest tests, demo (xz: the kernel modules of Debian 13 and later are compressed)
  iproute2 iputils-ping procps kmod cpio gzip xz-utils python3 python3-jsonschema
  qemu-system-x86 linux-image-cloud-amd64 busybox-static
  user-mode-linux iperf3
  # reliability tests: doctor's netfilter readers, the leak check
  iptables nftables valgrind
  # man page, completion, systemd unit and Debian package, and their tests
  scdoc man-db bash-completion systemd systemd-container dpkg-dev lintian mmdebstrap libcap2-bin
  # the launch-cost bench, which a test runs once in quick mode
  strace ltrace gnuplot-nox
  # unprivileged use (tests/host/unprivileged.sh): a test user, switching to it
  passwd util-linux
  # user-mode networking for namespaces (pasta), DHCP on a test bridge, Open vSwitch's
  # userspace datapath
  passt dnsmasq-base openvswitch-switch
  # sanitizer build and libFuzzer targets (scripts/sanitize.sh); the runtime is added below
  clang
)

suite=unknown
if [ -r /etc/os-release ]; then
  suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-${VERSION_ID:-unknown}}")
fi

installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

# The clang-N that a `clang` package depends on: the installed one's, else the archive's.
clang_version() {
  local depends
  if installed clang; then
    depends=$(dpkg-query -W -f='${Depends}' clang)
  else
    depends=$(apt-cache depends clang 2>/dev/null | sed -n 's/^ *Depends: //p')
  fi
  grep -o 'clang-[0-9]\+' <<<"$depends" | head -1 | cut -d- -f2
}

missing_packages() {
  missing=()
  local package
  for package in "${packages[@]}"; do
    installed "$package" || missing+=("$package")
  done
}

version=$(clang_version || true)
[ -z "$version" ] || packages+=("libclang-rt-$version-dev")
missing_packages
[ ${#missing[@]} -eq 0 ] && [ -n "$version" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages on $suite: ${missing[*]}" \
    "(run this script as root, or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if [ -z "$version" ]; then
  version=$(clang_version || true)
  if [ -z "$version" ]; then
    echo "install-deps: cannot tell which clang the $suite archive has (apt-cache depends clang)" >&2
    exit 1
  fi
  packages+=("libclang-rt-$version-dev")
  missing_packages
fi
echo "install-deps: installing on $suite: ${missing[*]}" >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
