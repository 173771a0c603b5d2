#include "host/link_message.hpp"

#include "catch_compat.hpp"

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <memory>
#include <optional>

namespace {

struct MessageDeleter {
    void operator()(nl_msg* message) const { nlmsg_free(message); }
};
using MessagePtr = std::unique_ptr<nl_msg, MessageDeleter>;

// An RTM_NEWLINK message for link 7 as the kernel reports a device; `slave_kind` and
// `isolated` give it bridge-port slave data (none when empty / nullopt).
MessagePtr link_message(const char* slave_kind, std::optional<std::uint8_t> isolated)
{
    MessagePtr message(nlmsg_alloc_simple(RTM_NEWLINK, 0));
    REQUIRE(message);
    ifinfomsg header{};
    header.ifi_family = AF_UNSPEC;
    header.ifi_index = 7;
    REQUIRE(nlmsg_append(message.get(), &header, sizeof header, NLMSG_ALIGNTO) == 0);
    REQUIRE(nla_put_string(message.get(), IFLA_IFNAME, "tap7") == 0);
    nlattr* info = nla_nest_start(message.get(), IFLA_LINKINFO);
    REQUIRE(info);
    REQUIRE(nla_put_string(message.get(), IFLA_INFO_KIND, "tun") == 0);
    if (*slave_kind) {
        REQUIRE(nla_put_string(message.get(), IFLA_INFO_SLAVE_KIND, slave_kind) == 0);
        nlattr* data = nla_nest_start(message.get(), IFLA_INFO_SLAVE_DATA);
        REQUIRE(data);
        REQUIRE(nla_put_u16(message.get(), IFLA_BRPORT_PRIORITY, 32) == 0);
        if (isolated) {
            REQUIRE(nla_put_u8(message.get(), IFLA_BRPORT_ISOLATED, *isolated) == 0);
        }
        nla_nest_end(message.get(), data);
    }
    nla_nest_end(message.get(), info);
    return message;
}

}  // namespace

TEST_CASE("parse_link_message reads a bridge port's isolated flag from its slave data")
{
    const auto isolated = taplaunch::parse_link_message(nlmsg_hdr(link_message("bridge", 1).get()));
    REQUIRE(isolated);
    CHECK(isolated->name == "tap7");
    CHECK(isolated->kind == "tun");
    CHECK(isolated->port_isolated == std::optional<bool>(true));

    const auto open = taplaunch::parse_link_message(nlmsg_hdr(link_message("bridge", 0).get()));
    REQUIRE(open);
    CHECK(open->port_isolated == std::optional<bool>(false));
}

TEST_CASE("parse_link_message knows no isolated flag where the kernel reports none")
{
    // Not a port at all; a port of a kernel without port isolation; a port of another master.
    using Case = std::pair<const char*, std::optional<std::uint8_t>>;
    for (const auto& [kind, flag] : {Case{"", std::nullopt}, Case{"bridge", std::nullopt},
                                     Case{"bond", 1}}) {
        INFO(kind);
        const auto link = taplaunch::parse_link_message(nlmsg_hdr(link_message(kind, flag).get()));
        REQUIRE(link);
        CHECK_FALSE(link->port_isolated);
    }
}
