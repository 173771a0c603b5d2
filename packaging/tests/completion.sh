#!/usr/bin/env bash
# The bash completion, driven as bash drives it: COMP_LINE and COMP_POINT, COMP_WORDS split at
# COMP_WORDBREAKS as readline splits them, COMP_CWORD, and the function called with the
# command, the word under the cursor and the one before. Bridges come from a network namespace
# of the test's own. What --help lists is the reference for options, subcommands and keys.
# Usage: completion.sh TAPLAUNCH COMPLETION_FILE
set -uo pipefail
taplaunch=$(realpath "$1") completion=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../tests/lib/netns.sh"

bash_completion=/usr/share/bash-completion/bash_completion
if [ ! -r "$bash_completion" ]; then
  echo "SKIP: bash-completion is not installed (apt-get install bash-completion)" >&2
  exit 77
fi

tl_netns_create completion
ip -n "$TL_NS" link add br-lan type bridge
ip -n "$TL_NS" link add br-dmz mtu 1400 type bridge
ip -n "$TL_NS" link add not-a-bridge type veth peer name not-a-bridge2

work=$(mktemp -d)
trap 'rm -rf "$work"; tl_netns_cleanup' EXIT
mkdir -p "$work/cwd/guests.d" "$work/bin"
ln -s "$taplaunch" "$work/bin/taplaunch"
touch "$work/cwd/web.ini" "$work/cwd/notes.txt"

