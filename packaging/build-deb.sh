#!/usr/bin/env bash
# Builds the Debian package as released: a build directory of its own, configured for prefix
# /usr (paths the binary holds, such as the UML adapter's, are fixed when it is configured)
# with Debian's build flags (dpkg-buildflags with every hardening feature), without tests,
# then cpack -G DEB.
# Usage: packaging/build-deb.sh [BUILD_DIR] [OUT_DIR]   defaults: build-deb, BUILD_DIR
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build-deb}
out=${2:-$build}

export DEB_BUILD_MAINT_OPTIONS=hardening=+all
# CMake takes CXXFLAGS and LDFLAGS from the environment when it first configures a directory;
# it has no CPPFLAGS, so Debian's preprocessor flags (_FORTIFY_SOURCE) join CXXFLAGS.
CXXFLAGS="$(dpkg-buildflags --get CXXFLAGS) $(dpkg-buildflags --get CPPFLAGS)" \
LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" \
  cmake -S "$top" -B "$build" -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$out" >/dev/null
rm -rf "$out/_CPack_Packages"
ls "$out"/taplaunch_*.deb
