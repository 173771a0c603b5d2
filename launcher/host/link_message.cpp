#include "host/link_message.hpp"

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>

#include <algorithm>
#include <iterator>

namespace taplaunch {

namespace {

std::string string_of(nlattr* attribute)
{
    return attribute ? std::string(nla_get_string(attribute)) : std::string();
}

unsigned u32_of(nlattr* attribute)
{
    return attribute ? nla_get_u32(attribute) : 0;
}

std::optional<unsigned> optional_u32(nlattr* attribute)
{
    return attribute ? std::optional<unsigned>(nla_get_u32(attribute)) : std::nullopt;
}

std::optional<unsigned> optional_u8(nlattr* attribute)
{
    return attribute ? std::optional<unsigned>(nla_get_u8(attribute)) : std::nullopt;
}

std::optional<bool> optional_flag(nlattr* attribute)
{
    return attribute ? std::optional<bool>(nla_get_u8(attribute) != 0) : std::nullopt;
}

std::string operstate_name(unsigned state)
{
    // RFC 2863 states, as ip(8) names them.
    static const char* const names[] = {"unknown", "notpresent", "down", "lowerlayerdown",
                                        "testing", "dormant",    "up"};
    return state < std::size(names) ? names[state] : "state " + std::to_string(state);
}

BridgeSettings bridge_settings(nlattr* data)
{
    nlattr* attributes[IFLA_BR_MAX + 1] = {};
    BridgeSettings settings;
    if (!data || nla_parse_nested(attributes, IFLA_BR_MAX, data, nullptr) != 0) {
        return settings;
    }
    settings.stp_state = optional_u32(attributes[IFLA_BR_STP_STATE]);
    settings.forward_delay = optional_u32(attributes[IFLA_BR_FORWARD_DELAY]);
    settings.nf_call_iptables = optional_flag(attributes[IFLA_BR_NF_CALL_IPTABLES]);
    settings.nf_call_ip6tables = optional_flag(attributes[IFLA_BR_NF_CALL_IP6TABLES]);
    return settings;
}

BridgePortSettings bridge_port_settings(nlattr* data)
{
    nlattr* attributes[IFLA_BRPORT_MAX + 1] = {};
    BridgePortSettings settings;
    if (!data || nla_parse_nested(attributes, IFLA_BRPORT_MAX, data, nullptr) != 0) {
        return settings;
    }
    settings.state = optional_u8(attributes[IFLA_BRPORT_STATE]);
    return settings;
}

// The flags taplaunch sets from a bridge port's slave data (isolated, locked, learning,
// unicast flood), each where the kernel reports it.
void read_bridge_port_flags(nlattr* const* info_attributes, LinkFacts& link)
{
    nlattr* slave_data = info_attributes[IFLA_INFO_SLAVE_DATA];
    if (string_of(info_attributes[IFLA_INFO_SLAVE_KIND]) != "bridge" || !slave_data) {
        return;
    }
    nlattr* port_attributes[IFLA_BRPORT_MAX + 1] = {};
    if (nla_parse_nested(port_attributes, IFLA_BRPORT_MAX, slave_data, nullptr) != 0) {
        return;
    }
    const auto flag = [&](int type) -> std::optional<bool> {
        if (!port_attributes[type]) {
            return std::nullopt;
        }
        return nla_get_u8(port_attributes[type]) != 0;
    };
    link.port_isolated = flag(IFLA_BRPORT_ISOLATED);
    link.port_locked = flag(IFLA_BRPORT_LOCKED);
    link.port_learning = flag(IFLA_BRPORT_LEARNING);
    link.port_unicast_flood = flag(IFLA_BRPORT_UNICAST_FLOOD);
}

}  // namespace

std::optional<LinkDetails> parse_link_details(nlmsghdr* message)
{
    auto link = parse_link_message(message);
    if (!link) {
        return std::nullopt;
    }
    LinkDetails details;
    details.link = std::move(*link);
    nlattr* attributes[IFLA_MAX + 1] = {};
    if (nlmsg_parse(message, sizeof(ifinfomsg), attributes, IFLA_MAX, nullptr) < 0) {
        return std::nullopt;
    }
    if (nlattr* operstate = attributes[IFLA_OPERSTATE]) {
        details.operstate = operstate_name(nla_get_u8(operstate));
    }
    nlattr* info_attributes[IFLA_INFO_MAX + 1] = {};
    if (nlattr* info = attributes[IFLA_LINKINFO];
        info && nla_parse_nested(info_attributes, IFLA_INFO_MAX, info, nullptr) == 0) {
        if (details.link.kind == "bridge") {
            details.bridge = bridge_settings(info_attributes[IFLA_INFO_DATA]);
        }
        if (string_of(info_attributes[IFLA_INFO_SLAVE_KIND]) == "bridge") {
            details.port = bridge_port_settings(info_attributes[IFLA_INFO_SLAVE_DATA]);
            details.port->isolated = details.link.port_isolated;
        }
    }
    return details;
}

std::optional<LinkFacts> parse_link_message(nlmsghdr* message)
{
    if (message->nlmsg_type != RTM_NEWLINK) {
        return std::nullopt;
    }
    nlattr* attributes[IFLA_MAX + 1] = {};
    if (nlmsg_parse(message, sizeof(ifinfomsg), attributes, IFLA_MAX, nullptr) < 0) {
        return std::nullopt;
    }
    const auto* header = static_cast<const ifinfomsg*>(nlmsg_data(message));
    LinkFacts link;
    link.ifindex = header->ifi_index;
    link.up = (header->ifi_flags & IFF_UP) != 0;
    link.name = string_of(attributes[IFLA_IFNAME]);
    link.alias = string_of(attributes[IFLA_IFALIAS]);
    link.mtu = u32_of(attributes[IFLA_MTU]);
    link.min_mtu = u32_of(attributes[IFLA_MIN_MTU]);
    link.max_mtu = u32_of(attributes[IFLA_MAX_MTU]);
    link.master_ifindex = static_cast<int>(u32_of(attributes[IFLA_MASTER]));
    link.group = u32_of(attributes[IFLA_GROUP]);
    link.lower_ifindex = static_cast<int>(u32_of(attributes[IFLA_LINK]));
    if (nlattr* address = attributes[IFLA_ADDRESS]; address && nla_len(address) == 6) {
        MacAddress::Bytes bytes{};
        const auto* data = static_cast<const std::uint8_t*>(nla_data(address));
        std::copy(data, data + bytes.size(), bytes.begin());
        link.mac = MacAddress(bytes);
    }
    if (nlattr* info = attributes[IFLA_LINKINFO]) {
        nlattr* info_attributes[IFLA_INFO_MAX + 1] = {};
        if (nla_parse_nested(info_attributes, IFLA_INFO_MAX, info, nullptr) == 0) {
            link.kind = string_of(info_attributes[IFLA_INFO_KIND]);
            read_bridge_port_flags(info_attributes, link);
            // A TAP's owner, where it has one (the kernel sends IFLA_TUN_OWNER only then).
            if (link.kind == "tun" && info_attributes[IFLA_INFO_DATA]) {
                nlattr* tun_attributes[IFLA_TUN_MAX + 1] = {};
                if (nla_parse_nested(tun_attributes, IFLA_TUN_MAX, info_attributes[IFLA_INFO_DATA],
                                     nullptr) == 0 &&
                    tun_attributes[IFLA_TUN_OWNER] &&
                    nla_len(tun_attributes[IFLA_TUN_OWNER]) >= 4) {
                    link.tun_owner = nla_get_u32(tun_attributes[IFLA_TUN_OWNER]);
                }
            }
            if (link.kind == "macvtap" && info_attributes[IFLA_INFO_DATA]) {
                nlattr* macvlan_attributes[IFLA_MACVLAN_MAX + 1] = {};
                if (nla_parse_nested(macvlan_attributes, IFLA_MACVLAN_MAX,
                                     info_attributes[IFLA_INFO_DATA], nullptr) == 0 &&
                    macvlan_attributes[IFLA_MACVLAN_MODE] &&
                    nla_len(macvlan_attributes[IFLA_MACVLAN_MODE]) >= 4) {
                    link.macvlan_mode = nla_get_u32(macvlan_attributes[IFLA_MACVLAN_MODE]);
                }
            }
        }
    }
    return link;
}

}  // namespace taplaunch
