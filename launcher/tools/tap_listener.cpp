#include "tools/tap_listener.hpp"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>

namespace taplaunch {

namespace {

std::uint16_t read16(const std::uint8_t* bytes)
{
    return static_cast<std::uint16_t>(bytes[0] << 8 | bytes[1]);
}

std::string mac_text(const std::uint8_t* bytes)
{
    MacAddress::Bytes mac{};
    std::copy(bytes, bytes + 6, mac.begin());
    return MacAddress(mac).to_string();
}

std::optional<std::string> usable_ipv4(const std::uint8_t* bytes)
{
    if ((bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0 && bytes[3] == 0) || bytes[0] >= 224) {
        return std::nullopt;  // unspecified (a DHCP request, an ARP probe), multicast, broadcast
    }
    char text[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, bytes, text, sizeof text);
    return std::string(text);
}

std::optional<std::string> usable_ipv6(const std::uint8_t* bytes)
{
    static constexpr std::array<std::uint8_t, 16> unspecified{};
    if (std::equal(bytes, bytes + 16, unspecified.begin()) || bytes[0] == 0xff ||
        (bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80)) {
        return std::nullopt;  // unspecified (DAD), multicast, link-local
    }
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET6, bytes, text, sizeof text);
    return std::string(text);
}

}  // namespace

void add_frame_addresses(const std::uint8_t* frame, std::size_t length, AddressesByMac& seen)
{
    constexpr std::size_t ethernet_header = 14;
    if (length < ethernet_header) {
        return;
    }
    const std::uint8_t* source_mac = frame + 6;
    if (source_mac[0] & 0x01) {
        return;  // a multicast source is no guest's
    }
    const std::uint16_t type = read16(frame + 12);
    const std::uint8_t* payload = frame + ethernet_header;
    const std::size_t payload_length = length - ethernet_header;
    std::optional<std::string> ipv4;
    std::optional<std::string> ipv6;
    if (type == ETH_P_ARP && payload_length >= 28 && read16(payload + 2) == ETH_P_IP &&
        payload[4] == 6 && payload[5] == 4) {
        ipv4 = usable_ipv4(payload + 14);  // the sender's protocol address
    } else if (type == ETH_P_IP && payload_length >= 20 && (payload[0] >> 4) == 4) {
        ipv4 = usable_ipv4(payload + 12);
    } else if (type == ETH_P_IPV6 && payload_length >= 40 && (payload[0] >> 4) == 6) {
        ipv6 = usable_ipv6(payload + 8);
    }
    if (!ipv4 && !ipv6) {
        return;
    }
    SeenAddresses& addresses = seen[mac_text(source_mac)];
    if (ipv4) {
        addresses.ipv4 = ipv4;
    }
    if (ipv6) {
        addresses.ipv6 = ipv6;
    }
}

std::optional<TapListener> TapListener::open(int ifindex)
{
    UniqueFd socket(::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL)));
    if (!socket.valid()) {
        return std::nullopt;
    }
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = ifindex;
    if (::bind(socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        return std::nullopt;
    }
    return TapListener(std::move(socket));
}

void TapListener::drain(AddressesByMac& seen) const
{
    std::array<std::uint8_t, 2048> frame{};
    sockaddr_ll from{};
    while (true) {
        socklen_t from_length = sizeof from;
        const ssize_t got = ::recvfrom(socket_.get(), frame.data(), frame.size(), MSG_TRUNC,
                                       reinterpret_cast<sockaddr*>(&from), &from_length);
        if (got < 0) {
            return;
        }
        // What the guest sent arrives on the TAP; what the bridge sends the guest leaves by it.
        if (from.sll_pkttype != PACKET_OUTGOING) {
            add_frame_addresses(frame.data(), std::min(static_cast<std::size_t>(got), frame.size()), seen);
        }
    }
}

}  // namespace taplaunch
