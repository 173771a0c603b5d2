#include "host/link_change.hpp"

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/if_ether.h>

#include <cstring>

namespace taplaunch {

namespace {

// A netlink message built in place: the header, a fixed part, then attributes, each padded
// to 4 bytes as the kernel reads them. Written by hand rather than with libnl's message API,
// which allocates and clears a page for every message: a launch builds a few per TAP.
class MessageWriter {
public:
    MessageWriter(std::uint16_t type, std::uint16_t flags, std::uint32_t seq)
    {
        nlmsghdr header{};
        header.nlmsg_type = type;
        header.nlmsg_flags = flags;
        header.nlmsg_seq = seq;
        append(&header, sizeof header);
    }

    void append(const void* data, std::size_t size)
    {
        // Inserted, then padded: GCC 16 at -O2 took a memcpy into the resized buffer for one
        // past its end (-Warray-bounds, a false positive: the resize made the room).
        const std::size_t at = bytes_.size();
        const auto* first = static_cast<const unsigned char*>(data);
        bytes_.insert(bytes_.end(), first, first + size);
        bytes_.resize(at + NLMSG_ALIGN(size), 0);
    }

    void put(std::uint16_t type, const void* data, std::size_t size)
    {
        nlattr attribute{};
        attribute.nla_type = type;
        attribute.nla_len = static_cast<std::uint16_t>(NLA_HDRLEN + size);
        append(&attribute, sizeof attribute);
        append(data, size);
    }

    void put_u16(std::uint16_t type, std::uint16_t value) { put(type, &value, sizeof value); }
    void put_u32(std::uint16_t type, std::uint32_t value) { put(type, &value, sizeof value); }
    void put_u8(std::uint16_t type, std::uint8_t value) { put(type, &value, sizeof value); }
    void put_string(std::uint16_t type, const std::string& text)
    {
        put(type, text.c_str(), text.size() + 1);  // with its NUL, as the kernel expects
    }

    // A nested attribute: start() returns where its header is, end() sets its length.
    std::size_t start(std::uint16_t type)
    {
        const std::size_t at = bytes_.size();
        nlattr attribute{};
        attribute.nla_type = static_cast<std::uint16_t>(type | NLA_F_NESTED);  // as libnl sets it
        append(&attribute, sizeof attribute);
        return at;
    }
    void end(std::size_t at)
    {
        const auto length = static_cast<std::uint16_t>(bytes_.size() - at);
        std::memcpy(bytes_.data() + at + offsetof(nlattr, nla_len), &length, sizeof length);
    }

