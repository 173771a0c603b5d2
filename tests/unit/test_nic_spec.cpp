#include "definition/nic_spec.hpp"
#include "launch_error.hpp"

#include <catch2/catch.hpp>

#include <string>

using Catch::Matchers::Contains;
using taplaunch::DefinitionError;
using taplaunch::MacAddress;
using taplaunch::NicSpec;
using taplaunch::parse_nic_spec;
using taplaunch::VnetHdrMode;

namespace {

// The message parse_nic_spec throws for `text`; fails the case if it accepts it.
std::string nic_error(const std::string& text)
{
    try {
        parse_nic_spec(text);
    } catch (const DefinitionError& error) {
        return error.what();
    }
    FAIL("parse_nic_spec accepted '" << text << "'");
    return {};
}

// Every DefinitionError is printed as one line after "taplaunch: ".
void check_one_line(const std::string& message)
{
    INFO(message);
    CHECK(message.find('\n') == std::string::npos);
    CHECK(message.find('\r') == std::string::npos);
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
    CHECK(parse_nic_spec("bridge=br0,vnet_hdr=auto").vnet_hdr == VnetHdrMode::automatic);
    CHECK(parse_nic_spec("bridge=br0,vnet_hdr=on").vnet_hdr == VnetHdrMode::on);
    CHECK(parse_nic_spec("bridge=br0,vnet_hdr=off").vnet_hdr == VnetHdrMode::off);
}

TEST_CASE("parse_nic_spec rejects other vnet_hdr values")
{
    for (const char* value : {"yes", "1", "true", "ON", "Auto", ""}) {
        const std::string message = nic_error(std::string("bridge=br0,vnet_hdr=") + value);
        INFO(message);
        CHECK_THAT(message, Contains("vnet_hdr") && Contains("auto, on, off"));
        check_one_line(message);
    }
}

TEST_CASE("parse_nic_spec accepts QEMU device names as models")
{
    for (const char* model : {"e1000", "e1000e", "rtl8139", "vmxnet3", "virtio-net-pci",
                              "virtio-net-pci-non-transitional", "i82559er", "usb_net", "a.b"}) {
        INFO(model);
        CHECK(parse_nic_spec(std::string("bridge=br0,model=") + model).model == model);
    }
}

TEST_CASE("parse_nic_spec rejects a model with device properties after a comma")
{
    const std::string message = nic_error("bridge=br0,model=virtio-net-pci,disable-legacy=on");
    CHECK_THAT(message, Contains("disable-legacy"));
    check_one_line(message);
    const std::string bare = nic_error("bridge=br0,model=e1000,x");
    CHECK_THAT(bare, Contains("'x'") && Contains("key=value"));
    check_one_line(bare);
}

TEST_CASE("parse_nic_spec rejects models that are not device names")
{
    for (const char* model : {"", "e1000 ", "virtio;reboot", "e1000=x", "vir/tio", "$(x)"}) {
        const std::string message = nic_error(std::string("bridge=br0,model=") + model);
        INFO(message);
        CHECK_THAT(message, Contains("model") && Contains("-device help"));
        check_one_line(message);
    }
}

TEST_CASE("parse_nic_spec rejects an empty spec")
{
    const std::string message = nic_error("");
    CHECK_THAT(message, Contains("bridge=NAME"));
    check_one_line(message);
}

TEST_CASE("parse_nic_spec rejects a spec without bridge")
{
    const std::string message = nic_error("mac=52:54:00:12:34:56,model=e1000");
    CHECK_THAT(message, Contains("no bridge") && Contains("bridge=NAME"));
    check_one_line(message);
}

TEST_CASE("parse_nic_spec rejects an empty bridge name")
{
    const std::string message = nic_error("bridge=");
    CHECK_THAT(message, Contains("bridge") && Contains("empty"));
    check_one_line(message);
}

TEST_CASE("parse_nic_spec rejects an unknown key and lists the known ones")
{
    const std::string message = nic_error("bridge=br0,speed=1000");
    CHECK_THAT(message, Contains("unknown key 'speed'") && Contains("known keys"));
    CHECK_THAT(message, Contains("bridge, mac, model, ifname, mtu, vnet_hdr"));
    check_one_line(message);
}

TEST_CASE("parse_nic_spec keys are case-sensitive")
{
    const std::string message = nic_error("Bridge=br0");
    CHECK_THAT(message, Contains("unknown key 'Bridge'"));
}

TEST_CASE("parse_nic_spec rejects an item without '='")
{
    const std::string message = nic_error("bridge=br0,virtio");
    CHECK_THAT(message, Contains("'virtio'") && Contains("key=value") && Contains("known keys"));
    check_one_line(message);
}

TEST_CASE("parse_nic_spec rejects a trailing comma")
{
    const std::string message = nic_error("bridge=br0,");
    CHECK_THAT(message, Contains("key=value"));
    check_one_line(message);
}

TEST_CASE("parse_nic_spec rejects a duplicate key")
{
    for (const char* text :
         {"bridge=br0,bridge=br1", "bridge=br0,mtu=1500,mtu=1500", "mac=52:54:00:00:00:01,"
                                                                    "bridge=br0,mac=52:54:00:00:00:02"}) {
        const std::string message = nic_error(text);
        INFO(message);
        CHECK_THAT(message, Contains("twice"));
        check_one_line(message);
    }
    CHECK_THAT(nic_error("bridge=br0,model=e1000,model=rtl8139"), Contains("'model'"));
}

TEST_CASE("parse_nic_spec rejects a malformed MAC")
{
    for (const char* mac : {"", "52:54:00:12:34", "52-54-00-12-34-56", "52:54:00:12:34:5g",
                            "525400123456", "52:54:00:12:34:56:78"}) {
        const std::string message = nic_error(std::string("bridge=br0,mac=") + mac);
        INFO(message);
        CHECK_THAT(message, Contains("malformed mac") && Contains("mac=52:54:00:12:34:56"));
        check_one_line(message);
    }
}

TEST_CASE("parse_nic_spec rejects a multicast MAC")
{
    for (const char* mac : {"01:00:5e:00:00:01", "53:54:00:12:34:56", "ff:ff:ff:ff:ff:ff"}) {
        const std::string message = nic_error(std::string("bridge=br0,mac=") + mac);
        INFO(message);
        CHECK_THAT(message, Contains("multicast") && Contains(mac) && Contains("even"));
        check_one_line(message);
    }
}

TEST_CASE("parse_nic_spec rejects the all-zero MAC")
{
    const std::string message = nic_error("bridge=br0,mac=00:00:00:00:00:00");
    CHECK_THAT(message, Contains("00:00:00:00:00:00") && Contains("mac="));
    check_one_line(message);
}

TEST_CASE("parse_nic_spec accepts locally administered unicast MACs")
{
    CHECK(parse_nic_spec("bridge=br0,mac=02:00:00:00:00:01").guest_mac->to_string() ==
          "02:00:00:00:00:01");
    CHECK(parse_nic_spec("bridge=br0,mac=FE:FF:FF:FF:FF:FF").guest_mac->to_string() ==
          "fe:ff:ff:ff:ff:ff");
}

TEST_CASE("parse_nic_spec accepts the TAP MTUs 68 and 65521")
{
    CHECK(parse_nic_spec("bridge=br0,mtu=68").mtu == 68u);
    CHECK(parse_nic_spec("bridge=br0,mtu=65521").mtu == 65521u);
}

TEST_CASE("parse_nic_spec rejects MTUs a TAP cannot take, naming the range and why")
{
    for (const char* mtu : {"67", "65522", "65535", "65536", "0"}) {
        const std::string message = nic_error(std::string("bridge=br0,mtu=") + mtu);
        INFO(message);
        CHECK_THAT(message, Contains(std::string("mtu ") + mtu + " is out of range") &&
                                Contains("a TAP takes 68 to 65521") &&
                                Contains("65535 less the 14-byte Ethernet header"));
        check_one_line(message);
    }
}

TEST_CASE("parse_nic_spec rejects an MTU that is not a number")
{
    for (const char* mtu : {"", "abc", "1500x", " 1500", "-1500", "+1500", "1.5e3", "0x5dc",
                            "99999999999999999999"}) {
        const std::string message = nic_error(std::string("bridge=br0,mtu=") + mtu);
        INFO(message);
        CHECK_THAT(message, Contains("mtu") && Contains("is not a number (a TAP takes 68 to 65521)"));
        check_one_line(message);
    }
}

TEST_CASE("parse_nic_spec accepts an ifname of exactly 15 bytes")
{
    CHECK(parse_nic_spec("bridge=br0,ifname=abcdefghijklmno").ifname == "abcdefghijklmno");
    CHECK(parse_nic_spec("bridge=br0,ifname=abcdefghijklm%d").ifname == "abcdefghijklm%d");
}

TEST_CASE("parse_nic_spec rejects an ifname of 16 bytes")
{
    const std::string message = nic_error("bridge=br0,ifname=abcdefghijklmnop");
    CHECK_THAT(message, Contains("ifname") && Contains("16 bytes") && Contains("at most 15"));
    check_one_line(message);
}

TEST_CASE("parse_nic_spec rejects an empty ifname")
{
    const std::string message = nic_error("bridge=br0,ifname=");
    CHECK_THAT(message, Contains("ifname") && Contains("empty"));
}

TEST_CASE("parse_nic_spec rejects ifnames with '/', ':' or white space")
{
    for (const char* name : {"tap/0", "tap:0", "tap 0", "tap\t0", "tap\v0"}) {
        const std::string message = nic_error(std::string("bridge=br0,ifname=") + name);
        INFO(message);
        CHECK_THAT(message, Contains("ifname") && Contains("may not contain"));
    }
}

TEST_CASE("parse_nic_spec rejects '=' in an ifname")
{
    const std::string message = nic_error("bridge=br0,ifname=tap=0");
    CHECK_THAT(message, Contains("ifname 'tap=0'") && Contains("'='"));
    check_one_line(message);
}

TEST_CASE("parse_nic_spec cannot take ',' in an ifname")
{
    // The comma separates keys, so "0" is a key without '='.
    const std::string message = nic_error("bridge=br0,ifname=tap,0");
    CHECK_THAT(message, Contains("'0'") && Contains("key=value"));
    CHECK(taplaunch::ifname_problem("tap,0", true).value_or("").find("','") != std::string::npos);
}

TEST_CASE("parse_nic_spec rejects '.' and '..' as ifname")
{
    CHECK_THAT(nic_error("bridge=br0,ifname=."), Contains("not a valid interface name"));
    CHECK_THAT(nic_error("bridge=br0,ifname=.."), Contains("not a valid interface name"));
}

TEST_CASE("parse_nic_spec error messages stay on one line for a newline in the spec")
{
    // The message quotes the spec; a newline in it must come out escaped.
    for (const char* text : {"bridge=br0,ifname=tap\n0", "bridge=br\n0", "bridge=br0,model=e1\n",
                             "bridge=br0,x\ny=1"}) {
        check_one_line(nic_error(text));
    }
}

TEST_CASE("parse_nic_spec rejects templates other than a single %d")
{
    for (const char* name : {"tap%s", "tap%d%d", "tap%", "%%d", "tap%u", "t%dx%d", "tap%D"}) {
        const std::string message = nic_error(std::string("bridge=br0,ifname=") + name);
        INFO(message);
        CHECK_THAT(message, Contains("ifname") && Contains("single %d"));
        check_one_line(message);
    }
}

TEST_CASE("parse_nic_spec accepts %d anywhere in the ifname")
{
    CHECK(parse_nic_spec("bridge=br0,ifname=%d").ifname == "%d");
    CHECK(parse_nic_spec("bridge=br0,ifname=%dtap").ifname == "%dtap");
    CHECK(parse_nic_spec("bridge=br0,ifname=vm-%d-lan").ifname == "vm-%d-lan");
}

TEST_CASE("parse_nic_spec rejects a template as bridge name")
{
    const std::string message = nic_error("bridge=br%d");
    CHECK_THAT(message, Contains("bridge name 'br%d'") && Contains("only a TAP name"));
    check_one_line(message);
}

TEST_CASE("parse_nic_spec rejects a bridge name of 16 bytes")
{
    CHECK(parse_nic_spec("bridge=abcdefghijklmno").bridge == "abcdefghijklmno");
    CHECK_THAT(nic_error("bridge=abcdefghijklmnop"), Contains("bridge") && Contains("at most 15"));
}

TEST_CASE("parse_nic_spec error messages quote the spec")
{
    CHECK_THAT(nic_error("bridge=br0,mtu=9"), Contains("nic 'bridge=br0,mtu=9'"));
}

TEST_CASE("ifname_problem accepts ordinary names")
{
    CHECK_FALSE(taplaunch::ifname_problem("tap0", false));
    CHECK_FALSE(taplaunch::ifname_problem("br-lan.10", false));
    CHECK_FALSE(taplaunch::ifname_problem("tap%d", true));
}

TEST_CASE("ifname_problem rejects a template where none is allowed")
{
    const auto problem = taplaunch::ifname_problem("tap%d", false);
    REQUIRE(problem);
    CHECK_THAT(*problem, Contains("'%'"));
}
