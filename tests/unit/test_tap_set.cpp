// TapSet's teardown against a fake kernel (fake_tap_set_links.hpp): what it removes, in which
// requests, and what it leaves alone. host.supervise and host.failures_roll_back show the same
// on a real kernel.
#include "host/netlink_socket.hpp"
#include "host/tap_set.hpp"

#include "catch_compat.hpp"
#include "fake_tap_set_links.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <memory>

using test_matchers::Contains;

namespace {

constexpr const char* our_alias = "taplaunch pid=4242 start=987654 guest=web";

// Catches what this process writes to stderr (fd 2) while it lives.
class StderrCapture {
public:
    StderrCapture()
        : file_(::memfd_create("stderr", MFD_CLOEXEC)), saved_(::fcntl(2, F_DUPFD_CLOEXEC, 3))
    {
        REQUIRE(file_.valid());
        REQUIRE(saved_.valid());
        REQUIRE(::dup2(file_.get(), 2) == 2);
    }
    ~StderrCapture() { ::dup2(saved_.get(), 2); }
    StderrCapture(const StderrCapture&) = delete;
    StderrCapture& operator=(const StderrCapture&) = delete;

    std::string text() const
    {
        std::string text;
        char buffer[4096];
        for (off_t at = 0;;) {
            const ssize_t got = ::pread(file_.get(), buffer, sizeof buffer, at);
            if (got <= 0) {
                return text;
            }
            text.append(buffer, static_cast<std::size_t>(got));
            at += got;
        }
    }

private:
    taplaunch::UniqueFd file_;
    taplaunch::UniqueFd saved_;
};

// TAP plans for the set, and the fake kernel it talks to, which outlives the set.
struct Teardown {
    std::deque<taplaunch::TapPlan> plans;  // stable addresses: ReadyTap points at its plan
    FakeTapSetLinks kernel;
    std::vector<std::string> log;

    Teardown() { kernel.add(1, "br0", "bridge"); }

    // A persistent TAP as set_up_taps leaves it: in the kernel, with this launch's alias.
    taplaunch::ReadyTap persistent_tap(int ifindex, const std::string& name)
    {
        kernel.add(ifindex, name, "tun", our_alias);
        taplaunch::TapPlan& plan = plans.emplace_back();
        plan.nic_index = plans.size() - 1;
        plan.persistent = true;
        plan.owner_alias = our_alias;
        taplaunch::ReadyTap tap;
        tap.plan = &plan;
        tap.ifname = name;
        tap.ifindex = ifindex;
        tap.persistent = true;
        return tap;
    }

    std::unique_ptr<taplaunch::TapSet> make_set(std::vector<taplaunch::ReadyTap> taps)
    {
        auto set = std::make_unique<taplaunch::TapSet>(
            kernel.handle(), [this](const std::string& line) { log.push_back(line); });
        for (taplaunch::ReadyTap& tap : taps) {
            set->taps().push_back(std::move(tap));
        }
        return set;
    }
};

}  // namespace

TEST_CASE("a TapSet keeps the netlink socket it undoes itself with, whoever else lets go")
{
    // Connecting to route netlink needs no privilege.
    auto netlink = std::make_shared<taplaunch::NetlinkSocket>(taplaunch::NetlinkSocket::connect());
    const std::weak_ptr<taplaunch::NetlinkSocket> watch = netlink;
    auto set = std::make_unique<taplaunch::TapSet>(netlink, nullptr);
    netlink.reset();
    CHECK_FALSE(watch.expired());
    const std::vector<taplaunch::ReadyTap> handed_on = set->release_for_exec();
    CHECK(handed_on.empty());
    CHECK(watch.expired());  // released: the socket's fd may be reused for a TAP's
    set.reset();
}

