#pragma once
// IpAddress: one IPv4 or IPv6 host address, as a NIC's ip= lists it (no prefix).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace taplaunch {

class IpAddress {
public:
    enum class Family { ipv4, ipv6 };

    // Parses "10.0.0.50" or "fd00::50" (inet_pton's forms); nullopt for anything else.
    static std::optional<IpAddress> parse(std::string_view text);
    // An IPv6 address from its 16 bytes.
    static IpAddress ipv6(const std::array<std::uint8_t, 16>& bytes);

    Family family() const { return family_; }
    // The address in network order: 4 bytes for IPv4 (the rest zero), 16 for IPv6.
    const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }
    bool is_unspecified() const;  // 0.0.0.0 or ::
    bool is_multicast() const;    // 224.0.0.0/4 or ff00::/8
    // inet_ntop's form: "10.0.0.50", "fd00::50".
    std::string to_string() const;

    friend bool operator==(const IpAddress&, const IpAddress&) = default;

private:
    Family family_ = Family::ipv4;
    std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace taplaunch
