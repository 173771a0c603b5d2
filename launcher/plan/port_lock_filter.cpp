#include "plan/port_lock_filter.hpp"

#include <linux/filter.h>

#include <algorithm>
#include <stdexcept>

namespace taplaunch {

namespace {

// Offsets in an Ethernet frame (the classifier sees the frame from its Ethernet header; a
// VLAN tag is already taken out into the packet's metadata).
constexpr std::uint32_t ether_source = 6;
constexpr std::uint32_t ether_type = 12;
constexpr std::uint32_t l3 = 14;
constexpr std::uint32_t arp_format = l3;      // hardware type 1, protocol 0x0800
constexpr std::uint32_t arp_lengths = l3 + 4; // 6, 4
constexpr std::uint32_t arp_sender_mac = l3 + 8;
constexpr std::uint32_t arp_sender_ip = l3 + 14;
constexpr std::uint32_t arp_end = l3 + 28;
constexpr std::uint32_t ipv4_fragment = l3 + 6;
constexpr std::uint32_t ipv4_protocol = l3 + 9;
constexpr std::uint32_t ipv4_source = l3 + 12;
constexpr std::uint32_t ipv4_end = l3 + 20;
constexpr std::uint32_t ipv6_next_header = l3 + 6;
constexpr std::uint32_t ipv6_source = l3 + 8;
constexpr std::uint32_t ipv6_payload = l3 + 40;

constexpr std::uint8_t protocol_icmp = 1;
constexpr std::uint8_t protocol_udp = 17;
constexpr std::uint8_t protocol_icmpv6 = 58;
constexpr std::uint8_t header_hop_by_hop = 0;
constexpr std::uint8_t header_fragment = 44;
// IPv6 extension headers the filter does not look past: a packet whose upper layer follows
// one of them is dropped (routing, fragment after fragment, destination options, AH, mobility,
// HIP, shim6).
constexpr std::uint8_t unfollowed_headers[] = {0, 43, 44, 60, 51, 135, 139, 140};

// Scratch memory: whether an IPv6 source is the unspecified address, the next header.
constexpr std::uint32_t slot_unspecified = 0;
constexpr std::uint32_t slot_next_header = 1;

std::uint32_t word(const std::uint8_t* bytes)
{
    return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
           (std::uint32_t{bytes[2]} << 8) | bytes[3];
}

// A classic BPF program written forwards: conditional jumps are short and counted by hand
// (each helper says how far), unconditional ones go to labels resolved at the end.
class Program {
public:
    using Label = std::size_t;

    Label label()
    {
        label_at_.push_back(unplaced);
        return label_at_.size() - 1;
    }
    void place(Label label) { label_at_.at(label) = code_.size(); }

    void op(int code, std::uint32_t k = 0)
    {
        code_.push_back({static_cast<std::uint16_t>(code), 0, 0, k});
    }
    void jump(int code, std::uint32_t k, std::uint8_t jt, std::uint8_t jf)
    {
        code_.push_back({static_cast<std::uint16_t>(code), jt, jf, k});
    }
    void go_to(Label label)
    {
        jumps_.push_back({code_.size(), label});
        op(BPF_JMP | BPF_JA);
    }

    void load_word(std::uint32_t offset) { op(BPF_LD | BPF_W | BPF_ABS, offset); }
    void load_half(std::uint32_t offset) { op(BPF_LD | BPF_H | BPF_ABS, offset); }
    void load_byte(std::uint32_t offset) { op(BPF_LD | BPF_B | BPF_ABS, offset); }
    void pass() { op(BPF_RET | BPF_K, lock_filter_pass); }
    void drop() { op(BPF_RET | BPF_K, lock_filter_drop); }

    // Drops the frame unless A == k.
    void require(std::uint32_t k)
    {
        jump(BPF_JMP | BPF_JEQ | BPF_K, k, 1, 0);
        drop();
    }
    // Drops the frame when A == k.
    void refuse(std::uint32_t k)
    {
        jump(BPF_JMP | BPF_JEQ | BPF_K, k, 0, 1);
        drop();
    }
    // Goes to `label` when A == k.
    void branch(std::uint32_t k, Label label)
    {
        jump(BPF_JMP | BPF_JEQ | BPF_K, k, 0, 1);
        go_to(label);
    }
    // Drops a frame shorter than `length` bytes (A is overwritten).
    void require_length(std::uint32_t length)
    {
        op(BPF_LD | BPF_W | BPF_LEN);
        jump(BPF_JMP | BPF_JGE | BPF_K, length, 1, 0);
        drop();
    }
    // Drops a frame shorter than X + `length` bytes (A is overwritten, X kept).
    void require_length_past_x(std::uint32_t length)
    {
        require_length(length);
        op(BPF_ALU | BPF_SUB | BPF_K, length);
        jump(BPF_JMP | BPF_JGE | BPF_X, 0, 1, 0);
        drop();
    }

