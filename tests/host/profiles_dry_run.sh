#!/usr/bin/env bash
# Every example profile in profiles/, used the way its comment header says, through --dry-run
# (the guest tests boot ci-guest and uml-guest for real): it is read without error, names the
# bridges, MACs and TAP names it promises, and changes nothing. Each profile must start with a
# comment header that shows a taplaunch command line using it.
set -euo pipefail
taplaunch=$1 fake_bin=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
source "$here/../lib/netns.sh"

tl_netns_create profiles
tl_make_bridge br0 10.77.0.1/24
tl_make_bridge br1
ip -n "$TL_NS" link set br1-up mtu 9000
ip -n "$TL_NS" link set br1 mtu 9000
tl_set_runner "$fake_bin"
before=$(tl_link_state)

for profile in "$top"/profiles/*.ini; do
  head -n1 "$profile" | grep -q '^# ' || tl_fail "$profile has no comment header"
  grep -q '^#.*taplaunch .*--profile' "$profile" || tl_fail "$profile's header shows no command using it"
  out=$(cd "$top" && "${TL_RUN[@]}" "$taplaunch" --dry-run --profile "$profile") \
    || tl_fail "taplaunch --dry-run --profile $profile failed"
  echo "== ${profile##*/}"
  echo "$out"
done

out=$(cd "$top" && "${TL_RUN[@]}" "$taplaunch" --dry-run --json --profile profiles/virtio-disk.ini)
python3 - <<PY || tl_fail "virtio-disk.ini does not plan as its header says"
import json
plan = json.loads('''$out''')
assert plan["guest"] == "virtio-disk", plan["guest"]
(nic,) = plan["nics"]
assert (nic["bridge"], nic["guest_mac"], nic["model"]) == ("br0", "52:54:00:5e:00:01", "virtio-net-pci"), nic
assert "file=disk.qcow2,if=virtio,format=qcow2,cache=none" in plan["argv"], plan["argv"]
PY
out=$(cd "$top" && "${TL_RUN[@]}" "$taplaunch" --dry-run --json --profile profiles/two-bridges.ini \
  -- -drive file=router.qcow2,if=virtio)
python3 - <<PY || tl_fail "two-bridges.ini does not plan as its header says"
import json
plan = json.loads('''$out''')
lan, lab = plan["nics"]
assert (lan["bridge"], lan["tap"]["name"], lan["guest_mac"], lan["mtu"]) == ("br0", "lan0", "52:54:00:5e:01:01", 1500), lan
assert (lab["bridge"], lab["tap"]["name"], lab["model"], lab["mtu"]) == ("br1", "lab0", "e1000", 9000), lab
argv = plan["argv"]
assert argv.index("file=router.qcow2,if=virtio") < argv.index("-netdev"), argv
PY
[ "$(tl_link_state)" = "$before" ] || tl_fail "a dry run changed the host"
echo "PASS"
