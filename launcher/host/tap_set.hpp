#pragma once
// Realizing a plan's TAPs on the host, each in the order tap_steps_for() gives, as one
// transaction: a TapSet removes every TAP it holds when it goes away.

#include "host/netlink_socket.hpp"
#include "host/tap_set_links.hpp"
#include "host/unique_fd.hpp"
#include "plan/launch_plan.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace taplaunch {

// A TAP taplaunch created. A non-persistent one lives as long as its fds (the kernel removes
// it when the last one closes); a persistent one must be deleted over netlink.
struct ReadyTap {
    const TapPlan* plan = nullptr;
    std::vector<UniqueFd> queue_fds;  // one per queue, in the plan's queue order
    std::vector<UniqueFd> vhost_fds;  // /dev/vhost-net, one per queue, or none
    std::string ifname;
    int ifindex = 0;
    bool persistent = false;  // TUNSETPERSIST succeeded: closing the fd no longer removes it
    bool ovs_port = false;    // its Open vSwitch port row was added: nothing removes the row
                              // but taplaunch (the set, or after exec the keeper)
    bool macvtap = false;     // a macvtap link the set created: it outlives its fds, so the
                              // set deletes it (or after exec the keeper) while it carries
                              // this launch's alias
};

using StepLogger = std::function<void(const std::string& line)>;

// The set shares the netlink socket it removes persistent TAPs with, so it can always undo
// itself, whoever else drops the socket first.
class TapSet {
public:
    // Links read through `netlink`, changed through a batch socket of the set's own (opened
    // here: throws HostError).
    TapSet(std::shared_ptr<NetlinkSocket> netlink, StepLogger log);
    // Links read and changed through `links` (a test's fake kernel); none for a set that will
    // hold no persistent TAP.
    TapSet(std::unique_ptr<TapSetLinks> links, StepLogger log);
    TapSet(TapSet&& other) noexcept;
    TapSet& operator=(TapSet&&) = delete;
    TapSet(const TapSet&) = delete;
    TapSet& operator=(const TapSet&) = delete;
    // Removes whatever it still holds (a failed or finished launch leaves nothing behind), and
    // writes to stderr a line for each TAP it could not remove, with the command that does.
    ~TapSet();

    std::vector<ReadyTap>& taps() { return taps_; }
    // Each TAP's real name, in NIC order.
    std::vector<std::string> names() const;
    // Removes every TAP now, logging each; returns one line per TAP it could not remove, or
    // left alone, each with the command that removes it. Persistent TAPs still carrying this
    // launch's alias go in one request where there are several (a link group: the kernel then
    // waits for the network stack once, not once a TAP, about 18 ms each); a TAP that has
    // lost the alias is left alone. What a TAP is deleted for (its alias, the group's members)
    // is checked again right before the request that deletes it.
    [[nodiscard]] std::vector<std::string> remove_all();
    // Also removes the Open vSwitch port rows of the set's TAPs (after their fds are closed),
    // each only while it still carries this launch's owner record.
    //
    // Hands the TAPs to exec_emulator, and lets go of the netlink sockets (their fds may stand
    // where a TAP fd must go). Only for TAPs that vanish with their fds, and macvtaps (which
    // the keeper deletes, handoff/leftover_keeper); throws std::logic_error, the set
    // unchanged, for persistent TAPs.
    [[nodiscard]] std::vector<ReadyTap> release_for_exec();
    // What the set reads and changes links through.
    TapSetLinks& links() { return *links_; }

private:
    // Removes `ours` (persistent TAPs of this set, all still ours in `listed`, the links as
    // just listed) as one link group; returns those it did not remove (all of them, back in
    // group 0, when that cannot be done safely; none on success).
    std::vector<const ReadyTap*> remove_as_group(const std::vector<const ReadyTap*>& ours,
                                                 const std::vector<LinkFacts>& listed);
    // Removes one persistent TAP by its index, if it is still there and still ours (else adds
    // a line to `problems`). Throws HostError when the kernel refuses.
    void remove_one(const ReadyTap& tap, std::vector<std::string>& problems);
    void log_removed(const ReadyTap& tap) const;

    std::unique_ptr<TapSetLinks> links_;  // null once released for exec
    StepLogger log_;
    std::vector<ReadyTap> taps_;
};

// Creates and wires every TAP of the plan, logging each step as it completes. All or
// nothing: on failure the TAPs made so far are removed and HostError says which NIC, device
// and step failed. Persistent TAPs are left without an attached fd, ready for UML to open.
TapSet set_up_taps(const LaunchPlan& plan, std::shared_ptr<NetlinkSocket> netlink,
                   const StepLogger& log);

}  // namespace taplaunch
