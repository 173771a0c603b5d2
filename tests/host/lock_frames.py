#!/usr/bin/env python3
"""Frames a guest could send, written into a TAP exactly as an emulator writes them, and what
arrives elsewhere. One file, three roles:

  as qemu-system-x86_64 or linux (the emulator taplaunch starts): opens the TAP the arguments
    name (fd=N, or ifname=NAME for UML's tap transport), writes every test frame into it (with
    the virtio-net header when the TAP has one), touches $TL_LOCK_READY, then for
    $TL_LOCK_LISTEN seconds records the marker of every frame it reads to $TL_LOCK_REPORT;
  capture IFACE SECONDS [READY]: records the marker of every frame that arrives on IFACE
    (touching READY once it listens), until the guest's last frame or SECONDS;
  send IFACE: sends, from IFACE, one unicast to an unknown MAC and one to the guest's MAC.

Each frame carries "TLMARK:<name>;" where a receiver ignores it (payload or Ethernet padding).
"""
import fcntl
import os
import re
import select
import socket
import struct
import sys
import time

GUEST = bytes.fromhex("525400000050")
OTHER = bytes.fromhex("525400000066")
GATEWAY = bytes.fromhex("020000000001")  # a host behind the uplink, unknown to the bridge
BROADCAST = b"\xff" * 6
OWN4, OTHER4, GATEWAY4 = "10.0.0.50", "10.0.0.66", "10.0.0.1"
OWN6, OTHER6 = "fd00::50", "fd00::66"
LINK_LOCAL = "fe80::5054:ff:fe00:50"  # EUI-64 of GUEST
MARK = re.compile(rb"TLMARK:([a-z0-9-]+);")


def mark(name):
    return b"TLMARK:" + name.encode() + b";"


def ether(source, destination, kind, payload):
    frame = destination + source + struct.pack("!H", kind) + payload
    return frame + b"\0" * max(0, 60 - len(frame))


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ipv4(source, destination, protocol, payload):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, protocol, 0,
                         socket.inet_aton(source), socket.inet_aton(destination))
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + payload


def udp(source_port, destination_port, payload):
    return struct.pack("!HHHH", source_port, destination_port, 8 + len(payload), 0) + payload


def ipv6(source, destination, next_header, payload):
    return (struct.pack("!IHBB", 0x60000000, len(payload), next_header, 255) +
            socket.inet_pton(socket.AF_INET6, source) +
            socket.inet_pton(socket.AF_INET6, destination) + payload)


def icmpv6(kind, body):
    return struct.pack("!BBH", kind, 0, 0) + body


def arp(sender_mac, sender_ip, target_ip, name):
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, sender_mac,
                       socket.inet_aton(sender_ip), b"\0" * 6, socket.inet_aton(target_ip))
    return ether(GUEST, BROADCAST, 0x0806, body + mark(name))


def frames():
    """(name, frame) for every frame the guest sends."""
    v6 = lambda source, destination, nh, payload: ether(GUEST, GATEWAY, 0x86DD,
                                                        ipv6(source, destination, nh, payload))
    v4 = lambda source, protocol, payload, destination=GATEWAY4: ether(
        GUEST, GATEWAY, 0x0800, ipv4(source, destination, protocol, payload))
    listed = [
        ("own-ipv4", v4(OWN4, 17, udp(40000, 9, mark("own-ipv4")))),
        ("own-arp", arp(GUEST, OWN4, GATEWAY4, "own-arp")),
        ("own-ipv6", v6(OWN6, "fd00::1", 17, udp(40000, 9, mark("own-ipv6")))),
        ("own-link-local", v6(LINK_LOCAL, "fe80::1", 58, icmpv6(128, b"\0\1\0\1" + mark("own-link-local")))),
        ("dhcp-discover", ether(GUEST, BROADCAST, 0x0800,
                                ipv4("0.0.0.0", "255.255.255.255", 17, udp(68, 67, mark("dhcp-discover"))))),
        ("dad-probe", v6("::", "ff02::1:ff00:50", 58,
                         icmpv6(135, b"\0" * 4 + socket.inet_pton(socket.AF_INET6, OWN6) + mark("dad-probe")))),
        ("spoofed-mac", ether(OTHER, GATEWAY, 0x0800, ipv4(OWN4, GATEWAY4, 17, udp(40000, 9, mark("spoofed-mac"))))),
        ("arp-other-mac", ether(GUEST, BROADCAST, 0x0806, struct.pack(
            "!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, OTHER, socket.inet_aton(OWN4), b"\0" * 6,
            socket.inet_aton(GATEWAY4)) + mark("arp-other-mac"))),
        ("arp-other-ip", arp(GUEST, OTHER4, GATEWAY4, "arp-other-ip")),
        ("ipv4-other-source", v4(OTHER4, 17, udp(40000, 9, mark("ipv4-other-source")))),
        ("ipv6-other-source", v6(OTHER6, "fd00::1", 17, udp(40000, 9, mark("ipv6-other-source")))),
        ("forged-neighbour-advert", v6(LINK_LOCAL, "ff02::1", 58, icmpv6(136, b"\x20\0\0\0" + socket.inet_pton(
            socket.AF_INET6, OTHER6) + mark("forged-neighbour-advert")))),
        ("router-advert", v6(LINK_LOCAL, "ff02::1", 58, icmpv6(134, b"\x40\0\x07\x08" + b"\0" * 8 + mark("router-advert")))),
        ("router-advert-hop-by-hop", v6(LINK_LOCAL, "ff02::1", 0, bytes([58, 0, 5, 2, 0, 0, 1, 0]) + icmpv6(
            134, b"\x40\0\x07\x08" + b"\0" * 8 + mark("router-advert-hop-by-hop")))),
        ("dhcp-offer", v4(OWN4, 17, udp(67, 68, mark("dhcp-offer")), "255.255.255.255")),
        ("dhcpv6-advertise", v6(LINK_LOCAL, "fe80::1", 17, udp(547, 546, b"\x02\0\0\1" + mark("dhcpv6-advertise")))),
        ("vlan-tagged", ether(GUEST, GATEWAY, 0x8100, struct.pack("!HH", 10, 0x0800) +
                              ipv4(OWN4, GATEWAY4, 17, udp(40000, 9, mark("vlan-tagged"))))),
        # Last, and passing every lock: a capture that sees it has seen the others.
        ("own-last", v4(OWN4, 17, udp(40000, 9, mark("own-last")))),
    ]
    return listed