    std::vector<BpfInstruction> finish() &&
    {
        for (const auto& [at, label] : jumps_) {
            const std::size_t target = label_at_.at(label);
            if (target == unplaced || target <= at) {
                throw std::logic_error("lock filter: a jump to an unplaced or earlier label");
            }
            code_[at].k = static_cast<std::uint32_t>(target - at - 1);
        }
        if (code_.size() > BPF_MAXINSNS) {
            throw std::logic_error("lock filter: longer than the kernel takes");
        }
        return std::move(code_);
    }

private:
    static constexpr std::size_t unplaced = static_cast<std::size_t>(-1);
    std::vector<BpfInstruction> code_;
    std::vector<std::size_t> label_at_;
    std::vector<std::pair<std::size_t, Label>> jumps_;
};

// Goes to `matched` when the 32-bit value in A is one of `values`; else drops.
void match_word(Program& program, const std::vector<std::uint32_t>& values, Program::Label matched)
{
    for (const std::uint32_t value : values) {
        program.branch(value, matched);
    }
    program.drop();
}

// Goes to `matched` when the 16 bytes at `offset` (after X when `indexed`) are one of
// `addresses`; else drops.
void match_ipv6(Program& program, const std::vector<IpAddress>& addresses, std::uint32_t offset,
                bool indexed, Program::Label matched)
{
    const int load = BPF_LD | BPF_W | (indexed ? BPF_IND : BPF_ABS);
    for (const IpAddress& address : addresses) {
        for (std::uint32_t part = 0; part < 4; ++part) {
            program.op(load, offset + 4 * part);
            // On a mismatch, skip this address's remaining loads and compares and its jump.
            const auto skip = static_cast<std::uint8_t>((3 - part) * 2 + 1);
            program.jump(BPF_JMP | BPF_JEQ | BPF_K, word(address.bytes().data() + 4 * part), 0,
                         skip);
        }
        program.go_to(matched);
    }
    program.drop();
}

void check_arp(Program& program, const PortLock& lock, const MacAddress& mac, bool reverse)
{
    const std::uint8_t* own = mac.bytes().data();
    program.require_length(arp_end);
    program.load_word(arp_format);
    program.require(0x00010800);
    program.load_half(arp_lengths);
    program.require(0x0604);
    program.load_word(arp_sender_mac);
    program.require(word(own));
    program.load_half(arp_sender_mac + 4);
    program.require((std::uint32_t{own[4]} << 8) | own[5]);
    if (lock.mode == LockMode::ip && !reverse) {
        // The sender IP: one of ip=, or 0.0.0.0 (an address probe, RFC 5227).
        std::vector<std::uint32_t> allowed{0};
        for (const IpAddress& address : lock.addresses) {
            if (address.family() == IpAddress::Family::ipv4) {
                allowed.push_back(word(address.bytes().data()));
            }
        }
        const Program::Label ok = program.label();
        program.load_word(arp_sender_ip);
        match_word(program, allowed, ok);
        program.place(ok);
    }
    program.pass();
}

void check_ipv4(Program& program, const PortLock& lock)
{
    program.require_length(ipv4_end);
    program.load_byte(l3);
    program.op(BPF_ALU | BPF_AND | BPF_K, 0x0f);
    program.jump(BPF_JMP | BPF_JGE | BPF_K, 5, 1, 0);  // a header of at least 20 bytes
    program.drop();

    const Program::Label unspecified = program.label();
    const Program::Label source_ok = program.label();
    program.load_word(ipv4_source);
    program.branch(0, unspecified);
    std::vector<std::uint32_t> allowed;
    for (const IpAddress& address : lock.addresses) {
        if (address.family() == IpAddress::Family::ipv4) {
            allowed.push_back(word(address.bytes().data()));
        }
    }
    match_word(program, allowed, source_ok);

    // From 0.0.0.0 only a DHCP client's first messages: UDP to port 67, unfragmented.
    program.place(unspecified);
    program.load_byte(ipv4_protocol);
    program.require(protocol_udp);
    program.load_half(ipv4_fragment);
    program.jump(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 0, 1);
    program.drop();
    program.op(BPF_LDX | BPF_B | BPF_MSH, l3);
    program.require_length_past_x(l3 + 4);
    program.op(BPF_LD | BPF_H | BPF_IND, l3 + 2);
    program.require(67);

    // No DHCP server messages (from port 67) and no ICMP redirects. A fragment after the
    // first carries no header to look at.
    program.place(source_ok);
    const Program::Label udp = program.label();
    const Program::Label icmp = program.label();
    program.load_byte(ipv4_protocol);
    program.branch(protocol_udp, udp);
    program.branch(protocol_icmp, icmp);
    program.pass();
    for (const auto& [label, port_or_type] : {std::pair{udp, 67U}, std::pair{icmp, 5U}}) {
        program.place(label);
        program.load_half(ipv4_fragment);
        program.jump(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 0, 1);
        program.pass();
        program.op(BPF_LDX | BPF_B | BPF_MSH, l3);
        const bool is_udp = label == udp;
        program.require_length_past_x(l3 + (is_udp ? 2 : 1));
        program.op(BPF_LD | (is_udp ? BPF_H : BPF_B) | BPF_IND, l3);
        program.refuse(port_or_type);
        program.pass();
    }
}

void check_ipv6(Program& program, const PortLock& lock, const MacAddress& mac)
{
    const std::vector<IpAddress> allowed = lock_ipv6_sources(lock, mac);
    program.require_length(ipv6_payload);

    // The source: one of the allowed, or :: (remembered: then only ICMPv6, for DAD and MLD).
    const Program::Label source_ok = program.label();
    const Program::Label not_unspecified = program.label();
    const Program::Label unspecified_checked = program.label();
    for (std::uint32_t part = 0; part < 4; ++part) {
        program.load_word(ipv6_source + 4 * part);
        program.jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1);
        program.op(BPF_JMP | BPF_JA, 1);  // this word is zero: look at the next
        program.go_to(not_unspecified);
    }
    program.op(BPF_LD | BPF_IMM, 1);
    program.op(BPF_ST, slot_unspecified);
    program.go_to(unspecified_checked);
    program.place(not_unspecified);
    match_ipv6(program, allowed, ipv6_source, false, source_ok);
    program.place(source_ok);
    program.op(BPF_LD | BPF_IMM, 0);
    program.op(BPF_ST, slot_unspecified);
    program.place(unspecified_checked);