TEST_CASE("a TapSet that goes away undoes what it holds: fds closed, persistent TAPs deleted")
{
    Teardown teardown;
    FakeTapSetLinks& kernel = teardown.kernel;
    kernel.add(2, "uplink0", "veth");
    int pipe_fds[2];
    REQUIRE(::pipe2(pipe_fds, O_CLOEXEC) == 0);
    const taplaunch::UniqueFd read_end(pipe_fds[0]);
    taplaunch::ReadyTap plain;  // a TAP that is not persistent goes with its fd
    taplaunch::TapPlan plain_plan;
    plain.plan = &plain_plan;
    plain.ifname = "tap9";
    plain.queue_fds.emplace_back(pipe_fds[1]);
    std::vector<taplaunch::ReadyTap> taps;
    taps.push_back(std::move(plain));
    taps.push_back(teardown.persistent_tap(10, "uml0"));
    taps.push_back(teardown.persistent_tap(11, "uml1"));
    taps.push_back(teardown.persistent_tap(12, "uml2"));
    auto set = teardown.make_set(std::move(taps));
    set.reset();

    char byte = 0;
    CHECK(::read(read_end.get(), &byte, 1) == 0);  // end of file: the set closed the fd
    CHECK_FALSE(kernel.links.contains(10));
    CHECK_FALSE(kernel.links.contains(11));
    CHECK_FALSE(kernel.links.contains(12));
    CHECK(kernel.links.contains(1));
    CHECK(kernel.links.contains(2));
    // All three in one group of their own, deleted with one request, in reverse order.
    REQUIRE(kernel.requests.size() == 4);
    const unsigned group = kernel.requests[0].group.value_or(0);
    CHECK(group != 0);
    CHECK(kernel.requests[0].ifindex == 12);
    CHECK(kernel.requests[1].ifindex == 11);
    CHECK(kernel.requests[2].ifindex == 10);
    CHECK(kernel.deletions() == std::vector<std::string>{"group " + std::to_string(group)});
    CHECK(teardown.log == std::vector<std::string>{"nic 2: removed uml2", "nic 1: removed uml1",
                                                   "nic 0: removed uml0"});
}

TEST_CASE("a TapSet deletes a single persistent TAP by its index")
{
    Teardown teardown;
    auto set = teardown.make_set([&] {
        std::vector<taplaunch::ReadyTap> taps;
        taps.push_back(teardown.persistent_tap(10, "uml0"));
        return taps;
    }());
    CHECK(set->remove_all().empty());
    CHECK(teardown.kernel.deletions() == std::vector<std::string>{"10"});
    CHECK_FALSE(teardown.kernel.links.contains(10));
}

TEST_CASE("a TapSet leaves alone a TAP that no longer carries its alias, and says so")
{
    Teardown teardown;
    std::vector<taplaunch::ReadyTap> taps;
    taps.push_back(teardown.persistent_tap(10, "uml0"));
    taps.push_back(teardown.persistent_tap(11, "uml1"));
    taps.push_back(teardown.persistent_tap(12, "uml2"));
    teardown.kernel.links[11].alias = "adopted by someone else";
    auto set = teardown.make_set(std::move(taps));
    const std::vector<std::string> problems = set->remove_all();
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0], Contains("uml1"));
    CHECK(teardown.kernel.links.contains(11));
    CHECK(teardown.kernel.links[11].group == 0);
    CHECK_FALSE(teardown.kernel.links.contains(10));
    CHECK_FALSE(teardown.kernel.links.contains(12));
}

TEST_CASE("a TapSet deletes its group only when the group holds exactly its TAPs")
{
    Teardown teardown;
    FakeTapSetLinks& kernel = teardown.kernel;
    kernel.add(2, "intruder0", "veth");
    // Another process puts a link into the set's new group right after the set moved its TAPs
    // there.
    kernel.after_apply = [](FakeTapSetLinks& links) {
        const auto tap = links.links.find(10);
        if (tap != links.links.end() && tap->second.group != 0 && links.links.at(2).group == 0) {
            links.links.at(2).group = tap->second.group;
        }
    };
    std::vector<taplaunch::ReadyTap> taps;
    taps.push_back(teardown.persistent_tap(10, "uml0"));
    taps.push_back(teardown.persistent_tap(11, "uml1"));
    auto set = teardown.make_set(std::move(taps));
    CHECK(set->remove_all().empty());
    // The group was not deleted: the TAPs went back to group 0 and then one by one.
    CHECK(kernel.links.contains(2));
    CHECK(kernel.links[2].group != 0);
    CHECK(kernel.deletions() == std::vector<std::string>{"11", "10"});
    CHECK_FALSE(kernel.links.contains(10));
    CHECK_FALSE(kernel.links.contains(11));
}

TEST_CASE("a TapSet has nothing to do for a TAP that is already gone")
{
    Teardown teardown;
    std::vector<taplaunch::ReadyTap> taps;
    taps.push_back(teardown.persistent_tap(10, "uml0"));
    teardown.kernel.links.erase(10);
    auto set = teardown.make_set(std::move(taps));
    CHECK(set->remove_all().empty());
    CHECK(teardown.kernel.requests.empty());
}

