#include "definition/mac_address.hpp"


namespace taplaunch {

namespace {

std::optional<std::uint8_t> hex_digit_value(char digit)
{
    if (digit >= '0' && digit <= '9') {
        return static_cast<std::uint8_t>(digit - '0');
    }
    if (digit >= 'a' && digit <= 'f') {
        return static_cast<std::uint8_t>(digit - 'a' + 10);
    }
    if (digit >= 'A' && digit <= 'F') {
        return static_cast<std::uint8_t>(digit - 'A' + 10);
    }
    return std::nullopt;
}

std::uint32_t fnv1a_32(std::string_view text)
{
    std::uint32_t hash = 2166136261u;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 16777619u;
    }
    return hash;
}

}  // namespace

std::optional<MacAddress> MacAddress::parse(std::string_view text)
{
    constexpr std::size_t expected_length = 6 * 2 + 5;
    if (text.size() != expected_length) {
        return std::nullopt;
    }
    Bytes bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const std::size_t at = i * 3;
        if (i > 0 && text[at - 1] != ':') {
            return std::nullopt;
        }
        const auto high = hex_digit_value(text[at]);
        const auto low = hex_digit_value(text[at + 1]);
        if (!high || !low) {
            return std::nullopt;
        }
        bytes[i] = static_cast<std::uint8_t>(*high << 4 | *low);
    }
    return MacAddress(bytes);
}

std::string MacAddress::to_string() const
{
    // By hand rather than snprintf: a launch formats several MACs per NIC.
    constexpr char hex[] = "0123456789abcdef";
    std::string text(17, ':');
    for (std::size_t i = 0; i < bytes_.size(); ++i) {
        text[i * 3] = hex[bytes_[i] >> 4];
        text[i * 3 + 1] = hex[bytes_[i] & 0x0f];
    }
    return text;
}

MacAddress tap_mac_for(const MacAddress& guest_mac)
{
    MacAddress::Bytes bytes = guest_mac.bytes();
    bytes[0] = bytes[0] == 0xfe ? 0xfa : 0xfe;
    return MacAddress(bytes);
}

MacAddress default_guest_mac(std::string_view guest_name, std::size_t nic_index)
{
    const std::string key = std::string(guest_name) + "/" + std::to_string(nic_index);
    const std::uint32_t hash = fnv1a_32(key);
    return MacAddress({0x52, 0x54, 0x00, static_cast<std::uint8_t>(hash >> 16),
                       static_cast<std::uint8_t>(hash >> 8), static_cast<std::uint8_t>(hash)});
}

}  // namespace taplaunch