    std::vector<std::uint8_t> finish() &&
    {
        const auto length = static_cast<std::uint32_t>(bytes_.size());
        std::memcpy(bytes_.data() + offsetof(nlmsghdr, nlmsg_len), &length, sizeof length);
        return std::move(bytes_);
    }

private:
    std::vector<std::uint8_t> bytes_;
};

constexpr std::uint16_t create_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;

// tc's name for the lock's filter, as `tc filter show dev TAP ingress` prints it.
constexpr const char* lock_filter_name = "taplaunch-lock";

std::vector<std::uint8_t> encode_clsact(int ifindex, std::uint32_t seq)
{
    MessageWriter request(RTM_NEWQDISC, create_flags, seq);
    tcmsg header{};
    header.tcm_family = AF_UNSPEC;
    header.tcm_ifindex = ifindex;
    header.tcm_handle = TC_H_MAKE(TC_H_CLSACT, 0);
    header.tcm_parent = TC_H_CLSACT;
    request.append(&header, sizeof header);
    request.put_string(TCA_KIND, "clsact");
    return std::move(request).finish();
}

std::vector<std::uint8_t> encode_ingress_filter(int ifindex,
                                                const std::vector<BpfInstruction>& program,
                                                std::uint32_t seq)
{
    MessageWriter request(RTM_NEWTFILTER, create_flags, seq);
    tcmsg header{};
    header.tcm_family = AF_UNSPEC;
    header.tcm_ifindex = ifindex;
    header.tcm_handle = 1;
    header.tcm_parent = TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS);
    // Priority 1, every protocol (ETH_P_ALL in network order).
    header.tcm_info = TC_H_MAKE(1U << 16, htons(ETH_P_ALL));
    request.append(&header, sizeof header);
    request.put_string(TCA_KIND, "bpf");
    const std::size_t options = request.start(TCA_OPTIONS);
    request.put_u16(TCA_BPF_OPS_LEN, static_cast<std::uint16_t>(program.size()));
    static_assert(sizeof(BpfInstruction) == 8, "laid out as struct sock_filter");
    request.put(TCA_BPF_OPS, program.data(), program.size() * sizeof(BpfInstruction));
    request.put_string(TCA_BPF_NAME, lock_filter_name);
    request.put_u32(TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
    request.end(options);
    return std::move(request).finish();
}

std::vector<std::uint8_t> encode_pinned_mac(int ifindex, const MacAddress& mac, std::uint32_t seq)
{
    MessageWriter request(RTM_NEWNEIGH, create_flags, seq);
    ndmsg header{};
    header.ndm_family = AF_BRIDGE;
    header.ndm_ifindex = ifindex;
    header.ndm_state = NUD_NOARP;  // static: not aged, not the bridge's own
    header.ndm_flags = NTF_MASTER;
    request.append(&header, sizeof header);
    request.put(NDA_LLADDR, mac.bytes().data(), mac.bytes().size());
    return std::move(request).finish();
}

std::uint32_t macvlan_mode(MacvtapMode mode)
{
    switch (mode) {
    case MacvtapMode::bridge:
        return MACVLAN_MODE_BRIDGE;
    case MacvtapMode::vepa:
        return MACVLAN_MODE_VEPA;
    case MacvtapMode::private_mode:
        return MACVLAN_MODE_PRIVATE;
    case MacvtapMode::passthru:
        return MACVLAN_MODE_PASSTHRU;
    }
    return MACVLAN_MODE_BRIDGE;
}

std::vector<std::uint8_t> encode_macvtap(const MacvtapCreation& macvtap, std::uint32_t seq)
{
    MessageWriter request(RTM_NEWLINK, create_flags, seq);
    ifinfomsg header{};
    header.ifi_family = AF_UNSPEC;
    request.append(&header, sizeof header);
    request.put_string(IFLA_IFNAME, macvtap.name);
    request.put_u32(IFLA_LINK, static_cast<std::uint32_t>(macvtap.lower_ifindex));
    request.put(IFLA_ADDRESS, macvtap.mac.bytes().data(), macvtap.mac.bytes().size());
    if (macvtap.mtu != 0) {
        request.put_u32(IFLA_MTU, macvtap.mtu);
    }
    const std::size_t link_info = request.start(IFLA_LINKINFO);
    request.put_string(IFLA_INFO_KIND, "macvtap");
    const std::size_t data = request.start(IFLA_INFO_DATA);
    request.put_u32(IFLA_MACVLAN_MODE, macvlan_mode(macvtap.mode));
    request.end(data);
    request.end(link_info);
    return std::move(request).finish();
}

}  // namespace

std::vector<std::uint8_t> encode_link_change(const LinkChange& change, std::uint32_t seq)
{
    if (change.create_macvtap) {
        return encode_macvtap(*change.create_macvtap, seq);
    }
    if (change.add_clsact) {
        return encode_clsact(change.ifindex, seq);
    }
    if (change.ingress_filter) {
        return encode_ingress_filter(change.ifindex, *change.ingress_filter, seq);
    }
    if (change.pinned_mac) {
        return encode_pinned_mac(change.ifindex, *change.pinned_mac, seq);
    }
    MessageWriter request(change.remove ? RTM_DELLINK : RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK,
                          seq);
    ifinfomsg header{};
    header.ifi_family = AF_UNSPEC;
    header.ifi_index = change.ifindex;
    if (change.up) {
        header.ifi_flags = IFF_UP;
        header.ifi_change = IFF_UP;
    }
    request.append(&header, sizeof header);
    if (change.mac) {
        request.put(IFLA_ADDRESS, change.mac->bytes().data(), change.mac->bytes().size());
    }
    if (change.mtu) {
        request.put_u32(IFLA_MTU, *change.mtu);
    }
    if (change.alias) {
        request.put_string(IFLA_IFALIAS, *change.alias);
    }
    if (change.master) {
        request.put_u32(IFLA_MASTER, static_cast<std::uint32_t>(*change.master));
    }
    if (change.group) {
        request.put_u32(IFLA_GROUP, *change.group);
    }
    if (change.port_isolated || change.port_lock) {
        const std::size_t link_info = request.start(IFLA_LINKINFO);
        request.put_string(IFLA_INFO_SLAVE_KIND, "bridge");
        const std::size_t slave_data = request.start(IFLA_INFO_SLAVE_DATA);
        if (change.port_isolated) {
            request.put_u8(IFLA_BRPORT_ISOLATED, *change.port_isolated ? 1 : 0);
        }
        if (change.port_lock) {
            request.put_u8(IFLA_BRPORT_LOCKED, 1);
            request.put_u8(IFLA_BRPORT_LEARNING, 0);
            request.put_u8(IFLA_BRPORT_UNICAST_FLOOD, 0);
        }
        request.end(slave_data);
        request.end(link_info);
    }
    return std::move(request).finish();
}

}  // namespace taplaunch
