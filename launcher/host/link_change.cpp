#include "host/link_change.hpp"

#include "launch_error.hpp"

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <memory>

namespace taplaunch {

namespace {

struct MessageDeleter {
    void operator()(nl_msg* message) const { nlmsg_free(message); }
};

}  // namespace

std::vector<std::uint8_t> encode_link_change(const LinkChange& change, std::uint32_t seq)
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
    bool built = request && nlmsg_append(request, &header, sizeof header, NLMSG_ALIGNTO) == 0;
    if (built && change.mac) {
        built = nla_put(request, IFLA_ADDRESS, static_cast<int>(change.mac->bytes().size()),
                        change.mac->bytes().data()) == 0;
    }
    if (built && change.mtu) {
        built = nla_put_u32(request, IFLA_MTU, *change.mtu) == 0;
    }
    if (built && change.alias) {
        built = nla_put_string(request, IFLA_IFALIAS, change.alias->c_str()) == 0;
    }
    if (built && change.master) {
        built = nla_put_u32(request, IFLA_MASTER, static_cast<std::uint32_t>(*change.master)) == 0;
    }
    if (built && change.group) {
        built = nla_put_u32(request, IFLA_GROUP, *change.group) == 0;
    }
    if (built && change.port_isolated) {
        nlattr* link_info = nla_nest_start(request, IFLA_LINKINFO);
        built = link_info && nla_put_string(request, IFLA_INFO_SLAVE_KIND, "bridge") == 0;
        nlattr* slave_data = built ? nla_nest_start(request, IFLA_INFO_SLAVE_DATA) : nullptr;
        built = slave_data &&
                nla_put_u8(request, IFLA_BRPORT_ISOLATED, *change.port_isolated ? 1 : 0) == 0 &&
                nla_nest_end(request, slave_data) == 0 && nla_nest_end(request, link_info) == 0;
    }
    if (!built) {
        throw HostError("out of memory building a netlink request");
    }
    nlmsghdr* raw = nlmsg_hdr(request);
    raw->nlmsg_seq = seq;
    raw->nlmsg_pid = 0;
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(raw);
    return std::vector<std::uint8_t>(bytes, bytes + NLMSG_ALIGN(raw->nlmsg_len));
}

}  // namespace taplaunch
