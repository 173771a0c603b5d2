#include "definition/nic_spec.hpp"
#include "launch_error.hpp"
#include "plan/owner_record.hpp"
#include "plan/port_lock_filter.hpp"
#include "plan/tap_steps.hpp"

#include "catch_compat.hpp"
#include "nic_spec_error.hpp"

#include <linux/filter.h>

#include <cstdint>
#include <string>
#include <vector>

using taplaunch::BpfInstruction;
using taplaunch::DefinitionError;
using taplaunch::IpAddress;
using taplaunch::LockMode;
using taplaunch::MacAddress;
using taplaunch::parse_nic_spec;
using taplaunch::PortLock;

namespace {

using Frame = std::vector<std::uint8_t>;

// Runs a classic BPF program as the kernel runs it on a frame (the subset the lock uses); a
// load past the end returns 0, as the kernel's does.
std::uint32_t run(const std::vector<BpfInstruction>& program, const Frame& frame, bool vlan = false)
{
    std::uint32_t a = 0;
    std::uint32_t x = 0;
    std::uint32_t memory[BPF_MEMWORDS] = {};
    const auto load = [&](std::uint32_t at, std::uint32_t size, bool& fault) {
        std::uint32_t value = 0;
        if (at + size > frame.size() || at + size < at) {
            fault = true;
            return value;
        }
        for (std::uint32_t i = 0; i < size; ++i) {
            value = (value << 8) | frame[at + i];
        }
        return value;
    };
    for (std::size_t pc = 0; pc < program.size(); ++pc) {
        const BpfInstruction& in = program[pc];
        const std::uint32_t size =
            BPF_SIZE(in.code) == BPF_W ? 4 : BPF_SIZE(in.code) == BPF_H ? 2 : 1;
        bool fault = false;
        switch (BPF_CLASS(in.code)) {
        case BPF_LD:
            switch (BPF_MODE(in.code)) {
            case BPF_ABS:
                if (in.k == static_cast<std::uint32_t>(SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT)) {
                    a = vlan ? 1 : 0;
                } else {
                    a = load(in.k, size, fault);
                }
                break;
            case BPF_IND:
                a = load(x + in.k, size, fault);
                break;
            case BPF_LEN:
                a = static_cast<std::uint32_t>(frame.size());
                break;
            case BPF_IMM:
                a = in.k;
                break;
            case BPF_MEM:
                a = memory[in.k];
                break;
            }
            break;
        case BPF_LDX:
            if (BPF_MODE(in.code) == BPF_MSH) {
                x = 4 * (load(in.k, 1, fault) & 0xf);
            } else {
                x = in.k;
            }
            break;
        case BPF_ST:
            memory[in.k] = a;
            break;
        case BPF_ALU:
            switch (BPF_OP(in.code)) {
            case BPF_ADD: a += in.k; break;
            case BPF_SUB: a -= in.k; break;
            case BPF_AND: a &= in.k; break;
            case BPF_LSH: a <<= in.k; break;
            }
            break;
        case BPF_MISC:
            (BPF_MISCOP(in.code) == BPF_TAX ? x : a) = BPF_MISCOP(in.code) == BPF_TAX ? a : x;
            break;
        case BPF_JMP: {
            const std::uint32_t operand = BPF_SRC(in.code) == BPF_X ? x : in.k;
            bool taken = false;
            switch (BPF_OP(in.code)) {
            case BPF_JA: pc += in.k; continue;
            case BPF_JEQ: taken = a == operand; break;
            case BPF_JGE: taken = a >= operand; break;
            case BPF_JSET: taken = (a & operand) != 0; break;
            }
            pc += taken ? in.jt : in.jf;
            break;
        }
        case BPF_RET:
            return in.k;
        }
        if (fault) {
            return 0;
        }
    }
    FAIL("the program ran off its end");
    return 0;
}

const MacAddress guest = *MacAddress::parse("52:54:00:00:00:50");

Frame ethernet(const MacAddress& source, std::uint16_t type, const Frame& payload)
{
    const MacAddress::Bytes& mac = source.bytes();
    Frame frame = {0x02, 0, 0, 0, 0, 1, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
                   static_cast<std::uint8_t>(type >> 8), static_cast<std::uint8_t>(type)};
    for (const std::uint8_t byte : payload) {
        frame.push_back(byte);
    }
    return frame;
}

Frame ipv4_udp(std::array<std::uint8_t, 4> source, std::uint16_t source_port, std::uint16_t port)
{
    return {0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0,
            source[0], source[1], source[2], source[3], 10, 0, 0, 1,
            static_cast<std::uint8_t>(source_port >> 8), static_cast<std::uint8_t>(source_port),
            static_cast<std::uint8_t>(port >> 8), static_cast<std::uint8_t>(port), 0, 8, 0, 0};
}

PortLock ip_lock(std::vector<std::string> addresses)
{
    PortLock lock{LockMode::ip, {}};
    for (const std::string& address : addresses) {
        lock.addresses.push_back(*IpAddress::parse(address));
    }
    return lock;
}

}  // namespace

