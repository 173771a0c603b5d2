#include "definition/nic_spec.hpp"
#include "launch_error.hpp"

#include "catch_compat.hpp"
#include "nic_spec_error.hpp"

#include <string>
#include <vector>

using test_matchers::Contains;
using taplaunch::DefinitionError;
using taplaunch::MacAddress;
using taplaunch::NicSpec;
using taplaunch::parse_nic_spec;
using taplaunch::VnetHdrMode;

namespace {

using Words = std::vector<std::string>;

// Every DefinitionError is printed as one line after "taplaunch: ".
void check_one_line(const std::string& message)
{
    INFO(message);
    CHECK(message.find('\n') == std::string::npos);
    CHECK(message.find('\r') == std::string::npos);
}

// parse_nic_spec rejects `text` with one line that contains every one of `parts`.
void check_rejected(const std::string& text, const Words& parts)
{
    const std::string message = nic_error(text);
    INFO(message);
    for (const std::string& part : parts) {
        CHECK_THAT(message, Contains(part));
    }
    check_one_line(message);
}

}  // namespace

TEST_CASE("parse_nic_spec defaults everything but the bridge")
{
    const NicSpec spec = parse_nic_spec("bridge=br0");
    CHECK(spec.bridge == "br0");
    CHECK_FALSE(spec.guest_mac);
    CHECK(spec.model == "virtio");
    CHECK_FALSE(spec.model_given);
    CHECK(spec.ifname == "tap%d");
    CHECK_FALSE(spec.mtu);
    CHECK(spec.vnet_hdr == VnetHdrMode::automatic);
}

TEST_CASE("parse_nic_spec reads every key")
{
    const NicSpec spec = parse_nic_spec(
        "bridge=lan0,mac=52:54:00:AB:cd:01,model=e1000,ifname=vm-web0,mtu=9000,vnet_hdr=off");
    CHECK(spec.bridge == "lan0");
    REQUIRE(spec.guest_mac);
    CHECK(spec.guest_mac->to_string() == "52:54:00:ab:cd:01");
    CHECK(spec.model == "e1000");
    CHECK(spec.model_given);
    CHECK(spec.ifname == "vm-web0");
    REQUIRE(spec.mtu);
    CHECK(*spec.mtu == 9000);
    CHECK(spec.vnet_hdr == VnetHdrMode::off);
}

TEST_CASE("parse_nic_spec takes keys in any order")
{
    const NicSpec spec = parse_nic_spec("mtu=1400,ifname=t%d,bridge=br1");
    CHECK(spec.bridge == "br1");
    CHECK(spec.ifname == "t%d");
    REQUIRE(spec.mtu);
    CHECK(*spec.mtu == 1400);
}

TEST_CASE("parse_nic_spec marks model_given even for virtio")
{
    const NicSpec spec = parse_nic_spec("bridge=br0,model=virtio");
    CHECK(spec.model == "virtio");
    CHECK(spec.model_given);
}


TEST_CASE("parse_nic_spec reads vnet_hdr auto, on and off")
{
    const auto [value, mode] = GENERATE(table<const char*, VnetHdrMode>({
        {"auto", VnetHdrMode::automatic},
        {"on", VnetHdrMode::on},
        {"off", VnetHdrMode::off},
    }));
    INFO(value);
    CHECK(parse_nic_spec(std::string("bridge=br0,vnet_hdr=") + value).vnet_hdr == mode);
}

TEST_CASE("parse_nic_spec accepts QEMU device names as models")
{
    const std::string model = GENERATE(as<std::string>{}, "e1000", "e1000e", "rtl8139", "vmxnet3",
                                       "virtio-net-pci", "virtio-net-pci-non-transitional",
                                       "i82559er", "usb_net", "a.b");
    INFO(model);
    const NicSpec spec = parse_nic_spec("bridge=br0,model=" + model);
    CHECK(spec.model == model);
    CHECK(spec.model_given);
}

TEST_CASE("parse_nic_spec accepts locally administered unicast MACs")
{
    const auto [mac, expected] = GENERATE(table<const char*, const char*>({
        {"02:00:00:00:00:01", "02:00:00:00:00:01"},
        {"FE:FF:FF:FF:FF:FF", "fe:ff:ff:ff:ff:ff"},
    }));
    INFO(mac);
    const NicSpec spec = parse_nic_spec(std::string("bridge=br0,mac=") + mac);
    REQUIRE(spec.guest_mac);
    CHECK(spec.guest_mac->to_string() == expected);
}