    // The upper layer: past a hop-by-hop header (MLD reports have one) and a fragment header.
    // X holds the offset of the header being looked at, from the end of the fixed header.
    const Program::Label after_hop_by_hop = program.label();
    const Program::Label hop_by_hop = program.label();
    const Program::Label after_fragment = program.label();
    const Program::Label fragment = program.label();
    program.op(BPF_LDX | BPF_W | BPF_IMM, 0);
    program.load_byte(ipv6_next_header);
    program.op(BPF_ST, slot_next_header);
    program.branch(header_hop_by_hop, hop_by_hop);
    program.go_to(after_hop_by_hop);
    program.place(hop_by_hop);
    program.require_length(ipv6_payload + 2);
    program.load_byte(ipv6_payload + 1);
    program.op(BPF_ALU | BPF_ADD | BPF_K, 1);
    program.op(BPF_ALU | BPF_LSH | BPF_K, 3);
    program.op(BPF_MISC | BPF_TAX);
    program.load_byte(ipv6_payload);
    program.op(BPF_ST, slot_next_header);
    program.place(after_hop_by_hop);
    program.op(BPF_LD | BPF_MEM, slot_next_header);
    program.branch(header_fragment, fragment);
    program.go_to(after_fragment);
    program.place(fragment);
    program.require_length_past_x(ipv6_payload + 8);
    program.op(BPF_LD | BPF_H | BPF_IND, ipv6_payload + 2);
    program.op(BPF_ALU | BPF_AND | BPF_K, 0xfff8);
    // A fragment after the first carries no upper-layer header: it passes, unless from ::.
    program.jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 4, 0);
    program.op(BPF_LD | BPF_MEM, slot_unspecified);
    program.jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1);
    program.pass();
    program.drop();
    program.op(BPF_LD | BPF_B | BPF_IND, ipv6_payload);
    program.op(BPF_ST, slot_next_header);
    program.op(BPF_MISC | BPF_TXA);
    program.op(BPF_ALU | BPF_ADD | BPF_K, 8);
    program.op(BPF_MISC | BPF_TAX);
    program.place(after_fragment);
    program.op(BPF_LD | BPF_MEM, slot_next_header);
    for (const std::uint8_t header : unfollowed_headers) {
        program.refuse(header);
    }
    const Program::Label icmpv6 = program.label();
    const Program::Label udp = program.label();
    program.branch(protocol_icmpv6, icmpv6);
    program.op(BPF_LD | BPF_MEM, slot_unspecified);
    program.require(0);
    program.op(BPF_LD | BPF_MEM, slot_next_header);
    program.branch(protocol_udp, udp);
    program.pass();
    program.place(udp);  // no DHCPv6 server or relay messages (from port 547)
    program.require_length_past_x(ipv6_payload + 2);
    program.op(BPF_LD | BPF_H | BPF_IND, ipv6_payload);
    program.refuse(547);
    program.pass();

    // No router advertisements or redirects; neighbour advertisements only for own addresses.
    program.place(icmpv6);
    const Program::Label advertisement = program.label();
    const Program::Label own_target = program.label();
    program.require_length_past_x(ipv6_payload + 1);
    program.op(BPF_LD | BPF_B | BPF_IND, ipv6_payload);
    program.refuse(134);
    program.refuse(137);
    program.branch(136, advertisement);
    program.pass();
    program.place(advertisement);
    program.require_length_past_x(ipv6_payload + 24);
    match_ipv6(program, allowed, ipv6_payload + 8, true, own_target);
    program.place(own_target);
    program.pass();
}

}  // namespace

