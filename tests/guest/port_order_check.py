#!/usr/bin/env python3
"""Proves from the kernel's link events that a TAP became a bridge port in taplaunch's order:
create, MAC, MTU, attach, port flags, and only then up.

Usage: port_order_check.py EVENTS IFNAME TAP_MAC MTU on|off

EVENTS is the output of `ip -d -o monitor link` in the TAP's network namespace, recorded from
before the TAP was created. Only the TAP's own events count, up to the first that deletes it.
Each event shows the link's whole state at that moment: flags, MTU, master, MAC and, for a
bridge port, its isolated flag. Checked:

  - the first event is the new TAP: down, no master, another MAC and MTU than the final ones;
  - the MAC changes to TAP_MAC, then the MTU to MTU, while the TAP has no master;
  - no event shows the TAP with a master and another MAC or MTU (MAC and MTU before attach);
  - the TAP is up in some event, and every event in which it is up shows it on its bridge,
    with TAP_MAC, MTU and the isolated flag asked for (on|off): it never forwards half set up;
  - with on: the TAP was a port, down and not yet isolated, before the flag was set (attach,
    then the flags), and was isolated before it came up (the flags, then up).

Prints the sequence it saw; exits 1 with the first violation.
"""

import re
import sys


def parse_events(path, ifname):
    events = []
    pattern = re.compile(r"^(Deleted )?\d+: " + re.escape(ifname) + r"[:@]")
    with open(path, encoding="utf-8", errors="replace") as events_file:
        for line in events_file:
            match = pattern.match(line)
            if not match:
                continue
            if match.group(1):
                break
            # The bridge's own view of a port (family AF_BRIDGE) comes without details; the
            # link's events carry "qdisc" and the whole state.
            if " qdisc " not in line:
                continue
            flags = re.search(r"<([^>]*)>", line).group(1).split(",")
            master = re.search(r" master (\S+) ", line)
            mac = re.search(r"link/ether ([0-9a-f:]+)", line)
            isolated = re.search(r" isolated (on|off) ", line)
            events.append({
                "up": "UP" in flags,
                "mtu": int(re.search(r" mtu (\d+) ", line).group(1)),
                "master": master.group(1) if master else None,
                "mac": mac.group(1) if mac else None,
                "isolated": isolated.group(1) if isolated else None,
            })
    return events


def describe(event):
    return "{} mtu={} master={} mac={} isolated={}".format(
        "UP  " if event["up"] else "down", event["mtu"], event["master"] or "-",
        event["mac"], event["isolated"] or "-")


def first(events, predicate):
    return next((index for index, event in enumerate(events) if predicate(event)), None)


def check(events, tap_mac, mtu, isolated):
    if not events:
        return "no link event of the TAP was seen"
    created = events[0]
    if created["up"] or created["master"] or created["mac"] == tap_mac or created["mtu"] == mtu:
        return "the first event is not a fresh TAP (down, no master, the kernel's MAC and MTU)"
    mac_set = first(events, lambda e: e["mac"] == tap_mac)
    mtu_set = first(events, lambda e: e["mtu"] == mtu)
    attached = first(events, lambda e: e["master"] is not None)
    up = first(events, lambda e: e["up"])
    if None in (mac_set, mtu_set, attached, up):
        return "missing a step: MAC set at {}, MTU at {}, attached at {}, up at {}".format(
            mac_set, mtu_set, attached, up)
    if not mac_set <= mtu_set < attached < up:
        return "out of order: MAC set at event {}, MTU at {}, attached at {}, up at {}".format(
            mac_set, mtu_set, attached, up)
    if events[mac_set]["mtu"] == mtu:
        return "the MTU was set before the MAC (or in the same request)"
    for index, event in enumerate(events[attached:], attached):
        if event["mac"] != tap_mac or event["mtu"] != mtu:
            return "event {} shows the port with MAC {} and MTU {}".format(
                index, event["mac"], event["mtu"])
    for index, event in enumerate(events):
        if event["up"] and (event["master"] is None or event["isolated"] != isolated):
            return "event {} shows the TAP up {} (isolated {})".format(
                index, "without a master" if event["master"] is None else "on " + event["master"],
                event["isolated"])
    if isolated == "on":
        if not any(e["isolated"] == "off" and not e["up"] for e in events[attached:up]):
            return "no event shows the port attached and down before its flags were set"
    return None


def main():
    if len(sys.argv) != 6 or sys.argv[5] not in ("on", "off"):
        sys.exit(__doc__.split("\n\n")[1])
    path, ifname, tap_mac, mtu, isolated = sys.argv[1:]
    events = parse_events(path, ifname)
    for index, event in enumerate(events):
        print("event {:2}: {}".format(index, describe(event)))
    problem = check(events, tap_mac.lower(), int(mtu), isolated)
    if problem:
        print("FAIL: " + problem)
        sys.exit(1)
    print("order: create, MAC, MTU, attach, {}up".format("port flags, " if isolated == "on" else ""))


if __name__ == "__main__":
    main()