TEST_CASE("parse_nic_spec accepts the TAP MTUs 68 and 65521")
{
    const auto [text, mtu] = GENERATE(table<const char*, unsigned>({
        {"68", 68u},
        {"65521", 65521u},
    }));
    INFO(text);
    CHECK(parse_nic_spec(std::string("bridge=br0,mtu=") + text).mtu == mtu);
}

TEST_CASE("parse_nic_spec accepts names of up to 15 bytes and %d anywhere in the TAP's")
{
    const auto [text, bridge, ifname] = GENERATE(table<const char*, const char*, const char*>({
        {"bridge=abcdefghijklmno", "abcdefghijklmno", "tap%d"},
        {"bridge=br0,ifname=abcdefghijklmno", "br0", "abcdefghijklmno"},
        {"bridge=br0,ifname=abcdefghijklm%d", "br0", "abcdefghijklm%d"},
        {"bridge=br0,ifname=%d", "br0", "%d"},
        {"bridge=br0,ifname=%dtap", "br0", "%dtap"},
        {"bridge=br0,ifname=vm-%d-lan", "br0", "vm-%d-lan"},
    }));
    INFO(text);
    const NicSpec spec = parse_nic_spec(text);
    CHECK(spec.bridge == bridge);
    CHECK(spec.ifname == ifname);
}

TEST_CASE("parse_nic_spec rejects a spec that is not bridge=NAME[,key=value...]")
{
    const auto [text, parts] = GENERATE(table<const char*, Words>({
        {"", {"bridge=NAME"}},
        {"mac=52:54:00:12:34:56,model=e1000", {"no bridge", "bridge=NAME"}},
        {"bridge=br0,speed=1000",
         {"unknown key 'speed'", "known keys", "bridge, mac, model, ifname, mtu, vnet_hdr"}},
        // Keys are case-sensitive.
        {"Bridge=br0", {"unknown key 'Bridge'"}},
        {"bridge=br0,virtio", {"'virtio'", "key=value", "known keys"}},
        {"bridge=br0,", {"key=value"}},
        // A comma ends the value: a model's device properties and a comma in an ifname read
        // as items of their own.
        {"bridge=br0,model=virtio-net-pci,disable-legacy=on", {"disable-legacy"}},
        {"bridge=br0,model=e1000,x", {"'x'", "key=value"}},
        {"bridge=br0,ifname=tap,0", {"'0'", "key=value"}},
        {"bridge=br0,bridge=br1", {"twice"}},
        {"bridge=br0,mtu=1500,mtu=1500", {"twice"}},
        {"mac=52:54:00:00:00:01,bridge=br0,mac=52:54:00:00:00:02", {"twice"}},
        {"bridge=br0,model=e1000,model=rtl8139", {"'model'", "twice"}},
    }));
    INFO(text);
    check_rejected(text, parts);
}

TEST_CASE("parse_nic_spec rejects a bad bridge, MAC or ifname, naming it and the rule")
{
    const auto [text, parts] = GENERATE(table<const char*, Words>({
        {"bridge=", {"bridge", "empty"}},
        {"bridge=br%d", {"bridge name 'br%d'", "only a TAP name"}},
        {"bridge=abcdefghijklmnop", {"bridge", "at most 15"}},
        {"bridge=br0,mac=00:00:00:00:00:00", {"00:00:00:00:00:00", "mac="}},
        {"bridge=br0,ifname=abcdefghijklmnop", {"ifname", "16 bytes", "at most 15"}},
        {"bridge=br0,ifname=", {"ifname", "empty"}},
        {"bridge=br0,ifname=tap=0", {"ifname 'tap=0'", "'='"}},
        {"bridge=br0,ifname=.", {"not a valid interface name"}},
        {"bridge=br0,ifname=..", {"not a valid interface name"}},
    }));
    INFO(text);
    check_rejected(text, parts);
}

TEST_CASE("parse_nic_spec rejects other vnet_hdr values")
{
    const std::string value = GENERATE(as<std::string>{}, "yes", "1", "true", "ON", "Auto", "");
    check_rejected("bridge=br0,vnet_hdr=" + value, {"vnet_hdr", "auto, on, off"});
}

TEST_CASE("parse_nic_spec rejects models that are not device names")
{
    const std::string model =
        GENERATE(as<std::string>{}, "", "e1000 ", "virtio;reboot", "e1000=x", "vir/tio", "$(x)");
    check_rejected("bridge=br0,model=" + model, {"model", "-device help"});
}