IpAddress eui64_link_local(const MacAddress& mac)
{
    const MacAddress::Bytes& m = mac.bytes();
    return IpAddress::ipv6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, static_cast<std::uint8_t>(m[0] ^ 0x02),
                            m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]});
}

std::vector<IpAddress> lock_ipv6_sources(const PortLock& lock, const MacAddress& guest_mac)
{
    std::vector<IpAddress> sources;
    for (const IpAddress& address : lock.addresses) {
        if (address.family() == IpAddress::Family::ipv6) {
            sources.push_back(address);
        }
    }
    const IpAddress link_local = eui64_link_local(guest_mac);
    if (std::find(sources.begin(), sources.end(), link_local) == sources.end()) {
        sources.push_back(link_local);
    }
    return sources;
}

std::vector<BpfInstruction> port_lock_filter(const PortLock& lock, const MacAddress& guest_mac)
{
    if (lock.mode == LockMode::off) {
        throw std::logic_error("lock filter asked for an open port");
    }
    Program program;
    const std::uint8_t* own = guest_mac.bytes().data();
    if (lock.mode == LockMode::ip) {
        // A VLAN tag would carry the frame past the checks of its payload's type to a VLAN
        // the guest has no business on.
        program.op(BPF_LD | BPF_W | BPF_ABS,
                   static_cast<std::uint32_t>(SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT));
        program.require(0);
    }
    // The TAP driver takes no frame shorter than an Ethernet header; checked all the same.
    program.require_length(l3);
    program.load_word(ether_source);
    program.require(word(own));
    program.load_half(ether_source + 4);
    program.require((std::uint32_t{own[4]} << 8) | own[5]);

    const Program::Label arp = program.label();
    const Program::Label rarp = program.label();
    const Program::Label ipv4 = program.label();
    const Program::Label ipv6 = program.label();
    program.load_half(ether_type);
    program.branch(0x0806, arp);
    program.branch(0x8035, rarp);  // QEMU's announcement after migration
    if (lock.mode == LockMode::ip) {
        program.branch(0x0800, ipv4);
        program.branch(0x86dd, ipv6);
        program.drop();  // any other protocol could carry what the checks look for
    } else {
        program.pass();
    }
    program.place(arp);
    check_arp(program, lock, guest_mac, false);
    program.place(rarp);
    check_arp(program, lock, guest_mac, true);
    if (lock.mode == LockMode::ip) {
        program.place(ipv4);
        check_ipv4(program, lock);
        program.place(ipv6);
        check_ipv6(program, lock, guest_mac);
    }
    return std::move(program).finish();
}

}  // namespace taplaunch
