#pragma once
// MacAddress: a 48-bit Ethernet address, and the rules taplaunch derives addresses by.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace taplaunch {

class MacAddress {
public:
    using Bytes = std::array<std::uint8_t, 6>;

    constexpr MacAddress() = default;
    constexpr explicit MacAddress(const Bytes& bytes) : bytes_(bytes) {}

    // Parses "52:54:00:12:34:56" (hex digits in either case); nullopt when malformed.
    static std::optional<MacAddress> parse(std::string_view text);

    // Lower-case colon form, "52:54:00:12:34:56".
    std::string to_string() const;

    const Bytes& bytes() const { return bytes_; }
    bool is_multicast() const { return (bytes_[0] & 0x01) != 0; }
    bool is_zero() const { return bytes_ == Bytes{}; }

    friend bool operator==(const MacAddress&, const MacAddress&) = default;

private:
    Bytes bytes_{};
};

// The TAP-side address for a guest NIC: the guest's MAC with its first byte set to 0xFE
// (0xFA when the guest's MAC itself starts with 0xFE). 0xFE sorts above every address a
// real uplink has, so a bridge that takes its lowest port's MAC never takes a TAP's; and the
// TAP never carries the guest's own address.
MacAddress tap_mac_for(const MacAddress& guest_mac);

// The guest MAC used when a NIC names none: 52:54:00 (QEMU's prefix) followed by the low
// three bytes of the 32-bit FNV-1a hash of "<guest name>/<nic index>", so it is the same on
// every run of the same definition and differs between NICs and guests.
MacAddress default_guest_mac(std::string_view guest_name, std::size_t nic_index);

}  // namespace taplaunch
