#include "host/netlink_socket.hpp"
#include "host/tap_set.hpp"

#include "catch_compat.hpp"

#include <memory>

TEST_CASE("a TapSet keeps the netlink socket it undoes itself with, whoever else lets go")
{
    // Connecting to route netlink needs no privilege.
    auto netlink = std::make_shared<taplaunch::NetlinkSocket>(taplaunch::NetlinkSocket::connect());
    const std::weak_ptr<taplaunch::NetlinkSocket> watch = netlink;
    auto set = std::make_unique<taplaunch::TapSet>(netlink, nullptr);
    netlink.reset();
    CHECK_FALSE(watch.expired());
    CHECK(set->remove_all().empty());
    const std::vector<taplaunch::ReadyTap> handed_on = set->release_for_exec();
    CHECK(handed_on.empty());
    CHECK(watch.expired());  // released: the socket's fd may be reused for a TAP's
    set.reset();
}