TUNGETIFF = 0x800454D2
TUNSETIFF = 0x400454CA
TUNGETVNETHDRSZ = 0x800454D7
IFF_TAP, IFF_NO_PI, IFF_VNET_HDR = 0x0002, 0x1000, 0x4000


def vnet_header_size(fd):
    request = fcntl.ioctl(fd, TUNGETIFF, b"\0" * 40)
    flags = struct.unpack("H", request[16:18])[0]
    if not flags & IFF_VNET_HDR:
        return 0
    return struct.unpack("i", fcntl.ioctl(fd, TUNGETVNETHDRSZ, b"\0" * 4))[0]


def wait_forwarding(fd, seconds=15):
    """A TAP whose carrier just came on (UML opening it again by name) joins the bridge's
    forwarding once the kernel's link watch has seen it, up to a second later or more under
    load: wait until its bridge port forwards (state 3)."""
    name = fcntl.ioctl(fd, TUNGETIFF, b"\0" * 40)[:16].rstrip(b"\0").decode()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with open("/sys/class/net/%s/brport/state" % name) as state:
                if state.read().strip() == "3":
                    return
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit("lock_frames: the bridge port of %s never forwarded" % name)


def tap_fd(arguments):
    for argument in arguments:
        found = re.search(r"(?:^|,)fd=(\d+)", argument)
        if found:
            return int(found.group(1))
        found = re.search(r"transport=tap,ifname=([^,]+)", argument)
        if found:
            fd = os.open("/dev/net/tun", os.O_RDWR)
            fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", found.group(1).encode(), IFF_TAP | IFF_NO_PI))
            return fd
    sys.exit("lock_frames: no TAP in the arguments: %s" % arguments)


def emulator(arguments):
    fd = tap_fd(arguments)
    header = b"\0" * vnet_header_size(fd)
    wait_forwarding(fd)
    for _, frame in frames():
        os.write(fd, header + frame)
    report = open(os.environ["TL_LOCK_REPORT"], "w")
    open(os.environ["TL_LOCK_READY"], "w").close()
    # Until the frame to the guest's MAC (sent after the one to an unknown MAC) arrives.
    end = time.monotonic() + float(os.environ.get("TL_LOCK_LISTEN", "8"))
    while time.monotonic() < end:
        if select.select([fd], [], [], max(0, end - time.monotonic()))[0]:
            found = MARK.findall(os.read(fd, 65536))
            for name in found:
                report.write(name.decode() + "\n")
                report.flush()
            if b"to-guest" in found:
                break
    if os.environ.get("TL_LOCK_HOLD"):
        time.sleep(float(os.environ["TL_LOCK_HOLD"]))


def capture(interface, seconds, ready=None):
    """Until the guest's last frame, and a little longer for frames on other CPUs' queues."""
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    sock.bind((interface, 0))
    if ready:
        open(ready, "w").close()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if select.select([sock], [], [], max(0, end - time.monotonic()))[0]:
            frame, address = sock.recvfrom(65536)
            if address[2] == socket.PACKET_OUTGOING:
                continue
            for found in MARK.findall(frame):
                print(found.decode(), flush=True)
                if found == b"own-last":
                    end = min(end, time.monotonic() + 0.3)


def send(interface):
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((interface, 0))
    sock.send(ether(GATEWAY, bytes.fromhex("02999999aa01"), 0x0800,
                    ipv4(GATEWAY4, OWN4, 17, udp(9, 9, mark("unknown-unicast")))))
    sock.send(ether(GATEWAY, GUEST, 0x0800, ipv4(GATEWAY4, OWN4, 17, udp(9, 9, mark("to-guest")))))


if __name__ == "__main__":
    role = os.path.basename(sys.argv[0])
    if role == "linux" and sys.argv[1:] == ["--version"]:
        sys.exit(0)  # says no version: taplaunch goes on without the UML version rules
    if role in ("qemu-system-x86_64", "linux"):
        emulator(sys.argv[1:])
    elif sys.argv[1] == "capture":
        capture(sys.argv[2], float(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
    elif sys.argv[1] == "send":
        send(sys.argv[2])
    elif sys.argv[1] == "names":
        print("\n".join(name for name, _ in frames()))
