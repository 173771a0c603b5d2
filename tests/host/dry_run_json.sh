#!/usr/bin/env bash
# `--dry-run --json` prints the plan as one JSON document that validates against
# docs/plan-schema.json (with python3-jsonschema) and says what the text dry run says: for a
# QEMU guest with a rewritten bridge form and a multiqueue NIC, and for a UML guest.
set -euo pipefail
taplaunch=$1 fake_bin=$2
here=$(cd "$(dirname "$0")" && pwd)
schema=$here/../../docs/plan-schema.json
source "$here/../lib/netns.sh"
python3 -c 'import jsonschema' 2>/dev/null || { echo "SKIP: needs python3-jsonschema" >&2; exit 77; }

tl_netns_create dryjson
tl_make_bridge br0
tl_set_runner "$fake_bin"
ip -n "$TL_NS" tuntap add tap0 mode tap

# Validates the plan on stdin against the schema, then checks each Python expression on it.
validator='
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
plan = json.load(sys.stdin)
jsonschema.validate(plan, schema)
for expression in sys.argv[2:]:
    if not eval(expression, {"plan": plan}):
        print("check failed:", expression, "\n", json.dumps(plan, indent=2), file=sys.stderr)
        sys.exit(1)
'

check() {  # check PYTHON-EXPRESSION... -- TAPLAUNCH-ARGS...
  local -a checks=()
  while [ "$1" != -- ]; do checks+=("$1"); shift; done
  shift
  local out
  out=$("${TL_RUN[@]}" "$taplaunch" --dry-run --json "$@") || tl_fail "taplaunch $* failed"
  python3 -c "$validator" "$schema" "${checks[@]}" <<<"$out" || tl_fail "taplaunch --dry-run --json $*: see above"
}

check 'plan["emulator"]["kind"] == "qemu" and plan["emulator"]["handoff"] == "exec"' \
  'plan["nics"][0]["source"] == "qemu-bridge-form" and plan["nics"][0]["tap"]["name"] == "tap1"' \
  'plan["nics"][0]["tap"]["predicted"] is True and plan["nics"][0]["emulator_fds"] == [3]' \
  'plan["nics"][1]["queues"] == 2 and plan["nics"][1]["emulator_fds"] == [4, 5]' \
  '"IFF_MULTI_QUEUE" in plan["nics"][1]["flags"] and plan["nics"][1]["tap"]["name"] == "tap2"' \
  'plan["argv"][-4:] == ["-netdev", "tap,id=net0,fds=4:5", "-device", "virtio-net-pci,netdev=net0,mac=52:54:00:00:00:02,mq=on,vectors=6"]' \
  '"-nic" in plan["argv"] and "tap,fd=3,mac=52:54:00:00:00:01" in plan["argv"]' \
  -- --nic bridge=br0,mac=52:54:00:00:00:02,queues=2 -- qemu-system-x86_64 -m 256 -nic bridge,mac=52:54:00:00:00:01
check 'plan["emulator"]["kind"] == "uml" and plan["emulator"]["handoff"] == "supervise"' \
  'plan["nics"][0]["persistent"] is True and plan["nics"][0]["owner_uid"] == 0' \
  'plan["nics"][0]["emulator_fds"] == [] and plan["nics"][0]["steps"][1].startswith("nic 0: set alias of tap1")' \
  'plan["argv"] == ["linux", "mem=64M", "vec0:transport=tap,ifname=tap1,mac=52:54:00:00:00:03,gro=1"]' \
  -- --name uml-1 --nic bridge=br0,mac=52:54:00:00:00:03 -- linux mem=64M
check 'plan["nics"][0]["lock"] == {"mode": "ip", "addresses": ["10.0.0.5", "fd00::5"], "ipv6_sources": ["fd00::5", "fe80::5054:ff:fe00:4"], "filter_instructions": plan["nics"][0]["lock"]["filter_instructions"]}' \
  'plan["nics"][0]["lock"]["filter_instructions"] > 0 and plan["nics"][1]["lock"]["mode"] == "off"' \
  '[s.split(": ")[1].split(" ")[0] for s in plan["nics"][0]["steps"]][-6:] == ["add", "filter", "attach", "set", "pin", "set"]' \
  -- --nic bridge=br0,mac=52:54:00:00:00:04,lock=ip,ip=10.0.0.5+fd00::5 --nic bridge=br0 -- qemu-system-x86_64
# The text and JSON dry runs describe the same steps.
text=$("${TL_RUN[@]}" "$taplaunch" --dry-run --nic bridge=br0 -- qemu-system-x86_64 | grep '^nic ' \
  | sed -E 's/, the name predicted for tap%d//; s/pid=[0-9]+ start=[0-9]+ pidns=[0-9]+/pid=P start=S pidns=N/')
json_steps=$("${TL_RUN[@]}" "$taplaunch" --dry-run --json --nic bridge=br0 -- qemu-system-x86_64 \
  | python3 -c 'import json,sys; print("\n".join(s for n in json.load(sys.stdin)["nics"] for s in n["steps"]))' \
  | sed -E 's/pid=[0-9]+ start=[0-9]+ pidns=[0-9]+/pid=P start=S pidns=N/')
[ "$text" = "$json_steps" ] || { diff <(echo "$text") <(echo "$json_steps") >&2; tl_fail "text and JSON steps differ"; }
# --json alone is a usage error.
set +e
"${TL_RUN[@]}" "$taplaunch" --json --nic bridge=br0 -- qemu-system-x86_64 >/dev/null 2>&1
status=$?
set -e
[ "$status" -eq 2 ] || tl_fail "--json without --dry-run exited $status, not 2"
echo "PASS"