TEST_CASE("a TapSet that cannot remove its persistent TAPs on its way out says so, with the fix")
{
    Teardown teardown;
    teardown.kernel.delete_error = "Device or resource busy";
    std::vector<taplaunch::ReadyTap> taps;
    taps.push_back(teardown.persistent_tap(10, "uml0"));
    taps.push_back(teardown.persistent_tap(11, "uml1"));
    auto set = teardown.make_set(std::move(taps));
    std::string said;
    {
        const StderrCapture capture;
        set.reset();  // as on an error path: nobody reads what remove_all returns
        said = capture.text();
    }
    CHECK_THAT(said, Contains("taplaunch: could not remove uml1: Device or resource busy "
                              "(remove it with: ip link del uml1)\n"));
    CHECK_THAT(said, Contains("taplaunch: could not remove uml0: Device or resource busy "
                              "(remove it with: ip link del uml0)\n"));
    CHECK(std::count(said.begin(), said.end(), '\n') == 2);
    // The failed group deletion gave the TAPs back to group 0: no random group left behind.
    CHECK(teardown.kernel.links[10].group == 0);
    CHECK(teardown.kernel.links[11].group == 0);
}

TEST_CASE("a TapSet checks each TAP's alias again right before the request that deletes it")
{
    Teardown teardown;
    FakeTapSetLinks& kernel = teardown.kernel;
    kernel.add(2, "intruder0", "veth");
    std::vector<taplaunch::ReadyTap> taps;
    taps.push_back(teardown.persistent_tap(10, "uml0"));
    taps.push_back(teardown.persistent_tap(11, "uml1"));
    taps.push_back(teardown.persistent_tap(12, "uml2"));
    bool intruder_joins = false;
    SECTION("the group is deleted at once") {}
    SECTION("the group is refused (a foreign link joined it), so the TAPs go one by one")
    {
        intruder_joins = true;
    }
    // Right after the set has moved its TAPs into a group of their own (and found them its own
    // just before), another process gives uml0 an alias of its own.
    kernel.after_apply = [&](FakeTapSetLinks& links) {
        auto& tap = links.links.at(10);
        if (tap.group != 0 && tap.alias == our_alias) {
            tap.alias = "taplaunch pid=1 start=2 guest=someone-else";
            if (intruder_joins) {
                links.links.at(2).group = tap.group;
            }
        }
    };
    auto set = teardown.make_set(std::move(taps));
    const std::vector<std::string> problems = set->remove_all();
    REQUIRE(kernel.links.contains(10));
    CHECK(kernel.links.at(10).group == 0);
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0], Contains("left uml0 alone"));
    CHECK_THAT(problems[0], Contains("ip link del uml0"));
    CHECK_FALSE(kernel.links.contains(11));
    CHECK_FALSE(kernel.links.contains(12));
    CHECK(kernel.links.contains(2));
    CHECK(kernel.deletions() == std::vector<std::string>{"12", "11"});
}

TEST_CASE("a TapSet deletes its macvtaps while they carry its alias, and hands them to exec")
{
    Teardown teardown;
    const auto macvtap = [&](int ifindex, const std::string& name) {
        teardown.kernel.add(ifindex, name, "macvtap", our_alias);
        taplaunch::TapPlan& plan = teardown.plans.emplace_back();
        plan.nic_index = teardown.plans.size() - 1;
        plan.owner_alias = our_alias;
        taplaunch::ReadyTap tap;
        tap.plan = &plan;
        tap.ifname = name;
        tap.ifindex = ifindex;
        tap.macvtap = true;
        return tap;
    };
    std::vector<taplaunch::ReadyTap> taps;
    taps.push_back(macvtap(20, "macvtap0"));
    taps.push_back(macvtap(21, "macvtap1"));
    teardown.kernel.links[21].alias = "taplaunch pid=1 start=1 guest=later";
    auto set = teardown.make_set(std::move(taps));
    const std::vector<std::string> problems = set->remove_all();
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0], Contains("left macvtap1 alone"));
    CHECK_FALSE(teardown.kernel.links.contains(20));
    CHECK(teardown.kernel.links.contains(21));

    // After exec, the keeper deletes them: release_for_exec hands macvtaps on as it does TAPs.
    Teardown exec;
    std::vector<taplaunch::ReadyTap> exec_taps;
    exec.kernel.add(30, "macvtap0", "macvtap", our_alias);
    taplaunch::TapPlan& plan = exec.plans.emplace_back();
    plan.owner_alias = our_alias;
    taplaunch::ReadyTap tap;
    tap.plan = &plan;
    tap.ifname = "macvtap0";
    tap.ifindex = 30;
    tap.macvtap = true;
    exec_taps.push_back(std::move(tap));
    auto exec_set = exec.make_set(std::move(exec_taps));
    const std::vector<taplaunch::ReadyTap> handed_on = exec_set->release_for_exec();
    REQUIRE(handed_on.size() == 1);
    CHECK(handed_on[0].macvtap);
    exec_set.reset();
    CHECK(exec.kernel.links.contains(30));  // the set no longer deletes it: the keeper will
}
