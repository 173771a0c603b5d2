#include "definition/nic_spec.hpp"
#include "plan/emulator_argv.hpp"
#include "emulators/qemu_models.hpp"
#include "fake_host_facts.hpp"
#include "planning_cases.hpp"
#include "launch_error.hpp"
#include "plan/launch_plan.hpp"
#include "plan/tap_names.hpp"

#include "catch_compat.hpp"

#include <linux/if_tun.h>

#include <initializer_list>
#include <string>
#include <vector>

using test_matchers::Contains;
using taplaunch::DefinitionError;
using taplaunch::EmulatorKind;
using taplaunch::GuestDefinition;
using taplaunch::Handoff;
using taplaunch::HostError;
using taplaunch::LaunchPlan;
using taplaunch::make_launch_plan;
using taplaunch::parse_nic_spec;
using taplaunch::UmlTransport;
using taplaunch_test::FakeHostFacts;
using taplaunch_test::plan_error;
using taplaunch_test::qemu_guest;

namespace {

using Words = std::vector<std::string>;

// A host with bridge br0 (MTU 1500) and br1 (MTU 9000), an uplink and the loopback device.
FakeHostFacts standard_host()
{
    FakeHostFacts host;
    host.add_link("lo", "");
    host.add_link("eth0", "");
    host.add_link("br0", "bridge", 1500);
    host.add_link("br1", "bridge", 9000);
    host.add_link("veth0", "veth");
    return host;
}

bool vnet_hdr_for(const char* nic, unsigned features)
{
    FakeHostFacts host = standard_host();
    host.features = features;
    return make_launch_plan(qemu_guest({nic}), host).taps.at(0).vnet_hdr;
}

constexpr unsigned with_vnet_hdr = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
constexpr unsigned without_vnet_hdr = IFF_TAP | IFF_NO_PI;

}  // namespace

TEST_CASE("make_launch_plan plans one QEMU TAP on a bridge")
{
    const FakeHostFacts host = standard_host();
    const LaunchPlan plan =
        make_launch_plan(qemu_guest({"bridge=br0,mac=52:54:00:12:34:56"}, {"-m", "512"}), host);
    CHECK(plan.guest_name == "guest");
    CHECK(plan.emulator_kind == EmulatorKind::qemu);
    CHECK(plan.handoff == Handoff::exec);
    CHECK(plan.emulator_path == "/usr/bin/qemu-system-x86_64");
    CHECK(plan.base_argv == Words{"qemu-system-x86_64", "-m", "512"});
    REQUIRE(plan.taps.size() == 1);
    const auto& tap = plan.taps[0];
    CHECK(tap.nic_index == 0);
    CHECK(tap.requested_ifname == "tap%d");
    CHECK(tap.bridge == "br0");
    CHECK(tap.bridge_ifindex == host.links.at("br0").ifindex);
    CHECK(tap.guest_mac.to_string() == "52:54:00:12:34:56");
    CHECK(tap.tap_mac.to_string() == "fe:54:00:12:34:56");
    CHECK(tap.mtu == 1500);
    CHECK(tap.vnet_hdr);
    CHECK(tap.device_model == "virtio-net-pci");
    CHECK(tap.queue_fds == std::vector<int>{3});
    CHECK_FALSE(tap.persistent);
    // Every TAP carries an owner record (taplaunch list reads it), persistent or not.
    CHECK(tap.owner_alias == "taplaunch pid=4242 start=987654 guest=guest mac=52:54:00:12:34:56 uid=1000");
}

TEST_CASE("make_launch_plan builds the exact QEMU argv after the user's arguments")
{
    const FakeHostFacts host = standard_host();
    const LaunchPlan plan = make_launch_plan(
        qemu_guest({"bridge=br0,mac=52:54:00:12:34:56",
                    "bridge=br1,mac=52:54:00:ab:cd:ef,model=e1000,ifname=vm1"},
                   {"-m", "512", "-nographic"}),
        host);
    CHECK(plan.argv == Words{"qemu-system-x86_64",
                             "-m",
                             "512",
                             "-nographic",
                             "-netdev",
                             "tap,id=net0,fd=3",
                             "-device",
                             "virtio-net-pci,netdev=net0,mac=52:54:00:12:34:56",
                             "-netdev",
                             "tap,id=net1,fd=4",
                             "-device",
                             "e1000,netdev=net1,mac=52:54:00:ab:cd:ef"});
}

TEST_CASE("make_launch_plan argv is just the command without NICs")
{
    const FakeHostFacts host = standard_host();
    const LaunchPlan plan = make_launch_plan(qemu_guest({}, {"-m", "1G"}), host);
    CHECK(plan.taps.empty());
    CHECK(plan.argv == Words{"qemu-system-x86_64", "-m", "1G"});
}

