#include "definition/ip_address.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace taplaunch {

std::optional<IpAddress> IpAddress::parse(std::string_view text)
{
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) {
        return std::nullopt;
    }
    const std::string terminated(text);
    IpAddress address;
    if (::inet_pton(AF_INET, terminated.c_str(), address.bytes_.data()) == 1) {
        address.family_ = Family::ipv4;
        return address;
    }
    if (::inet_pton(AF_INET6, terminated.c_str(), address.bytes_.data()) == 1) {
        address.family_ = Family::ipv6;
        return address;
    }
    return std::nullopt;
}

IpAddress IpAddress::ipv6(const std::array<std::uint8_t, 16>& bytes)
{
    IpAddress address;
    address.family_ = Family::ipv6;
    address.bytes_ = bytes;
    return address;
}

bool IpAddress::is_unspecified() const
{
    return std::all_of(bytes_.begin(), bytes_.end(), [](std::uint8_t byte) { return byte == 0; });
}

bool IpAddress::is_multicast() const
{
    return family_ == Family::ipv4 ? (bytes_[0] & 0xf0) == 0xe0 : bytes_[0] == 0xff;
}

std::string IpAddress::to_string() const
{
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(family_ == Family::ipv4 ? AF_INET : AF_INET6, bytes_.data(), text, sizeof text);
    return text;
}

}  // namespace taplaunch