failures=0
# complete LINE: prints the candidates, one a line, sorted, for the cursor at LINE's end.
# Runs in a fresh bash in the namespace, as `ip netns exec` gives it its own /sys.
complete_line() {
  ip netns exec "$TL_NS" bash --norc --noprofile -c '
    cd "$3/cwd"
    PATH=$3/bin:$PATH
    source "$1"
    source "$2"
    line=$4
    # Readline: words at blanks, and runs of COMP_WORDBREAKS characters are words of their own.
    COMP_WORDS=()
    for blank_word in $line; do
      while [ -n "$blank_word" ]; do
        if [[ $blank_word =~ ^([=:]+) || $blank_word =~ ^([^=:]+) ]]; then
          COMP_WORDS+=("${BASH_REMATCH[1]}")
          blank_word=${blank_word:${#BASH_REMATCH[1]}}
        fi
      done
    done
    [[ $line == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$line
    COMP_POINT=${#line}
    word=${COMP_WORDS[COMP_CWORD]}
    [[ $word =~ ^[=:]+$ ]] && word=""
    _taplaunch taplaunch "$word" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}" | sort
  ' bash "$bash_completion" "$completion" "$work" "$1" 2>&1 |
    grep -v "compopt: not currently executing completion function"
}

# expect LINE EXPECTED...: the candidates are exactly these.
expect() {
  local line=$1
  shift
  local got want
  got=$(complete_line "$line")
  want=$(printf '%s\n' "$@" | sort)
  if [ "$got" = "$want" ]; then
    echo "ok: '$line'"
  else
    echo "FAIL: '$line' completes to:" >&2
    echo "${got:-(nothing)}" | sed 's/^/    /' >&2
    echo "  expected:" >&2
    echo "${want:-(nothing)}" | sed 's/^/    /' >&2
    failures=$((failures + 1))
  fi
}

# expect_match LINE REGEX: exactly one candidate, matching REGEX.
expect_match() {
  local got
  got=$(complete_line "$1")
  if [ "$(printf '%s\n' "$got" | grep -c .)" = 1 ] && [[ $got =~ $2 ]]; then
    echo "ok: '$1' -> $got"
  else
    echo "FAIL: '$1' completes to '${got:-(nothing)}', expected one match of $2" >&2
    failures=$((failures + 1))
  fi
}

help_list() { python3 "$here/help_text.py" "$taplaunch" "$@"; }
mapfile -t long_options < <(help_list options | grep -- '^--')
mapfile -t subcommands < <(help_list subcommands)
mapfile -t nic_keys < <(help_list nic-keys | sed 's/$/=/')
[ ${#long_options[@]} -gt 5 ] && [ ${#nic_keys[@]} -gt 3 ] && [ ${#subcommands[@]} -ge 1 ] ||
  tl_fail "could not read the options, keys and subcommands from $taplaunch --help"

# Options and subcommands: every one --help lists, and nothing else.
expect "taplaunch --" "${long_options[@]}" --
expect "taplaunch " "${subcommands[@]}" "${long_options[@]}" --
expect "taplaunch --n" --name --nic
expect "taplaunch --nic=" "${nic_keys[@]}"
expect "taplaunch --nic bridge=br-lan --" "${long_options[@]}" --
for subcommand in "${subcommands[@]}"; do
  mapfile -t subcommand_options < <(help_list subcommand-options "$subcommand")
  expect "taplaunch $subcommand -" "${subcommand_options[@]}"
done
expect "taplaunch gc --d" --dry-run

# Values of options, from the value names in --help.
expect "taplaunch --emulator-kind " qemu uml
expect "taplaunch --uml-transport t" tap tuntap
expect "taplaunch --uml-transport=t" tap tuntap
expect "taplaunch --profile " web.ini guests.d
expect "taplaunch --owner roo" root
expect "taplaunch --name " # free text: nothing to offer

# NIC SPEC keys, then values. Readline replaces only the text after the last '=' or ':',
# so that is what the candidates hold.
expect "taplaunch --nic " "${nic_keys[@]}"
expect "taplaunch --nic bridge=br-lan,m" br-lan,mac= br-lan,model= br-lan,mtu=
expect "taplaunch --nic=bridge=br-lan,mo" br-lan,model=
expect "taplaunch --nic bridge=" br-dmz br-lan
expect "taplaunch --nic bridge=br-l" br-lan
expect "taplaunch --nic=bridge=br-d" br-dmz
expect "taplaunch --nic bridge=br-lan,vnet_hdr=" auto off on
expect "taplaunch --nic bridge=br-dmz,mtu=" 1400 1500 9000
expect "taplaunch --nic mtu=1400,bridge=br-dmz,model=e1000" e1000 e1000e
expect_match "taplaunch --nic bridge=br-lan,mac=" '^52:54:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$'
expect_match "taplaunch --nic bridge=br-lan,mac=52:54:" '^00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$'
expect "taplaunch --nic bridge=br-lan,ifname=" tap%d
# Keys already given are not offered again, nor those of the other kind of NIC (a bridge's
# NIC takes no macvtap= or mode=; a macvtap's no bridge=).
mapfile -t remaining < <(printf 'br-lan,%s\n' "${nic_keys[@]}" | grep -v -e '^br-lan,bridge=$' -e '^br-lan,macvtap=$' -e '^br-lan,mode=$')
expect "taplaunch --nic bridge=br-lan," "${remaining[@]}"
mapfile -t remaining < <(printf 'eth0,%s\n' "${nic_keys[@]}" | grep -v -e '^eth0,bridge=$' -e '^eth0,macvtap=$')
expect "taplaunch --nic macvtap=eth0," "${remaining[@]}"

# Without bridges in sysfs, the bridges come from ip link.
got=$(ip netns exec "$TL_NS" unshare --mount bash -c '
  mount -t tmpfs none /sys/class/net && exec "$@"' bash \
  bash --norc --noprofile -c 'source "$1"; source "$2"; _taplaunch_bridges | sort' \
  bash "$bash_completion" "$completion")
if [ "$got" = "$(printf 'br-dmz\nbr-lan')" ]; then
  echo "ok: bridges from ip link"
else
  echo "FAIL: bridges from ip link: '$got'" >&2
  failures=$((failures + 1))
fi

# The Options table as Boost lays it out when a switch is the widest entry: one space before
# its description, whose first word must not be taken for a value name.
table=$(bash --norc --noprofile -c 'source "$1"; source "$2"; _taplaunch_option_table "$3"' bash \
  "$bash_completion" "$completion" "Options:
  --nic SPEC             add a NIC
  --a-rather-long-switch UML guests only: an entry as wide as
                         the column allows
  -q [ --quiet ]         NAME nothing")
want="--nic SPEC
--a-rather-long-switch 
-q 
--quiet "
if [ "$table" = "$want" ]; then
  echo "ok: a switch as wide as the option column"
else
  echo "FAIL: the Options table read as:" >&2
  echo "$table" | sed 's/^/    /' >&2
  failures=$((failures + 1))
fi

# After --: the emulator is a command; the profile's extra arguments are files.
printf '#!/bin/sh\n' >"$work/bin/qemu-system-tl-test"
chmod +x "$work/bin/qemu-system-tl-test"
expect "taplaunch --nic bridge=br-lan -- qemu-system-tl-t" qemu-system-tl-test
expect "taplaunch --profile web.ini -- no" notes.txt

[ "$failures" -eq 0 ] || tl_fail "$failures completion cases failed"
echo "all completion cases passed"
