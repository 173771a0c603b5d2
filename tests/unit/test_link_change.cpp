// encode_link_change builds its requests by hand; libnl's message API, which the kernel's
// replies have been checked against for years, is the reference: the bytes must be the same.
#include "host/link_change.hpp"

#include "catch_compat.hpp"

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <memory>
#include <vector>

using taplaunch::LinkChange;
using taplaunch::MacAddress;

namespace {

struct MessageDeleter {
    void operator()(nl_msg* message) const { nlmsg_free(message); }
};

std::vector<std::uint8_t> encoded_by_libnl(const LinkChange& change, std::uint32_t seq)
{
    const std::unique_ptr<nl_msg, MessageDeleter> message(
        nlmsg_alloc_simple(change.remove ? RTM_DELLINK : RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK));
    nl_msg* request = message.get();
    ifinfomsg header{};
    header.ifi_family = AF_UNSPEC;
    header.ifi_index = change.ifindex;
    if (change.up) {
        header.ifi_flags = IFF_UP;
        header.ifi_change = IFF_UP;
    }
    REQUIRE(nlmsg_append(request, &header, sizeof header, NLMSG_ALIGNTO) == 0);
    if (change.mac) {
        REQUIRE(nla_put(request, IFLA_ADDRESS, 6, change.mac->bytes().data()) == 0);
    }
    if (change.mtu) {
        REQUIRE(nla_put_u32(request, IFLA_MTU, *change.mtu) == 0);
    }
    if (change.alias) {
        REQUIRE(nla_put_string(request, IFLA_IFALIAS, change.alias->c_str()) == 0);
    }
    if (change.master) {
        REQUIRE(nla_put_u32(request, IFLA_MASTER, static_cast<std::uint32_t>(*change.master)) == 0);
    }
    if (change.group) {
        REQUIRE(nla_put_u32(request, IFLA_GROUP, *change.group) == 0);
    }
    if (change.port_isolated) {
        nlattr* link_info = nla_nest_start(request, IFLA_LINKINFO);
        REQUIRE(nla_put_string(request, IFLA_INFO_SLAVE_KIND, "bridge") == 0);
        nlattr* slave_data = nla_nest_start(request, IFLA_INFO_SLAVE_DATA);
        REQUIRE(nla_put_u8(request, IFLA_BRPORT_ISOLATED, *change.port_isolated ? 1 : 0) == 0);
        nla_nest_end(request, slave_data);
        nla_nest_end(request, link_info);
    }
    nlmsghdr* raw = nlmsg_hdr(request);
    raw->nlmsg_seq = seq;
    raw->nlmsg_pid = 0;
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(raw);
    return {bytes, bytes + NLMSG_ALIGN(raw->nlmsg_len)};
}

LinkChange with_index(int ifindex)
{
    LinkChange change;
    change.ifindex = ifindex;
    return change;
}

}  // namespace

TEST_CASE("encode_link_change gives the bytes libnl gives for each kind of change")
{
    const MacAddress mac = *MacAddress::parse("fe:54:00:12:34:56");
    std::vector<std::pair<const char*, LinkChange>> cases;
    LinkChange mac_mtu_alias = with_index(7);
    mac_mtu_alias.mac = mac;
    mac_mtu_alias.mtu = 9000;
    mac_mtu_alias.alias = "taplaunch pid=1 start=2 guest=web mac=52:54:00:12:34:56 uid=0";
    cases.emplace_back("MAC, MTU and owner record", mac_mtu_alias);
    LinkChange odd_alias = with_index(7);
    odd_alias.alias = "abc";  // 4 bytes with its NUL: no padding
    cases.emplace_back("an alias that needs no padding", odd_alias);
    LinkChange attach = with_index(8);
    attach.master = 3;
    cases.emplace_back("attach", attach);
    LinkChange isolate = with_index(8);
    isolate.port_isolated = true;
    cases.emplace_back("port isolated", isolate);
    LinkChange not_isolated = with_index(8);
    not_isolated.port_isolated = false;
    cases.emplace_back("port not isolated", not_isolated);
    LinkChange up = with_index(9);
    up.up = true;
    cases.emplace_back("up", up);
    LinkChange into_group = with_index(9);
    into_group.group = 0x12345678;
    cases.emplace_back("into a link group", into_group);
    LinkChange remove_group;
    remove_group.remove = true;
    remove_group.group = 0x12345678;
    cases.emplace_back("delete a link group", remove_group);
    LinkChange remove_one = with_index(10);
    remove_one.remove = true;
    cases.emplace_back("delete one link", remove_one);

    for (const auto& [name, change] : cases) {
        INFO(name);
        const std::vector<std::uint8_t> ours = taplaunch::encode_link_change(change, 4242);
        CHECK(ours == encoded_by_libnl(change, 4242));
        CHECK(ours.size() % 4 == 0);
    }
}

TEST_CASE("encode_link_change creates a macvtap as libnl's message would")
{
    taplaunch::MacvtapCreation macvtap;
    macvtap.name = "macvtap3";
    macvtap.lower_ifindex = 5;
    macvtap.mode = taplaunch::MacvtapMode::private_mode;
    macvtap.mac = *MacAddress::parse("52:54:00:12:34:56");
    macvtap.mtu = 1400;
    LinkChange change;
    change.create_macvtap = macvtap;

    const std::unique_ptr<nl_msg, MessageDeleter> message(nlmsg_alloc_simple(
        RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL));
    nl_msg* request = message.get();
    ifinfomsg header{};
    header.ifi_family = AF_UNSPEC;
    REQUIRE(nlmsg_append(request, &header, sizeof header, NLMSG_ALIGNTO) == 0);
    REQUIRE(nla_put_string(request, IFLA_IFNAME, "macvtap3") == 0);
    REQUIRE(nla_put_u32(request, IFLA_LINK, 5) == 0);
    REQUIRE(nla_put(request, IFLA_ADDRESS, 6, macvtap.mac.bytes().data()) == 0);
    REQUIRE(nla_put_u32(request, IFLA_MTU, 1400) == 0);
    nlattr* link_info = nla_nest_start(request, IFLA_LINKINFO);
    REQUIRE(nla_put_string(request, IFLA_INFO_KIND, "macvtap") == 0);
    nlattr* data = nla_nest_start(request, IFLA_INFO_DATA);
    REQUIRE(nla_put_u32(request, IFLA_MACVLAN_MODE, MACVLAN_MODE_PRIVATE) == 0);
    nla_nest_end(request, data);
    nla_nest_end(request, link_info);
    nlmsghdr* raw = nlmsg_hdr(request);
    raw->nlmsg_seq = 77;
    raw->nlmsg_pid = 0;
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(raw);
    const std::vector<std::uint8_t> libnl(bytes, bytes + NLMSG_ALIGN(raw->nlmsg_len));
    CHECK(taplaunch::encode_link_change(change, 77) == libnl);
}