TEST_CASE("parse_nic_spec reads lock= and ip=")
{
    CHECK(parse_nic_spec("bridge=br0").lock.mode == LockMode::off);
    CHECK(parse_nic_spec("bridge=br0,lock=mac").lock.mode == LockMode::mac);
    const auto spec = parse_nic_spec("bridge=br0,lock=ip,ip=10.0.0.50+fd00::50");
    CHECK(spec.lock.mode == LockMode::ip);
    REQUIRE(spec.lock.addresses.size() == 2);
    CHECK(spec.lock.addresses[0].to_string() == "10.0.0.50");
    CHECK(spec.lock.addresses[1].to_string() == "fd00::50");
}

TEST_CASE("parse_nic_spec refuses a lock it cannot enforce, in one line")
{
    const auto one_line_with = [](const std::string& text, const std::string& part) {
        const std::string message = nic_error(text);
        INFO(message);
        CHECK(message.find('\n') == std::string::npos);
        CHECK(message.find(part) != std::string::npos);
    };
    one_line_with("bridge=br0,lock=ip", "lock=ip needs the guest's addresses");
    one_line_with("bridge=br0,ip=10.0.0.5", "ip= is only for lock=ip");
    one_line_with("bridge=br0,lock=mac,ip=10.0.0.5", "ip= is only for lock=ip");
    one_line_with("bridge=br0,lock=yes", "not one of off, mac, ip");
    one_line_with("bridge=br0,lock=ip,ip=10.0.0.5/24", "without a prefix");
    one_line_with("bridge=br0,lock=ip,ip=10.0.0.5+10.0.0.5", "given twice");
    one_line_with("bridge=br0,lock=ip,ip=0.0.0.0", "not a guest's own address");
    one_line_with("bridge=br0,lock=ip,ip=ff02::1", "not a guest's own address");
    one_line_with("bridge=br0,lock=ip,ip=10.0.0.5+", "is not an IPv4 or IPv6 address");
}

TEST_CASE("eui64_link_local is the address a guest makes from its MAC")
{
    CHECK(taplaunch::eui64_link_local(guest).to_string() == "fe80::5054:ff:fe00:50");
}