TEST_CASE("emulator_argv uses the TAP names it is given only for UML")
{
    const FakeHostFacts host = standard_host();
    const LaunchPlan plan = make_launch_plan(qemu_guest({"bridge=br0"}), host);
    CHECK(taplaunch::emulator_argv(plan, {"tap7"}) == plan.argv);
}

TEST_CASE("make_launch_plan rejects a missing bridge")
{
    const FakeHostFacts host = standard_host();
    const std::string message = plan_error(qemu_guest({"bridge=br0", "bridge=br5"}), host);
    CHECK_THAT(message, Contains("nic 1") && Contains("bridge 'br5' does not exist") &&
                            Contains("ip link add br5 type bridge"));
    CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("make_launch_plan rejects a device that is not a bridge")
{
    const FakeHostFacts host = standard_host();
    const std::string veth = plan_error(qemu_guest({"bridge=veth0"}), host);
    CHECK_THAT(veth, Contains("nic 0") && Contains("'veth0' is a veth device, not a bridge") &&
                         Contains("type bridge"));
    const std::string plain = plan_error(qemu_guest({"bridge=eth0"}), host);
    CHECK_THAT(plain, Contains("'eth0' is not a bridge"));
}

TEST_CASE("make_launch_plan rejects a TAP name that already exists")
{
    FakeHostFacts host = standard_host();
    host.add_link("vm0", "tun");
    const std::string message = plan_error(qemu_guest({"bridge=br0,ifname=vm0"}), host);
    CHECK_THAT(message, Contains("nic 0") && Contains("'vm0' already exists") &&
                            Contains("ip link del vm0"));
    CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("make_launch_plan rejects an ifname that names the bridge itself")
{
    const FakeHostFacts host = standard_host();
    CHECK_THAT(plan_error(qemu_guest({"bridge=br0,ifname=br0"}), host),
               Contains("'br0' already exists"));
}

TEST_CASE("make_launch_plan does not look up template names")
{
    FakeHostFacts host = standard_host();
    host.add_link("tap%d", "tun");  // no device has this name; the fake is just literal
    host.add_link("tap0", "tun");
    const LaunchPlan plan = make_launch_plan(qemu_guest({"bridge=br0", "bridge=br0"}), host);
    CHECK(plan.taps.size() == 2);
}

TEST_CASE("make_launch_plan rejects two NICs with the same exact ifname")
{
    const FakeHostFacts host = standard_host();
    const std::string message = plan_error(
        qemu_guest({"bridge=br0,ifname=vm0", "bridge=br1,ifname=vm1", "bridge=br1,ifname=vm0"}),
        host);
    CHECK_THAT(message, Contains("nic 2") && Contains("ifname 'vm0'") && Contains("nic 0's too"));
    CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("make_launch_plan allows the same template for several NICs")
{
    const FakeHostFacts host = standard_host();
    const LaunchPlan plan =
        make_launch_plan(qemu_guest({"bridge=br0,ifname=vm%d", "bridge=br1,ifname=vm%d"}), host);
    REQUIRE(plan.taps.size() == 2);
    CHECK(plan.taps[0].requested_ifname == "vm%d");
    CHECK(plan.taps[1].requested_ifname == "vm%d");
}

TEST_CASE("make_launch_plan vnet_hdr=auto follows the kernel for virtio")
{
    CHECK(vnet_hdr_for("bridge=br0", with_vnet_hdr));
    CHECK_FALSE(vnet_hdr_for("bridge=br0", without_vnet_hdr));
}

TEST_CASE("make_launch_plan vnet_hdr=auto follows the model")
{
    for (const char* nic : {"bridge=br0,model=virtio-net-pci", "bridge=br0,model=vmxnet3",
                            "bridge=br0,model=e1000e", "bridge=br0,model=igb",
                            "bridge=br0,model=virtio-net-device"}) {
        INFO(nic);
        CHECK(vnet_hdr_for(nic, with_vnet_hdr));
        CHECK_FALSE(vnet_hdr_for(nic, without_vnet_hdr));
    }
    for (const char* nic : {"bridge=br0,model=e1000", "bridge=br0,model=rtl8139",
                            "bridge=br0,model=ne2k_pci"}) {
        INFO(nic);
        CHECK_FALSE(vnet_hdr_for(nic, with_vnet_hdr));
    }
}

TEST_CASE("make_launch_plan vnet_hdr=on forces the header for any model")
{
    CHECK(vnet_hdr_for("bridge=br0,vnet_hdr=on", with_vnet_hdr));
    CHECK(vnet_hdr_for("bridge=br0,model=e1000,vnet_hdr=on", with_vnet_hdr));
}

TEST_CASE("make_launch_plan rejects vnet_hdr=on without kernel support")
{
    FakeHostFacts host = standard_host();
    host.features = without_vnet_hdr;
    const std::string message =
        plan_error(qemu_guest({"bridge=br0", "bridge=br0,vnet_hdr=on"}), host);
    CHECK_THAT(message, Contains("nic 1") && Contains("vnet_hdr=on") &&
                            Contains("IFF_VNET_HDR") && Contains("auto or off"));
}

TEST_CASE("make_launch_plan vnet_hdr=off drops the header")
{
    CHECK_FALSE(vnet_hdr_for("bridge=br0,vnet_hdr=off", with_vnet_hdr));
    CHECK_FALSE(vnet_hdr_for("bridge=br0,model=vmxnet3,vnet_hdr=off", with_vnet_hdr));
}

TEST_CASE("make_launch_plan resolves virtio to virtio-net-pci and keeps other models")
{
    const FakeHostFacts host = standard_host();
    const LaunchPlan plan = make_launch_plan(
        qemu_guest({"bridge=br0", "bridge=br0,model=virtio", "bridge=br0,model=vmxnet3"}), host);
    CHECK(plan.taps[0].device_model == "virtio-net-pci");
    CHECK(plan.taps[1].device_model == "virtio-net-pci");
    CHECK(plan.taps[2].device_model == "vmxnet3");
}

TEST_CASE("model_uses_vnet_hdr knows the header-using models")
{
    CHECK(taplaunch::model_uses_vnet_hdr("virtio-net-pci"));
    CHECK(taplaunch::model_uses_vnet_hdr("virtio-net-ccw"));
    CHECK(taplaunch::model_uses_vnet_hdr("e1000e"));
    CHECK(taplaunch::model_uses_vnet_hdr("igb"));
    CHECK(taplaunch::model_uses_vnet_hdr("vmxnet3"));
    CHECK_FALSE(taplaunch::model_uses_vnet_hdr("e1000"));
    CHECK_FALSE(taplaunch::model_uses_vnet_hdr("rtl8139"));
    CHECK_FALSE(taplaunch::model_uses_vnet_hdr("virtio"));
}

TEST_CASE("make_launch_plan takes the MTU from the bridge unless mtu= is given")
{
    const FakeHostFacts host = standard_host();
    const LaunchPlan plan = make_launch_plan(
        qemu_guest({"bridge=br0", "bridge=br1", "bridge=br1,mtu=1400", "bridge=br0,mtu=68"}),
        host);
    CHECK(plan.taps[0].mtu == 1500);
    CHECK(plan.taps[1].mtu == 9000);
    CHECK(plan.taps[2].mtu == 1400);
    CHECK(plan.taps[3].mtu == 68);
}

TEST_CASE("make_launch_plan derives the TAP MAC with the 0xFE rule")
{
    const FakeHostFacts host = standard_host();
    // Two launches: in one, the first TAP would carry the second NIC's guest MAC.
    const LaunchPlan plan = make_launch_plan(qemu_guest({"bridge=br0,mac=02:11:22:33:44:55"}), host);
    CHECK(plan.taps[0].tap_mac.to_string() == "fe:11:22:33:44:55");
    const LaunchPlan fe_plan =
        make_launch_plan(qemu_guest({"bridge=br0,mac=fe:11:22:33:44:55"}), host);
    CHECK(fe_plan.taps[0].guest_mac.to_string() == "fe:11:22:33:44:55");
    CHECK(fe_plan.taps[0].tap_mac.to_string() == "fa:11:22:33:44:55");
}

TEST_CASE("make_launch_plan derives default MACs from the guest name and NIC index")
{
    const FakeHostFacts host = standard_host();
    GuestDefinition guest = qemu_guest({"bridge=br0", "bridge=br0,mac=52:54:00:00:00:01",
                                        "bridge=br0"});
    const LaunchPlan plan = make_launch_plan(guest, host);
    CHECK(plan.taps[0].guest_mac.to_string() == "52:54:00:95:1e:6c");  // "guest/0"
    CHECK(plan.taps[0].tap_mac.to_string() == "fe:54:00:95:1e:6c");
    CHECK(plan.taps[2].guest_mac == taplaunch::default_guest_mac("guest", 2));
    CHECK(plan.taps[2].guest_mac != plan.taps[0].guest_mac);

    guest.name = "web";
    const LaunchPlan renamed = make_launch_plan(guest, host);
    CHECK(renamed.guest_name == "web");
    CHECK(renamed.taps[0].guest_mac == taplaunch::default_guest_mac("web", 0));
    CHECK(renamed.taps[0].guest_mac != plan.taps[0].guest_mac);
    CHECK(renamed.taps[1].guest_mac.to_string() == "52:54:00:00:00:01");
}

TEST_CASE("make_launch_plan puts the argv MAC and the guest MAC in agreement")
{
    const FakeHostFacts host = standard_host();
    const LaunchPlan plan = make_launch_plan(qemu_guest({"bridge=br0"}), host);
    CHECK(plan.argv.back() == "virtio-net-pci,netdev=net0,mac=52:54:00:95:1e:6c");
}

TEST_CASE("make_launch_plan numbers emulator fds from 3")
{
    const FakeHostFacts host = standard_host();
    const LaunchPlan plan =
        make_launch_plan(qemu_guest({"bridge=br0", "bridge=br0", "bridge=br1"}), host);
    CHECK(plan.taps[0].queue_fds == std::vector<int>{3});
    CHECK(plan.taps[1].queue_fds == std::vector<int>{4});
    CHECK(plan.taps[2].queue_fds == std::vector<int>{5});
}

TEST_CASE("make_launch_plan skips inherited fds when numbering")
{
    FakeHostFacts host = standard_host();
    host.inherited = {3, 5};
    const LaunchPlan plan =
        make_launch_plan(qemu_guest({"bridge=br0", "bridge=br0", "bridge=br1"}), host);
    CHECK(plan.taps[0].queue_fds == std::vector<int>{4});
    CHECK(plan.taps[1].queue_fds == std::vector<int>{6});
    CHECK(plan.taps[2].queue_fds == std::vector<int>{7});
    CHECK(plan.argv[2] == "tap,id=net0,fd=4");
    CHECK(plan.argv[6] == "tap,id=net1,fd=6");
    CHECK(plan.argv[10] == "tap,id=net2,fd=7");
}

TEST_CASE("make_launch_plan detects QEMU and UML from the emulator's name")
{
    const FakeHostFacts host = standard_host();
    GuestDefinition guest = qemu_guest({});
    guest.emulator = "/opt/qemu/bin/qemu-system-aarch64";
    CHECK(make_launch_plan(guest, host).emulator_kind == EmulatorKind::qemu);
    guest.emulator = "linux";
    CHECK(make_launch_plan(guest, host).emulator_kind == EmulatorKind::uml);
    guest.emulator = "./linux";
    CHECK(make_launch_plan(guest, host).emulator_kind == EmulatorKind::uml);
}

TEST_CASE("detect_emulator_kind reads only the basename")
{
    CHECK(taplaunch::detect_emulator_kind("qemu-system-x86_64") == EmulatorKind::qemu);
    CHECK(taplaunch::detect_emulator_kind("/usr/bin/qemu-system-riscv64") == EmulatorKind::qemu);
    CHECK(taplaunch::detect_emulator_kind("linux.uml") == EmulatorKind::uml);
    CHECK(taplaunch::detect_emulator_kind("/boot/vmlinux") == EmulatorKind::uml);
    CHECK_FALSE(taplaunch::detect_emulator_kind("/qemu-system-x86_64/linux-wrapper"));
    CHECK_FALSE(taplaunch::detect_emulator_kind("qemu-kvm"));
    CHECK_FALSE(taplaunch::detect_emulator_kind("kvm"));
    CHECK_FALSE(taplaunch::detect_emulator_kind("linux-6.1"));
}

TEST_CASE("make_launch_plan rejects an emulator of unknown kind")
{
    FakeHostFacts host = standard_host();
    host.programs["qemu-kvm"] = "/usr/libexec/qemu-kvm";
    GuestDefinition guest = qemu_guest({"bridge=br0"});
    guest.emulator = "qemu-kvm";
    const std::string message = plan_error(guest, host);
    CHECK_THAT(message, Contains("'qemu-kvm'") && Contains("--emulator-kind qemu"));
    CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("make_launch_plan takes an explicit emulator kind over the name")
{
    FakeHostFacts host = standard_host();
    host.programs["qemu-kvm"] = "/usr/libexec/qemu-kvm";
    GuestDefinition guest = qemu_guest({"bridge=br0"});
    guest.emulator = "qemu-kvm";
    guest.emulator_kind = EmulatorKind::qemu;
    const LaunchPlan plan = make_launch_plan(guest, host);
    CHECK(plan.emulator_kind == EmulatorKind::qemu);
    CHECK(plan.emulator_path == "/usr/libexec/qemu-kvm");
    CHECK(plan.argv.front() == "qemu-kvm");
}

TEST_CASE("make_launch_plan throws HostError when the emulator is not found")
{
    FakeHostFacts host = standard_host();
    host.programs.clear();
    const GuestDefinition guest = qemu_guest({"bridge=br0"});
    try {
        make_launch_plan(guest, host);
        FAIL("no HostError");
    } catch (const HostError& error) {
        const std::string message = error.what();
        CHECK_THAT(message, Contains("'qemu-system-x86_64' not found in PATH") &&
                                Contains("qemu-system-x86"));
        CHECK(message.find('\n') == std::string::npos);
    }
}

TEST_CASE("make_launch_plan names a missing emulator path without PATH")
{
    FakeHostFacts host = standard_host();
    host.programs.clear();
    GuestDefinition guest = qemu_guest({});
    guest.emulator = "/opt/uml/linux";
    try {
        make_launch_plan(guest, host);
        FAIL("no HostError");
    } catch (const HostError& error) {
        const std::string message = error.what();
        CHECK_THAT(message, Contains("'/opt/uml/linux' not found") &&
                                Contains("user-mode-linux"));
        CHECK_FALSE(Contains("PATH").match(message));
    }
}

TEST_CASE("make_launch_plan plans UML TAPs by name, persistent and supervised")
{
    const FakeHostFacts host = standard_host();
    GuestDefinition guest = qemu_guest({"bridge=br0,mac=52:54:00:12:34:56", "bridge=br1"},
                                       {"mem=256M"});
    guest.emulator = "linux";
    guest.name = "uml1";
    const LaunchPlan plan = make_launch_plan(guest, host);
    CHECK(plan.emulator_kind == EmulatorKind::uml);
    CHECK(plan.handoff == Handoff::supervise);
    REQUIRE(plan.taps.size() == 2);
    CHECK(plan.taps[0].persistent);
    CHECK(plan.taps[0].queue_fds.empty());
    CHECK_FALSE(plan.taps[0].vnet_hdr);
    CHECK(plan.taps[0].device_model.empty());
    CHECK(plan.taps[0].owner_uid == 1000);
    CHECK(plan.taps[0].owner_alias ==
          "taplaunch pid=4242 start=987654 guest=uml1 mac=52:54:00:12:34:56 uid=1000");
    CHECK(plan.taps[1].mtu == 9000);
    CHECK(plan.argv ==
          Words{"linux", "mem=256M", "vec0:transport=tap,ifname=tap%d,mac=52:54:00:12:34:56,gro=1",
                "vec1:transport=tap,ifname=tap%d,mac=" +
                    taplaunch::default_guest_mac("uml1", 1).to_string() + ",gro=1"});
}

TEST_CASE("make_launch_plan plans UML fd transport like QEMU fds")
{
    FakeHostFacts host = standard_host();
    host.inherited = {3};
    GuestDefinition guest = qemu_guest({"bridge=br0,mac=52:54:00:12:34:56"});
    guest.emulator = "linux";
    guest.uml_transport = UmlTransport::fd;
    guest.uml_transport_given = true;
    const LaunchPlan plan = make_launch_plan(guest, host);
    CHECK(plan.handoff == Handoff::exec);
    CHECK_FALSE(plan.taps[0].persistent);
    CHECK(plan.taps[0].queue_fds == std::vector<int>{4});
    CHECK_FALSE(plan.taps[0].vnet_hdr);
    CHECK(plan.argv ==
          Words{"linux", "vec0:transport=fd,fd=4,mac=52:54:00:12:34:56,vec=0"});
}

TEST_CASE("make_launch_plan uses the legacy UML tuntap form")
{
    const FakeHostFacts host = standard_host();
    GuestDefinition guest = qemu_guest({"bridge=br0,mac=52:54:00:12:34:56,ifname=uml0"});
    guest.emulator = "linux";
    guest.uml_transport = UmlTransport::tuntap;
    const LaunchPlan plan = make_launch_plan(guest, host);
    CHECK(plan.argv == Words{"linux", "eth0=tuntap,uml0,52:54:00:12:34:56"});
}

TEST_CASE("make_launch_plan --supervise keeps QEMU TAPs on fds")
{
    const FakeHostFacts host = standard_host();
    GuestDefinition guest = qemu_guest({"bridge=br0"});
    guest.supervise = true;
    const LaunchPlan plan = make_launch_plan(guest, host);
    CHECK(plan.handoff == Handoff::supervise);
    CHECK(plan.taps[0].queue_fds == std::vector<int>{3});
    CHECK_FALSE(plan.taps[0].persistent);
}

TEST_CASE("make_launch_plan rejects model= for UML")
{
    const FakeHostFacts host = standard_host();
    GuestDefinition guest = qemu_guest({"bridge=br0,model=virtio"});
    guest.emulator = "linux";
    CHECK_THAT(plan_error(guest, host), Contains("model=virtio") && Contains("drop model="));
}

TEST_CASE("make_launch_plan rejects vnet_hdr= for UML by-name transports")
{
    const FakeHostFacts host = standard_host();
    GuestDefinition guest = qemu_guest({"bridge=br0,vnet_hdr=off"});
    guest.emulator = "linux";
    CHECK_THAT(plan_error(guest, host), Contains("vnet_hdr=") && Contains("transport tap"));
}

TEST_CASE("make_launch_plan rejects vnet_hdr=on for the UML fd transport")
{
    const FakeHostFacts host = standard_host();
    GuestDefinition guest = qemu_guest({"bridge=br0,vnet_hdr=on"});
    guest.emulator = "linux";
    guest.uml_transport = UmlTransport::fd;
    guest.uml_transport_given = true;
    CHECK_THAT(plan_error(guest, host), Contains("vnet_hdr=on") && Contains("fd"));
}

TEST_CASE("make_launch_plan rejects --uml-transport for QEMU")
{
    const FakeHostFacts host = standard_host();
    GuestDefinition guest = qemu_guest({"bridge=br0"});
    guest.uml_transport = UmlTransport::fd;
    guest.uml_transport_given = true;
    CHECK_THAT(plan_error(guest, host), Contains("--uml-transport applies only to UML"));
}

TEST_CASE("make_launch_plan rejects --owner for TAPs on fds")
{
    const FakeHostFacts host = standard_host();
    GuestDefinition guest = qemu_guest({"bridge=br0"});
    guest.owner = "alice";
    CHECK_THAT(plan_error(guest, host), Contains("--owner"));
}

TEST_CASE("make_launch_plan resolves --owner for UML TAPs")
{
    FakeHostFacts host = standard_host();
    GuestDefinition guest = qemu_guest({"bridge=br0"});
    guest.emulator = "linux";
    host.caller = 0;  // root gives TAPs to anyone
    guest.owner = "alice";
    CHECK(make_launch_plan(guest, host).taps[0].owner_uid == 1001);
    guest.owner = "mallory";
    CHECK_THAT(plan_error(guest, host), Contains("owner 'mallory' is not a user"));
}

TEST_CASE("make_launch_plan rejects an exact ifname another NIC's template could be given")
{
    const FakeHostFacts host = standard_host();
    for (const auto& [first, second] :
         std::initializer_list<std::pair<const char*, const char*>>{
             {"bridge=br0", "bridge=br0,ifname=tap0"},
             {"bridge=br0,ifname=tap12", "bridge=br0"},
             {"bridge=br0,ifname=vm%d-x", "bridge=br1,ifname=vm3-x"}}) {
        INFO(first << " / " << second);
        const std::string message = plan_error(qemu_guest({first, second}), host);
        CHECK_THAT(message, Contains("nic 1") && Contains("can name the same TAP"));
    }
}

TEST_CASE("make_launch_plan allows exact names a template cannot produce")
{
    const FakeHostFacts host = standard_host();
    for (const char* exact : {"ifname=tapx", "ifname=tap", "ifname=vm0", "ifname=tap0a"}) {
        INFO(exact);
        const std::string second = std::string("bridge=br0,") + exact;
        CHECK(make_launch_plan(qemu_guest({"bridge=br0", second.c_str()}), host).taps.size() == 2);
    }
}

TEST_CASE("make_launch_plan rejects two NICs with the same guest MAC")
{
    const FakeHostFacts host = standard_host();
    const std::string message = plan_error(
        qemu_guest({"bridge=br0,mac=52:54:00:00:00:01", "bridge=br1,mac=52:54:00:00:00:01"}), host);
    CHECK_THAT(message, Contains("nic 1") && Contains("52:54:00:00:00:01") && Contains("nic 0's too"));
}

TEST_CASE("make_launch_plan tells a virtio guest an MTU other than 1500 through host_mtu")
{
    const FakeHostFacts host = standard_host();
    const LaunchPlan plan = make_launch_plan(
        qemu_guest({"bridge=br0,mac=52:54:00:00:00:01,mtu=9000",
                    "bridge=br0,mac=52:54:00:00:00:02,mtu=9000,model=e1000",
                    "bridge=br1,mac=52:54:00:00:00:03,mtu=1500"}),
        host);
    CHECK(plan.argv.at(4) == "virtio-net-pci,netdev=net0,mac=52:54:00:00:00:01,host_mtu=9000");
    CHECK(plan.argv.at(8) == "e1000,netdev=net1,mac=52:54:00:00:00:02");
    CHECK(plan.argv.at(12) == "virtio-net-pci,netdev=net2,mac=52:54:00:00:00:03");
}

TEST_CASE("emulator_argv puts UML's NIC options before the init arguments after --")
{
    const FakeHostFacts host = standard_host();
    GuestDefinition guest;
    guest.emulator = "linux";
    guest.emulator_args = {"mem=64M", "init=/bin/sh", "--", "-c", "echo --"};
    guest.nics.push_back(parse_nic_spec("bridge=br0,mac=52:54:00:00:00:01"));
    const LaunchPlan plan = make_launch_plan(guest, host);
    CHECK(taplaunch::emulator_argv(plan, {"tap7"}) ==
          Words{"linux", "mem=64M", "init=/bin/sh",
                "vec0:transport=tap,ifname=tap7,mac=52:54:00:00:00:01,gro=1", "--", "-c", "echo --"});
}

TEST_CASE("emulator_argv looks for UML's -- only after the word naming UML")
{
    FakeHostFacts host = standard_host();
    host.programs["sudo"] = "/usr/bin/sudo";
    GuestDefinition guest;
    guest.emulator = "sudo";
    guest.emulator_kind = EmulatorKind::uml;
    guest.nics.push_back(parse_nic_spec("bridge=br0,mac=52:54:00:00:00:01"));
    const std::string nic = "vec0:transport=tap,ifname=tap0,mac=52:54:00:00:00:01,gro=1";

    guest.emulator_args = {"-u", "alice", "--", "/usr/bin/linux", "mem=64M"};
    CHECK(taplaunch::emulator_argv(make_launch_plan(guest, host), {"tap0"}) ==
          Words{"sudo", "-u", "alice", "--", "/usr/bin/linux", "mem=64M", nic});

    guest.emulator_args = {"-u", "alice", "--", "linux", "init=/bin/sh", "--", "-c", "true"};
    CHECK(taplaunch::emulator_argv(make_launch_plan(guest, host), {"tap0"}) ==
          Words{"sudo", "-u", "alice", "--", "linux", "init=/bin/sh", nic, "--", "-c", "true"});
}

TEST_CASE("make_launch_plan's hint for a taken TAP name fits what holds the name")
{
    const auto [kind, alias, expected, unexpected] =
        GENERATE(table<const char*, const char*, const char*, const char*>({
            {"tun", "taplaunch pid=7 start=9 guest=web", "TAP taplaunch made for guest web: taplaunch gc --dry-run", "ip link del"},
            {"tun", "", "a TAP taplaunch did not make: remove it with ip link del vm0 if nothing uses it", "gc"},
            {"tun", "the lab's tap", "a TAP taplaunch did not make", "gc"},
            {"veth", "", "(choose another ifname=)", "ip link del"},
            {"", "", "(choose another ifname=)", "ip link del"},
        }));
    FakeHostFacts host = standard_host();
    host.add_link("vm0", kind).alias = alias;
    const std::string message = plan_error(qemu_guest({"bridge=br0,ifname=vm0"}), host);
    INFO(message);
    CHECK_THAT(message, Contains("nic 0: device 'vm0' already exists") && Contains(expected));
    CHECK_FALSE(Contains(unexpected).match(message));
    CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("make_launch_plan suggests a package only for QEMU's and UML's names")
{
    const auto [emulator, expected, unexpected] =
        GENERATE(table<const char*, const char*, const char*>({
            {"qemu-system-x86_64", "(install it: apt-get install qemu-system-x86, or give its full path)", "check the path"},
            {"qemu-system-aarch64", "apt-get install qemu-system-arm", "check"},
            {"qemu-system-riscv64", "apt-get install qemu-system-misc", "check"},
            {"/opt/qemu/qemu-system-x86_64", "(install it: apt-get install qemu-system-x86)", "full path"},
            {"linux", "apt-get install user-mode-linux, or give its full path", "check"},
            {"sudo", "(install it, or give its full path)", "apt-get"},
            {"/usr/local/bin/my-wrapper", "(check the path)", "apt-get"},
        }));
    FakeHostFacts host = standard_host();
    host.programs.clear();
    GuestDefinition guest = qemu_guest({});
    guest.emulator = emulator;
    guest.emulator_kind = EmulatorKind::qemu;
    INFO(emulator);
    try {
        make_launch_plan(guest, host);
        FAIL("no HostError");
    } catch (const HostError& error) {
        CHECK_THAT(error.what(), Contains(expected));
        CHECK_FALSE(Contains(unexpected).match(error.what()));
    }
}

TEST_CASE("make_launch_plan keeps an MTU within what the bridge takes")
{
    FakeHostFacts host = standard_host();
    auto& bridge = host.add_link("br2", "bridge", 1500);
    bridge.min_mtu = 68;
    bridge.max_mtu = 9000;
    CHECK_THAT(plan_error(qemu_guest({"bridge=br2,mtu=9001"}), host),
               Contains("nic 0: mtu 9001 is outside 68..9000, what bridge br2 takes"));
    CHECK(make_launch_plan(qemu_guest({"bridge=br2,mtu=9000"}), host).taps.at(0).mtu == 9000u);
}

TEST_CASE("make_launch_plan notes an MTU that differs from the bridge's")
{
    const FakeHostFacts host = standard_host();
    CHECK(make_launch_plan(qemu_guest({"bridge=br0,mtu=1500"}), host).notes.empty());
    CHECK(make_launch_plan(qemu_guest({"bridge=br0"}), host).notes.empty());
    const LaunchPlan below = make_launch_plan(qemu_guest({"bridge=br0", "bridge=br1,mtu=1400"}), host);
    REQUIRE(below.notes.size() == 1);
    CHECK_THAT(below.notes[0], Contains("nic 1: mtu 1400 is below bridge br1's MTU 9000") &&
                                   Contains("lowers its own MTU") && Contains("set by hand") &&
                                   Contains("ip link set br1 mtu 9000"));
    const LaunchPlan above = make_launch_plan(qemu_guest({"bridge=br0,mtu=9000"}), host);
    REQUIRE(above.notes.size() == 1);
    CHECK_THAT(above.notes[0], Contains("nic 0: mtu 9000 is above bridge br0's MTU 1500"));
}

TEST_CASE("make_launch_plan stops at the first problem, or lists every one for --dry-run")
{
    FakeHostFacts host = standard_host();
    host.add_link("vm0", "veth");
    host.programs.clear();
    const GuestDefinition guest =
        qemu_guest({"bridge=br9", "bridge=br0,ifname=vm0", "bridge=br0", "bridge=veth0"});
    const std::string first = plan_error(guest, host);
    CHECK_THAT(first, Contains("nic 0: bridge 'br9' does not exist"));
    try {
        make_launch_plan(guest, host, true);
        FAIL("no DefinitionProblems");
    } catch (const taplaunch::DefinitionProblems& problems) {
        REQUIRE(problems.lines().size() == 4);
        CHECK_THAT(problems.lines()[0], Contains("nic 0: bridge 'br9' does not exist"));
        CHECK_THAT(problems.lines()[1], Contains("nic 1: device 'vm0' already exists"));
        CHECK_THAT(problems.lines()[2], Contains("nic 3: 'veth0' is a veth device, not a bridge"));
        CHECK_THAT(problems.lines()[3], Contains("emulator 'qemu-system-x86_64' not found"));
        CHECK(std::string(problems.what()) == problems.lines()[0]);
    }
}

TEST_CASE("make_launch_plan lists the missing emulator alone as a host error")
{
    FakeHostFacts host = standard_host();
    host.programs.clear();
    CHECK_THROWS_AS(make_launch_plan(qemu_guest({"bridge=br0"}), host, true), HostError);
}

TEST_CASE("predict_tap_names gives each template the kernel's lowest free number")
{
    FakeHostFacts host = standard_host();
    host.add_link("tap0", "tun");
    host.add_link("tap2", "tun");
    GuestDefinition guest = qemu_guest({"bridge=br0", "bridge=br0,ifname=web0", "bridge=br0",
                                        "bridge=br1,ifname=x%dy"});
    guest.emulator = "linux";
    LaunchPlan plan = make_launch_plan(guest, host);
    CHECK(plan.argv.at(1) == "vec0:transport=tap,ifname=tap%d,mac=" +
                                 plan.taps[0].guest_mac.to_string() + ",gro=1");
    taplaunch::predict_tap_names(plan, host);
    CHECK(plan.taps[0].predicted_ifname == "tap1");
    CHECK(plan.taps[1].predicted_ifname == "web0");
    CHECK(plan.taps[2].predicted_ifname == "tap3");
    CHECK(plan.taps[3].predicted_ifname == "x0y");
    CHECK(plan.argv.at(1) == "vec0:transport=tap,ifname=tap1,mac=" +
                                 plan.taps[0].guest_mac.to_string() + ",gro=1");
    CHECK(plan.argv.at(3) == "vec2:transport=tap,ifname=tap3,mac=" +
                                 plan.taps[2].guest_mac.to_string() + ",gro=1");
}

TEST_CASE("make_launch_plan rejects one bridge given two different mtu=")
{
    const FakeHostFacts host = standard_host();
    CHECK_THAT(plan_error(qemu_guest({"bridge=br1,mtu=9000", "bridge=br0", "bridge=br1,mtu=1400"}),
                          host),
               Contains("nic 2: mtu 1400 on bridge br1 conflicts with nic 0's mtu 9000"));
    // One given, one the bridge's: the note about the bridge's MTU covers it.
    CHECK(make_launch_plan(qemu_guest({"bridge=br1", "bridge=br1,mtu=1400"}), host).taps.size() == 2);
    CHECK(make_launch_plan(qemu_guest({"bridge=br1,mtu=1400", "bridge=br1,mtu=1400"}), host)
              .taps.size() == 2);
}

TEST_CASE("make_launch_plan checks the bridge names of QEMU's own bridge forms")
{
    const FakeHostFacts host = standard_host();
    CHECK_THAT(plan_error(qemu_guest({}, {"-nic", "bridge,br=abcdefghijklmnop"}), host),
               Contains("nic 0: bridge name 'abcdefghijklmnop' is 16 bytes long"));
    CHECK_THAT(plan_error(qemu_guest({}, {"-nic", "bridge,br=a/b"}), host),
               Contains("nic 0: bridge name 'a/b' contains '/'"));
}
