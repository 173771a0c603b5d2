#pragma once
// Macvtap links on the host: created over route netlink on a lower interface, opened through
// their character device /dev/tapIFINDEX (which devtmpfs makes when the link appears), and
// deleted over netlink: unlike a TAP, a macvtap outlives its fds.

#include "host/tap_set_links.hpp"
#include "host/unique_fd.hpp"
#include "plan/tap_plan.hpp"

#include <string>
#include <vector>

namespace taplaunch {

struct CreatedMacvtap {
    std::string ifname;
    int ifindex = 0;
};

// Deletes the macvtaps on the plan's LOWER that would keep its macvtap from coming up (one
// with the guest's MAC; for mode passthru, any) and are leftovers of a launch that is gone:
// they carry taplaunch's owner record and its process has ended (a guest restarted at once
// finds its previous macvtap still there, its keeper a few milliseconds from deleting it).
// Each is looked at again right before its deletion; one the keeper deleted first is no
// error. Returns a line for each one deleted. Throws HostError when the kernel refuses.
std::vector<std::string> remove_stale_macvtaps(const TapPlan& plan, TapSetLinks& links);

// Creates the plan's macvtap (its MAC, MTU and mode in the creating request) under the
// plan's exact name, or a template's lowest free number. Never reuses a device. Throws
// HostError with the kernel's error and what it usually means.
CreatedMacvtap create_macvtap(const TapPlan& plan, TapSetLinks& links);

// Opens the macvtap `ifindex` (called `ifname`) once per queue through /dev/tapIFINDEX and sets
// each queue's flags (TUNSETIFF: IFF_TAP|IFF_NO_PI, +IFF_VNET_HDR, +IFF_MULTI_QUEUE). The fds
// are O_CLOEXEC. Throws HostError; a missing device node says how to get one.
std::vector<UniqueFd> open_macvtap_queues(int ifindex, const std::string& ifname, bool vnet_hdr,
                                          unsigned queues);

// The path of the macvtap's character device.
std::string macvtap_device_path(int ifindex);

// Deletes the macvtap `ifindex` if it is still called `ifname` and still carries
// `owner_record` (a later launch may have taken the name). Returns "" when it is deleted or
// gone already, else one line saying what was left and how to remove it. For a process that
// holds no netlink socket (the keeper): opens its own.
std::string remove_macvtap_if_ours(int ifindex, const std::string& ifname,
                                   const std::string& owner_record);

}  // namespace taplaunch
