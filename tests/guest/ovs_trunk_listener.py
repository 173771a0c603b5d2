#!/usr/bin/env python3
"""A stand-in QEMU for the Open vSwitch guest test: it takes the TAP fd taplaunch hands over
(-netdev tap,...,fd=N, opened without the vnet header), reads the frames OVS sends to the trunk
port, and reports which VLANs' 802.1Q-tagged frames arrived: "trunk vlans=10,20". It exits once
every VLAN in $TL_TRUNK_WANT (e.g. "10,20") was seen, or after $TL_TRUNK_SECONDS (default 60).
"""
import os
import re
import select
import sys
import time

fd = None
for arg in sys.argv[1:]:
    found = re.search(r"(?:^|,)fd=(\d+)(?:,|$)", arg)
    if arg.startswith("tap,") and found:
        fd = int(found.group(1))
if fd is None:
    print("trunk error no -netdev tap,fd=N in", sys.argv[1:], flush=True)
    sys.exit(2)
want = {int(v) for v in os.environ.get("TL_TRUNK_WANT", "10,20").split(",")}
deadline = time.monotonic() + float(os.environ.get("TL_TRUNK_SECONDS", "60"))
seen = set()
print("trunk listening", flush=True)
while not want <= seen:
    left = deadline - time.monotonic()
    if left <= 0:
        break
    ready, _, _ = select.select([fd], [], [], left)
    if not ready:
        continue
    frame = os.read(fd, 65536)
    if len(frame) >= 16 and frame[12:14] == b"\x81\x00":
        seen.add(((frame[14] << 8) | frame[15]) & 0xFFF)
print("trunk vlans=" + ",".join(str(v) for v in sorted(seen)), flush=True)