TEST_CASE("parse_nic_spec rejects a malformed MAC")
{
    const std::string mac = GENERATE(as<std::string>{}, "", "52:54:00:12:34", "52-54-00-12-34-56",
                                     "52:54:00:12:34:5g", "525400123456", "52:54:00:12:34:56:78");
    check_rejected("bridge=br0,mac=" + mac, {"malformed mac", "mac=52:54:00:12:34:56"});
}

TEST_CASE("parse_nic_spec rejects a multicast MAC")
{
    const std::string mac =
        GENERATE(as<std::string>{}, "01:00:5e:00:00:01", "53:54:00:12:34:56", "ff:ff:ff:ff:ff:ff");
    check_rejected("bridge=br0,mac=" + mac, {"multicast", mac, "even"});
}

TEST_CASE("parse_nic_spec rejects MTUs a TAP cannot take, naming the range and why")
{
    const std::string mtu = GENERATE(as<std::string>{}, "67", "65522", "65535", "65536", "0");
    check_rejected("bridge=br0,mtu=" + mtu,
                   {"mtu " + mtu + " is out of range", "a TAP takes 68 to 65521",
                    "65535 less the 14-byte Ethernet header"});
}

TEST_CASE("parse_nic_spec rejects an MTU that is not a number")
{
    const std::string mtu = GENERATE(as<std::string>{}, "", "abc", "1500x", " 1500", "-1500",
                                     "+1500", "1.5e3", "0x5dc", "99999999999999999999");
    check_rejected("bridge=br0,mtu=" + mtu, {"mtu", "is not a number (a TAP takes 68 to 65521)"});
}

TEST_CASE("parse_nic_spec rejects ifnames with '/', ':' or white space")
{
    const std::string name =
        GENERATE(as<std::string>{}, "tap/0", "tap:0", "tap 0", "tap\t0", "tap\v0");
    check_rejected("bridge=br0,ifname=" + name, {"ifname", "may not contain"});
}

TEST_CASE("parse_nic_spec rejects names with control characters or bytes outside ASCII")
{
    for (const std::string& name : {std::string("tap\x01"), std::string("tap\x7f"),
                                   std::string("tap\xa0"), std::string("t\xc3\xa4p"),
                                   std::string("tap\0x", 5)}) {
        for (const char* key : {"ifname", "bridge"}) {
            const std::string spec = std::string(key) == "ifname"
                                         ? "bridge=br0,ifname=" + name
                                         : "bridge=" + name;
            const std::string message = nic_error(spec);
            INFO(message);
            CHECK_THAT(message, Contains("control character or a byte outside ASCII"));
            check_one_line(message);
        }
    }
}

TEST_CASE("parse_nic_spec rejects templates other than a single %d")
{
    const std::string name =
        GENERATE(as<std::string>{}, "tap%s", "tap%d%d", "tap%", "%%d", "tap%u", "t%dx%d", "tap%D");
    check_rejected("bridge=br0,ifname=" + name, {"ifname", "single %d"});
}

TEST_CASE("parse_nic_spec error messages quote the spec")
{
    check_rejected("bridge=br0,mtu=9", {"nic 'bridge=br0,mtu=9'"});
}

TEST_CASE("parse_nic_spec error messages stay on one line for a newline in the spec")
{
    // The message quotes the spec; a newline in it must come out escaped.
    const std::string text = GENERATE(as<std::string>{}, "bridge=br0,ifname=tap\n0", "bridge=br\n0",
                                      "bridge=br0,model=e1\n", "bridge=br0,x\ny=1");
    check_one_line(nic_error(text));
}

TEST_CASE("ifname_problem: what a bridge or TAP name may hold")
{
    // problem: a part of the answer, or nullptr for a name without problem.
    const auto [name, template_allowed, problem] = GENERATE(table<const char*, bool, const char*>({
        {"tap0", false, nullptr},
        {"br-lan.10", false, nullptr},
        {"tap%d", true, nullptr},
        {"tap%d", false, "'%'"},  // a template where none is allowed
        {"tap,0", true, "','"},
    }));
    INFO(name << (template_allowed ? " (template allowed)" : ""));
    const auto answer = taplaunch::ifname_problem(name, template_allowed);
    if (problem == nullptr) {
        CHECK_FALSE(answer);
    } else {
        REQUIRE(answer);
        CHECK_THAT(*answer, Contains(problem));
    }
}
