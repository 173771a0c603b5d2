#!/usr/bin/env bash
# The man page lists exactly the options, subcommands and NIC SPEC keys of --help, mentions
# the configuration files taplaunch reads and no other, and man renders it without a warning.
# The checker is shown to fail on a man page that lacks an option, has one too many, or
# mentions a file the program does not read.
# Usage: man_page.sh TAPLAUNCH MAN_PAGE (troff)
set -euo pipefail
taplaunch=$1 man_page=$2
here=$(cd "$(dirname "$0")" && pwd)
check() { python3 "$here/check_man_page.py" "$taplaunch" "$1"; }

check "$man_page"

warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$man_page" 2>&1 >/dev/null)
if [ -n "$warnings" ]; then
  echo "FAIL: man reports problems in $man_page:" >&2
  echo "$warnings" >&2
  exit 1
fi
echo "man renders the page without warnings"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# expect_drift NAME SED-SCRIPT EXPECTED-MESSAGE: an altered page must fail, naming the change.
expect_drift() {
  sed "$2" "$man_page" >"$work/$1.1"
  if output=$(check "$work/$1.1" 2>&1); then
    echo "FAIL: the checker accepts a man page with $1" >&2
    exit 1
  fi
  grep -qF -- "$3" <<<"$output" || { echo "FAIL: for $1 the checker said: $output" >&2; exit 1; }
  echo "a page with $1 fails: $(grep -F -- "$3" <<<"$output")"
}
expect_drift "an option missing" 's/^\\fB--supervise\\fR$/\\fBsupervise\\fR/' "'--supervise' is in --help but not in the man page"
expect_drift "an extra option" 's/^\\fB--version\\fR$/\\fB--version\\fR, \\fB--bogus\\fR/' "'--bogus' is in the man page but not in --help"
expect_drift "a subcommand option missing" '/^\.SS gc/,$ s/^\\fB--dry-run\\fR$/\\fBdry-run\\fR/' "'--dry-run' is in --help but not in the man page"
expect_drift "a NIC key missing" 's/^\\fBvnet_hdr=\\fR/\\fBvnet-hdr\\fR/' "'vnet_hdr' is in --help but not in the man page"
expect_drift "a file the program does not read" 's|^Example profiles\.|Example profiles; see /etc/taplaunch/taplaunch.conf|' "the man page mentions '/etc/taplaunch/taplaunch.conf'"

# A program that reads a file the page does not mention: a wrapper that names one.
printf '#!/bin/sh\n# reads /etc/taplaunch/taplaunch.conf\nexec "%s" "$@"\n' "$(realpath "$taplaunch")" >"$work/taplaunch"
chmod +x "$work/taplaunch"
if output=$(python3 "$here/check_man_page.py" "$work/taplaunch" "$man_page" 2>&1); then
  echo "FAIL: the checker accepts a man page that omits a file the program reads" >&2
  exit 1
fi
grep -qF "taplaunch uses '/etc/taplaunch/taplaunch.conf' but the man page does not mention it" <<<"$output" ||
  { echo "FAIL: for an undocumented file the checker said: $output" >&2; exit 1; }
echo "a program that reads an undocumented file fails"
