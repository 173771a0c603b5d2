#pragma once
// Reading a BridgeSnapshot from this host: the bridge and its ports over netlink, from sysfs
// only what netlink lacks (how each MAC was assigned, checked to be this network namespace's
// sysfs), owner records and holders from /proc, and the netfilter chains bridged traffic meets.

#include "host/netlink_socket.hpp"
#include "tools/bridge_snapshot.hpp"

#include <string>

namespace taplaunch {

// Throws DefinitionError when there is no bridge of that name, HostError when netlink fails.
BridgeSnapshot read_bridge_snapshot(const NetlinkSocket& netlink, const std::string& bridge_name);

}  // namespace taplaunch