TEST_CASE("the lock filter passes the guest's own traffic and drops what it may not send")
{
    const auto program = taplaunch::port_lock_filter(ip_lock({"10.0.0.50", "fd00::50"}), guest);
    const MacAddress other = *MacAddress::parse("52:54:00:00:00:66");
    CHECK(run(program, ethernet(guest, 0x0800, ipv4_udp({10, 0, 0, 50}, 4000, 9))) ==
          taplaunch::lock_filter_pass);
    CHECK(run(program, ethernet(guest, 0x0800, ipv4_udp({0, 0, 0, 0}, 68, 67))) ==
          taplaunch::lock_filter_pass);
    CHECK(run(program, ethernet(other, 0x0800, ipv4_udp({10, 0, 0, 50}, 4000, 9))) ==
          taplaunch::lock_filter_drop);
    CHECK(run(program, ethernet(guest, 0x0800, ipv4_udp({10, 0, 0, 66}, 4000, 9))) ==
          taplaunch::lock_filter_drop);
    CHECK(run(program, ethernet(guest, 0x0800, ipv4_udp({10, 0, 0, 50}, 67, 68))) ==
          taplaunch::lock_filter_drop);
    CHECK(run(program, ethernet(guest, 0x0800, ipv4_udp({0, 0, 0, 0}, 68, 53))) ==
          taplaunch::lock_filter_drop);
    CHECK(run(program, ethernet(guest, 0x0800, ipv4_udp({10, 0, 0, 50}, 4000, 9)), true) ==
          taplaunch::lock_filter_drop);
    CHECK(run(program, ethernet(guest, 0x88cc, Frame(46, 0))) == taplaunch::lock_filter_drop);
}

TEST_CASE("the lock filter drops a frame too short for what it checks, never faults")
{
    for (const bool ip : {false, true}) {
        const auto program = ip ? taplaunch::port_lock_filter(ip_lock({"fd00::50"}), guest)
                                : taplaunch::port_lock_filter({LockMode::mac, {}}, guest);
        for (const std::uint16_t type : std::vector<std::uint16_t>{0x0806, 0x8035, 0x0800, 0x86dd}) {
            Frame whole = ethernet(guest, type, Frame(80, 0));
            whole[14] = type == 0x0800 ? 0x45 : whole[14];
            whole[20] = type == 0x86dd ? 0 : whole[20];  // a hop-by-hop header
            for (std::size_t length = 14; length < 60; ++length) {
                const Frame cut(whole.begin(), whole.begin() + static_cast<long>(length));
                INFO("type " << type << ", " << length << " bytes, lock=" << (ip ? "ip" : "mac"));
                const std::uint32_t verdict = run(program, cut);
                CHECK(verdict != 0);  // 0 is what a faulting load returns, and would pass
            }
        }
    }
}

TEST_CASE("the lock filter fits the kernel's limit with the most addresses")
{
    PortLock lock{LockMode::ip, {}};
    for (unsigned i = 1; i <= taplaunch::max_lock_addresses; ++i) {
        lock.addresses.push_back(*IpAddress::parse("fd00::" + std::to_string(i)));
    }
    const auto program = taplaunch::port_lock_filter(lock, guest);
    CHECK(program.size() <= BPF_MAXINSNS);
    CHECK(BPF_CLASS(program.back().code) == BPF_RET);
}

TEST_CASE("a locked TAP gets its filter before it joins and its MAC pinned before it is up")
{
    taplaunch::TapPlan tap;
    tap.lock = ip_lock({"10.0.0.50"});
    using taplaunch::TapStep;
    CHECK(taplaunch::tap_steps_for(tap) ==
          std::vector<TapStep>{TapStep::create, TapStep::set_mac, TapStep::set_mtu,
                               TapStep::add_lock_qdisc, TapStep::add_lock_filter,
                               TapStep::attach, TapStep::set_port_flags, TapStep::pin_mac,
                               TapStep::up});
    CHECK(taplaunch::port_flags_text(tap) == "locked on, learning off, flood off");
}

TEST_CASE("an owner record carries the NIC's lock, and one without lock= is off")
{
    taplaunch::OwnerRecord record{{42, 7, 4026531836ULL}, "web", guest, 1000, LockMode::ip};
    const std::string alias = taplaunch::format_owner_record(record);
    CHECK(alias.ends_with(" uid=1000 lock=ip"));
    const auto parsed = taplaunch::parse_owner_record(alias);
    REQUIRE(parsed);
    CHECK(parsed->lock == LockMode::ip);
    record.lock = LockMode::off;
    CHECK(taplaunch::format_owner_record(record).find("lock=") == std::string::npos);
    CHECK(taplaunch::parse_owner_record(taplaunch::format_owner_record(record))->lock ==
          LockMode::off);
}
