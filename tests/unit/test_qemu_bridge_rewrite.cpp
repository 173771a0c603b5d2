#include "definition/shell_words.hpp"
#include "emulators/qemu_bridge_rewrite.hpp"
#include "emulators/qemu_id_allocator.hpp"
#include "emulators/qemu_network_scan.hpp"
#include "launch_error.hpp"

#include "catch_compat.hpp"

#include <stdexcept>
#include <string>
#include <vector>

using test_matchers::Contains;
using test_matchers::StartsWith;
using taplaunch::DefinitionError;
using taplaunch::MacAddress;
using taplaunch::QemuBridgeForm;
using taplaunch::QemuBridgeNic;
using taplaunch::QemuBridgeTap;
using taplaunch::QemuIdAllocator;
using taplaunch::QemuNetworkScan;
using taplaunch::rewrite_qemu_bridges;
using taplaunch::scan_qemu_arguments;
using taplaunch::split_shell_words;

namespace {

MacAddress mac(const char* text)
{
    return *MacAddress::parse(text);
}

// The MAC a caller passes for a NIC whose arguments give none.
const char* const default_mac = "52:54:00:aa:bb:01";

QemuBridgeTap tap(int fd, const char* guest_mac = default_mac)
{
    return {{fd}, {}, mac(guest_mac)};
}

QemuBridgeTap queue_tap(std::vector<int> queue_fds, std::vector<int> vhost_fds,
                        const char* guest_mac = default_mac)
{
    return {std::move(queue_fds), std::move(vhost_fds), mac(guest_mac)};
}

// One found NIC in one line: "netdev br=br0 id=n1 mac=- model=virtio-net at=2 nic=4 helper=-".
std::string describe(const QemuBridgeNic& nic)
{
    const char* form = nic.form == QemuBridgeForm::netdev ? "netdev"
                       : nic.form == QemuBridgeForm::nic  ? "nic"
                                                          : "net";
    return std::string(form) + " br=" + nic.bridge + " id=" +
           (nic.netdev_id.empty() ? "-" : nic.netdev_id) +
           " mac=" + (nic.mac ? nic.mac->to_string() : "-") +
           " model=" + nic.model.value_or("?") + " at=" + std::to_string(nic.backend_index) +
           " nic=" + (nic.guest_nic_index ? std::to_string(*nic.guest_nic_index) : "-") +
           " helper=" + nic.helper.value_or("-");
}

struct RewriteCase {
    const char* source;     // where the command line comes from
    const char* line;       // the emulator's arguments, as a shell would split them
    std::vector<QemuBridgeTap> taps;
    const char* expected;   // the rewritten arguments
    std::vector<const char*> nics;  // describe() of each found NIC
};

// Command lines from public sources (shell variables replaced by values), each rewritten.
// Indices in `nics` count the emulator's arguments from 0.
const std::vector<RewriteCase>& rewrite_cases()
{
    static const std::vector<RewriteCase> cases = {
        // QEMU 7.2 documentation, -netdev bridge (qemu-options.hx; man qemu-system(1);
        // https://www.qemu.org/docs/master/system/invocation.html#hxtool-5)
        {"qemu docs: -netdev bridge, default bridge",
         R"(linux.img -netdev bridge,id=n1 -device virtio-net,netdev=n1)",
         {tap(3)},
         R"(linux.img -netdev tap,id=n1,fd=3 -device virtio-net,netdev=n1,mac=52:54:00:aa:bb:01)",
         {"netdev br=br0 id=n1 mac=- model=virtio-net at=1 nic=3 helper=-"}},
        {"qemu docs: -netdev bridge,br=qemubr0",
         R"(linux.img -netdev bridge,br=qemubr0,id=n1 -device virtio-net,netdev=n1)",
         {tap(3)},
         R"(linux.img -netdev tap,id=n1,fd=3 -device virtio-net,netdev=n1,mac=52:54:00:aa:bb:01)",
         {"netdev br=qemubr0 id=n1 mac=- model=virtio-net at=1 nic=3 helper=-"}},
        // QEMU commit a7c36ee4 "Add support for net bridge", its example invocations
        // (https://qemu.googlesource.com/qemu/+/a7c36ee4920ea3acc227a0248dd161693f207357)
        {"qemu commit a7c36ee4: -net bridge -net nic",
         R"(linux.img -net bridge -net nic,model=virtio)",
         {tap(3)},
         R"(linux.img -net tap,fd=3 -net nic,model=virtio,macaddr=52:54:00:aa:bb:01)",
         {"net br=br0 id=- mac=- model=virtio-net-pci at=1 nic=3 helper=-"}},
        {"qemu commit a7c36ee4: -net bridge,br=qemubr0",
         R"(linux.img -net bridge,br=qemubr0 -net nic,model=virtio)",
         {tap(3)},
         R"(linux.img -net tap,fd=3 -net nic,model=virtio,macaddr=52:54:00:aa:bb:01)",
         {"net br=qemubr0 id=- mac=- model=virtio-net-pci at=1 nic=3 helper=-"}},
        {"qemu commit a7c36ee4: -netdev bridge with a device id",
         R"(linux.img -netdev bridge,id=hn0 -device virtio-net-pci,netdev=hn0,id=nic1)",
         {tap(3)},
         R"(linux.img -netdev tap,id=hn0,fd=3 -device virtio-net-pci,netdev=hn0,id=nic1,mac=52:54:00:aa:bb:01)",
         {"netdev br=br0 id=hn0 mac=- model=virtio-net-pci at=1 nic=3 helper=-"}},
        // github cHolzberger/kvm-osx kvm/net-virtio-vhost.sh: the -device before its
        // -netdev, with a MAC; here with a vhost fd as well
        {"kvm-osx net-virtio-vhost.sh: -device before -netdev",
         R"(-device virtio-net-pci,netdev=net0,mac=52:54:00:12:34:56,v-host=on -netdev bridge,id=net0,br=br0)",
         {queue_tap({3}, {4}, "52:54:00:12:34:56")},
         R"(-device virtio-net-pci,netdev=net0,mac=52:54:00:12:34:56,v-host=on -netdev tap,id=net0,fd=3,vhost=on,vhostfd=4)",
         {"netdev br=br0 id=net0 mac=52:54:00:12:34:56 model=virtio-net-pci at=2 nic=0 helper=-"}},
        // github cHolzberger/kvm-osx kvm/net-virtio-dual.sh: two NICs on two bridges; each
        // -device's id is its netdev's id
        {"kvm-osx net-virtio-dual.sh: two bridges",
         R"(-device virtio-net-pci,netdev=net0,id=net0,mac=52:54:00:00:00:01 -netdev bridge,id=net0,br=br-lan -device virtio-net-pci,netdev=net1,id=net1,mac=52:54:00:00:00:02 -netdev bridge,id=net1,br=br-dmz)",
         {tap(3, "52:54:00:00:00:01"), tap(4, "52:54:00:00:00:02")},
         R"(-device virtio-net-pci,netdev=net0,id=net0,mac=52:54:00:00:00:01 -netdev tap,id=net0,fd=3 -device virtio-net-pci,netdev=net1,id=net1,mac=52:54:00:00:00:02 -netdev tap,id=net1,fd=4)",
         {"netdev br=br-lan id=net0 mac=52:54:00:00:00:01 model=virtio-net-pci at=2 nic=0 helper=-",
          "netdev br=br-dmz id=net1 mac=52:54:00:00:00:02 model=virtio-net-pci at=6 nic=4 helper=-"}},
        // github ejko36/raspi4_secure_container unikraft-scripts/run.sh: -append holds "--" and
        // words with '=', -old-param takes no value; here with two queues
        {"raspi4_secure_container run.sh: multiqueue, -append with --",
         R"(-fsdev local,id=myid,path=/srv/fs0,security_model=none -netdev bridge,id=en0,br=br0 -device virtio-net-pci,netdev=en0 -kernel images/app-redis_kvm-arm64 -append "netdev.ipv4_addr=172.44.0.2 netdev.ipv4_gw_addr=172.44.0.1 netdev.ipv4_subnet_mask=255.255.255.0 -- /redis.conf " -machine virt,gic-version=3 -cpu cortex-a72 -m 1024 -nographic -old-param)",
         {queue_tap({3, 4}, {})},
         R"(-fsdev local,id=myid,path=/srv/fs0,security_model=none -netdev tap,id=en0,fds=3:4 -device virtio-net-pci,netdev=en0,mac=52:54:00:aa:bb:01,mq=on,vectors=6 -kernel images/app-redis_kvm-arm64 -append "netdev.ipv4_addr=172.44.0.2 netdev.ipv4_gw_addr=172.44.0.1 netdev.ipv4_subnet_mask=255.255.255.0 -- /redis.conf " -machine virt,gic-version=3 -cpu cortex-a72 -m 1024 -nographic -old-param)",
         {"netdev br=br0 id=en0 mac=- model=virtio-net-pci at=2 nic=4 helper=-"}},
        // github ejko36/raspi4_secure_container unikraft-scripts/debug.sh: -s takes no value,
        // --enable-kvm is -enable-kvm
        {"raspi4_secure_container debug.sh: -s and --enable-kvm",
         R"(-s -fsdev local,id=myid,path=/srv/fs0,security_model=none -device virtio-9p-pci,fsdev=myid,mount_tag=rootfs,disable-modern=on,disable-legacy=off -netdev bridge,id=en0,br=br0 -device virtio-net-pci,netdev=en0 -kernel build/app-redis_kvm-arm64.dbg -append "netdev.ipv4_addr=172.44.0.2 -- /redis.conf" -machine virt -cpu host --enable-kvm -m 1024 -nographic)",
         {tap(3)},
         R"(-s -fsdev local,id=myid,path=/srv/fs0,security_model=none -device virtio-9p-pci,fsdev=myid,mount_tag=rootfs,disable-modern=on,disable-legacy=off -netdev tap,id=en0,fd=3 -device virtio-net-pci,netdev=en0,mac=52:54:00:aa:bb:01 -kernel build/app-redis_kvm-arm64.dbg -append "netdev.ipv4_addr=172.44.0.2 -- /redis.conf" -machine virt -cpu host --enable-kvm -m 1024 -nographic)",
         {"netdev br=br0 id=en0 mac=- model=virtio-net-pci at=5 nic=7 helper=-"}},
        // github hzsunzixiang/programming
        // libvirt/libvirt_study/qemu/network/netdev-option/qemu-netdev-bridge-option.sh:
        // four models on one bridge
        {"hzsunzixiang qemu-netdev-bridge-option.sh: four NICs",
         R"(-name "centos_qemu_test" -machine accel=kvm -M pc -m 768 -smp 2 -boot d -drive file=/vm/centos7hda_from_qemu,if=virtio,format=raw -netdev bridge,br=virbr0,id=n1 -device e1000,netdev=n1 -netdev bridge,br=virbr0,id=n2 -device e1000e,netdev=n2 -netdev bridge,br=virbr0,id=n3 -device rtl8139,netdev=n3 -netdev bridge,br=virbr0,id=n4 -device virtio-net,netdev=n4 -vnc 0.0.0.0:7 -k en-us)",
         {tap(3, "52:54:00:00:01:01"), tap(4, "52:54:00:00:01:02"), tap(5, "52:54:00:00:01:03"),
          tap(6, "52:54:00:00:01:04")},
         R"(-name "centos_qemu_test" -machine accel=kvm -M pc -m 768 -smp 2 -boot d -drive file=/vm/centos7hda_from_qemu,if=virtio,format=raw -netdev tap,id=n1,fd=3 -device e1000,netdev=n1,mac=52:54:00:00:01:01 -netdev tap,id=n2,fd=4 -device e1000e,netdev=n2,mac=52:54:00:00:01:02 -netdev tap,id=n3,fd=5 -device rtl8139,netdev=n3,mac=52:54:00:00:01:03 -netdev tap,id=n4,fd=6 -device virtio-net,netdev=n4,mac=52:54:00:00:01:04 -vnc 0.0.0.0:7 -k en-us)",
         {"netdev br=virbr0 id=n1 mac=- model=e1000 at=14 nic=16 helper=-",
          "netdev br=virbr0 id=n2 mac=- model=e1000e at=18 nic=20 helper=-",
          "netdev br=virbr0 id=n3 mac=- model=rtl8139 at=22 nic=24 helper=-",
          "netdev br=virbr0 id=n4 mac=- model=virtio-net at=26 nic=28 helper=-"}},
        // github mjacker/MJCSIE virtualmachine/qemu/readme.md: "Running with KVM" plus its
        // "Bridged Networking" lines
        {"MJCSIE readme: -netdev bridge without br=",
         R"(-enable-kvm -m 2048 -hda myvm.qcow2 -netdev bridge,id=net0 -device virtio-net,netdev=net0)",
         {tap(3)},
         R"(-enable-kvm -m 2048 -hda myvm.qcow2 -netdev tap,id=net0,fd=3 -device virtio-net,netdev=net0,mac=52:54:00:aa:bb:01)",
         {"netdev br=br0 id=net0 mac=- model=virtio-net at=5 nic=7 helper=-"}},
        // QEMU documentation: -nic [tap|bridge|...][,mac=macaddr][,model=mn] (qemu-options.hx;
        // https://www.qemu.org/docs/master/system/invocation.html#hxtool-5), as the README of
        // taplaunch shows it
        {"qemu docs: -nic bridge with model and mac",
         R"(-m 1G -nic bridge,br=br0,model=virtio-net-pci,mac=52:54:00:12:34:56 disk.img)",
         {tap(3, "52:54:00:12:34:56")},
         R"(-m 1G -nic tap,fd=3,model=virtio-net-pci,mac=52:54:00:12:34:56 disk.img)",
         {"nic br=br0 id=- mac=52:54:00:12:34:56 model=virtio-net-pci at=2 nic=- helper=-"}},
        {"qemu docs: -device before -netdev, MAC given",
         R"(-m 1G -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:57 -netdev bridge,id=n0 disk.img)",
         {tap(3, "52:54:00:12:34:57")},
         R"(-m 1G -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:57 -netdev tap,id=n0,fd=3 disk.img)",
         {"netdev br=br0 id=n0 mac=52:54:00:12:34:57 model=virtio-net-pci at=4 nic=2 helper=-"}},
        {"qemu docs: bare -nic bridge, the machine's default model",
         R"(-nic bridge disk.img)",
         {tap(7)},
         R"(-nic tap,fd=7,mac=52:54:00:aa:bb:01 disk.img)",
         {"nic br=br0 id=- mac=- model=? at=0 nic=- helper=-"}},
        // The spellings QEMU 7.2 accepts (checked with the real binary, docs/qemu-forms.md)
        {"spelling: helper=, id=, model=virtio, upper-case MAC, vhost",
         R"(-nic bridge,id=lan,br=br1,helper=/usr/lib/qemu/qemu-bridge-helper,model=virtio,mac=52:54:00:AB:CD:EF)",
         {queue_tap({3}, {9}, "52:54:00:ab:cd:ef")},
         R"(-nic tap,fd=3,vhost=on,vhostfd=9,id=lan,model=virtio,mac=52:54:00:AB:CD:EF)",
         {"nic br=br1 id=lan mac=52:54:00:ab:cd:ef model=virtio-net-pci at=0 nic=- "
          "helper=/usr/lib/qemu/qemu-bridge-helper"}},
        {"spelling: --netdev and --device",
         R"(--netdev bridge,id=n0,br=br0 --device e1000,netdev=n0 --m 512)",
         {tap(3)},
         R"(--netdev tap,id=n0,fd=3 --device e1000,netdev=n0,mac=52:54:00:aa:bb:01 --m 512)",
         {"netdev br=br0 id=n0 mac=- model=e1000 at=0 nic=2 helper=-"}},
        {"spelling: commas and spaces inside other options' values",
         R"(-name "my,,guest,process=q" -append "console=ttyS0 -netdev bridge,id=x -nic bridge" -drive file=a,,b.img,if=virtio -nic bridge,br=br0,model=e1000)",
         {tap(3)},
         R"(-name "my,,guest,process=q" -append "console=ttyS0 -netdev bridge,id=x -nic bridge" -drive file=a,,b.img,if=virtio -nic tap,fd=3,model=e1000,mac=52:54:00:aa:bb:01)",
         {"nic br=br0 id=- mac=- model=e1000 at=6 nic=- helper=-"}},
        {"spelling: a word after -name or -append that looks like a bridge form",
         R"(-name -nic -append -nic -kernel bzImage -nic bridge,br=br0)",
         {tap(3)},
         R"(-name -nic -append -nic -kernel bzImage -nic tap,fd=3,mac=52:54:00:aa:bb:01)",
         {"nic br=br0 id=- mac=- model=? at=6 nic=- helper=-"}},
        {"spelling: type= and id= before the type, driver= on the device",
         R"(-netdev id=n0,type=bridge,br=br2 -device driver=e1000,netdev=n0)",
         {tap(3)},
         R"(-netdev tap,id=n0,fd=3 -device driver=e1000,netdev=n0,mac=52:54:00:aa:bb:01)",
         {"netdev br=br2 id=n0 mac=- model=e1000 at=0 nic=2 helper=-"}},
        {"spelling: MAC with dashes, ,, in a device value",
         R"(-netdev bridge,id=n0 -device e1000,netdev=n0,romfile=/roms/a,,b.rom,mac=52-54-00-00-00-09)",
         {tap(3, "52:54:00:00:00:09")},
         R"(-netdev tap,id=n0,fd=3 -device e1000,netdev=n0,romfile=/roms/a,,b.rom,mac=52-54-00-00-00-09)",
         {"netdev br=br0 id=n0 mac=52:54:00:00:00:09 model=e1000 at=0 nic=2 helper=-"}},
        {"spelling: a device value that ends with a separating comma",
         R"(-device e1000,netdev=n0, -netdev bridge,id=n0)",
         {tap(3)},
         R"(-device e1000,netdev=n0,mac=52:54:00:aa:bb:01 -netdev tap,id=n0,fd=3)",
         {"netdev br=br0 id=n0 mac=- model=e1000 at=2 nic=0 helper=-"}},
        {"spelling: a device value that ends with an escaped comma",
         R"(-device e1000,netdev=n0,romfile=a,, -netdev bridge,id=n0)",
         {tap(3)},
         R"(-device e1000,netdev=n0,romfile=a,,,mac=52:54:00:aa:bb:01 -netdev tap,id=n0,fd=3)",
         {"netdev br=br0 id=n0 mac=- model=e1000 at=2 nic=0 helper=-"}},
        {"-net nic,netdev= uses a -netdev bridge",
         R"(-netdev bridge,id=n0,helper=/usr/libexec/qemu-bridge-helper -net nic,netdev=n0,model=virtio)",
         {tap(3)},
         R"(-netdev tap,id=n0,fd=3 -net nic,netdev=n0,model=virtio,macaddr=52:54:00:aa:bb:01)",
         {"netdev br=br0 id=n0 mac=- model=virtio-net-pci at=0 nic=2 "
          "helper=/usr/libexec/qemu-bridge-helper"}},
        {"-net bridge with name= and a -net user on the same hub",
         R"(-net nic,macaddr=52:54:00:12:34:59 -net user -net bridge,br=br0,name=up,helper=/x)",
         {tap(3, "52:54:00:12:34:59")},
         R"(-net nic,macaddr=52:54:00:12:34:59 -net user -net tap,fd=3,name=up)",
         {"net br=br0 id=- mac=52:54:00:12:34:59 model=? at=4 nic=0 helper=/x"}},
        {"a -netdev bridge no NIC uses yet (for device_add)",
         R"(-netdev bridge,id=spare,br=br0 -monitor stdio)",
         {tap(3)},
         R"(-netdev tap,id=spare,fd=3 -monitor stdio)",
         {"netdev br=br0 id=spare mac=- model=? at=0 nic=- helper=-"}},
        {"vhost and several queues, mq= already on",
         R"(-netdev bridge,id=n0 -device virtio-net-pci,netdev=n0,mq=on)",
         {queue_tap({3, 4, 5}, {6, 7, 8})},
         R"(-netdev tap,id=n0,fds=3:4:5,vhost=on,vhostfds=6:7:8 -device virtio-net-pci,netdev=n0,mq=on,mac=52:54:00:aa:bb:01,vectors=8)",
         {"netdev br=br0 id=n0 mac=- model=virtio-net-pci at=0 nic=2 helper=-"}},
        {"every form at once, JSON options of other types passed through",
         R"(-object '{"qom-type":"rng-random","id":"rng0","filename":"/dev/urandom"}' -netdev '{"type":"user","id":"u0"}' -device '{"driver":"e1000","netdev":"u0","id":"d0"}' -nic bridge,br=br1 -netdev bridge,id=b0,br=br2 -device e1000e,netdev=b0 -readconfig vm.cfg)",
         {tap(3), tap(4, "52:54:00:aa:bb:02")},
         R"(-object '{"qom-type":"rng-random","id":"rng0","filename":"/dev/urandom"}' -netdev '{"type":"user","id":"u0"}' -device '{"driver":"e1000","netdev":"u0","id":"d0"}' -nic tap,fd=3,mac=52:54:00:aa:bb:01 -netdev tap,id=b0,fd=4 -device e1000e,netdev=b0,mac=52:54:00:aa:bb:02 -readconfig vm.cfg)",
         {"nic br=br1 id=- mac=- model=? at=6 nic=- helper=-",
          "netdev br=br2 id=b0 mac=- model=e1000e at=8 nic=10 helper=-"}},
        {"no bridge form: nothing changes, unknown options allowed",
         R"(-m 1G -netdev user,id=n0 -device e1000,netdev=n0 -run-with async-teardown=on disk.img)",
         {},
         R"(-m 1G -netdev user,id=n0 -device e1000,netdev=n0 -run-with async-teardown=on disk.img)",
         {}},
    };
    return cases;
}

std::vector<std::string> words(const char* line)
{
    return split_shell_words(line);
}

}  // namespace

TEST_CASE("rewrite_qemu_bridges turns each bridge form into its fd form, and nothing else")
{
    const RewriteCase& c = GENERATE(from_range(rewrite_cases()));
    INFO(c.source);
    const std::vector<std::string> args = words(c.line);
    const QemuNetworkScan scan = scan_qemu_arguments(args);
    std::vector<std::string> found;
    for (const QemuBridgeNic& nic : scan.bridge_nics) {
        found.push_back(describe(nic));
    }
    CHECK(found == std::vector<std::string>(c.nics.begin(), c.nics.end()));
    const auto rewrite = rewrite_qemu_bridges(args, scan, c.taps);
    CHECK(rewrite.args == words(c.expected));
    // One note per rewritten form at least, each one line.
    CHECK(rewrite.notes.size() >= c.taps.size());
    for (const std::string& note : rewrite.notes) {
        CHECK(note.find('\n') == std::string::npos);
    }
}

TEST_CASE("the scan reports QEMU's guest name in each of its spellings")
{
    struct NameCase {
        const char* line;
        std::optional<std::string> name;
    };
    const NameCase c = GENERATE(values<NameCase>({
        {"-name foo disk.img", "foo"},
        // libvirt's form (its generated command lines start with it)
        {"-name guest=web,debug-threads=on", "web"},
        {"-name process=p,guest=foo", "foo"},
        {"-name foo,process=bar", "foo"},
        {"-name a,,b,process=p", "a,b"},
        {"--name foo", "foo"},
        {"-name process=p", std::nullopt},
        {"-name foo -name process=x", "foo"},   // QEMU merges every -name
        {"-name foo -name bar", "bar"},
        {"-append -name -kernel k", std::nullopt},
        {"disk.img", std::nullopt},
    }));
    INFO(c.line);
    CHECK(scan_qemu_arguments(words(c.line)).guest_name == c.name);
}

TEST_CASE("the scan reports every id in use, and fresh ids skip them")
{
    const auto args = words(
        R"(-netdev user,id=net0 -device e1000,netdev=net0,id=net1 -nic bridge,id=net3 )"
        R"(-object iothread,id=io0 -object '{"qom-type":"secret","id":"net2","data":"x"}' )"
        R"(-chardev socket,id=mon0,path=/tmp/m.sock,server=on,wait=off -mon chardev=mon0 )"
        R"(-drive file=a.img,if=none,id=disk0 -blockdev driver=file,node-name=file0,filename=b )"
        R"(-net user,name=net5 -append "id=net4" -name net6)");
    const QemuNetworkScan scan = scan_qemu_arguments(args);
    CHECK(scan.ids_in_use == std::set<std::string>{"net0", "net1", "net3", "io0", "net2", "mon0",
                                                   "disk0", "file0", "net5"});
    QemuIdAllocator ids(scan.ids_in_use);
    CHECK(ids.next("net") == "net4");
    CHECK(ids.next("net") == "net6");
    CHECK(ids.next("net") == "net7");
    CHECK(ids.next("nic") == "nic0");
    CHECK_THROWS_AS(ids.next("0net"), std::invalid_argument);
    CHECK_THROWS_AS(ids.next("net,"), std::invalid_argument);
}

TEST_CASE("the scan reserves the ids of JSON options written with QEMU's single quotes")
{
    const auto args = words(R"(-netdev "{'type':'user','id':'net0'}" )"
                            R"(-device "{'driver':'e1000','netdev':'net0','id':'net1'}" )"
                            R"(-blockdev "{'driver':'file','node-name':'net2','filename':'a'}")");
    const QemuNetworkScan scan = scan_qemu_arguments(args);
    CHECK(scan.ids_in_use == std::set<std::string>{"net0", "net1", "net2"});
    QemuIdAllocator ids(scan.ids_in_use);
    CHECK(ids.next("net") == "net3");
}

TEST_CASE("the scan refuses what it cannot take over exactly, in one line naming the argument")
{
    struct RefusalCase {
        const char* line;
        const char* argument;  // how the message starts
        const char* problem;   // what it says
    };
    const RefusalCase c = GENERATE(values<RefusalCase>({
        {"-netdev bridge,br=br0 -device e1000,netdev=n0", "QEMU argument 1 (-netdev bridge,br=br0)",
         "needs id="},
        {"-netdev bridge,id=n0,vhost=on -device e1000,netdev=n0", "QEMU argument 1 (",
         "no option 'vhost'"},
        {"-netdev bridge,id=n0,queues=4 -device virtio-net-pci,netdev=n0", "QEMU argument 1 (",
         "no option 'queues'"},
        {"-nic bridge,br=br0,script=/etc/qemu-ifup", "QEMU argument 1 (", "no option 'script'"},
        {"-nic bridge,br=br0,br=br1", "QEMU argument 1 (", "'br' is given twice"},
        {"-nic bridge,br=", "QEMU argument 1 (", "br= is empty"},
        {"-nic bridge,mac=52:54:00:12:34", "QEMU argument 1 (", "not a MAC address"},
        {"-nic bridge,mac=01:00:5e:00:00:01", "QEMU argument 1 (", "not a unicast address"},
        {"-nic bridge,mac=00:00:00:00:00:00", "QEMU argument 1 (", "not a unicast address"},
        {"-netdev bridge,id=n0 -device e1000,netdev=n0,mac=52:54:00:12:34:56,mac=52:54:00:12:34:57",
         "QEMU argument 3 (", "'mac' is given twice"},
        {"-net bridge,br=br0,vlan=1 -net nic", "QEMU argument 1 (", "no option 'vlan'"},
        {"-net nic -net bridge,br=br0 -net nic -net bridge,br=br1",
         "QEMU argument 7 (-net bridge,br=br1)", "second -net bridge"},
        {"-net bridge,br=br0", "QEMU argument 1 (", "no -net nic"},
        {"-net nic,model=e1000 -net nic,model=virtio -net bridge", "QEMU argument 5 (",
         "several -net nic"},
        {R"(-netdev '{"type":"bridge","id":"n0","br":"br0"}')", "QEMU argument 1 (", "JSON"},
        {R"(-netdev "{'type':'bridge','id':'n0'}")", "QEMU argument 1 (", "JSON"},
        {R"(-netdev bridge,id=n0 -device "{'driver':'virtio-net-pci','netdev':'n0'}")",
         "QEMU argument 3 (", "JSON syntax uses bridge netdev 'n0'"},
        {R"(-netdev {"type":"bridge")", "QEMU argument 1 (", "not JSON taplaunch can read"},
        {R"(-device '{"driver":"e1000","netdev":"n0}')", "QEMU argument 1 (",
         "not JSON taplaunch can read"},
        {R"(-netdev bridge,id=n0 -device '{"driver":"virtio-net-pci","netdev":"n0"}')",
         "QEMU argument 3 (", "JSON syntax uses bridge netdev 'n0'"},
        {"-netdev bridge,id=n0 -device e1000,netdev=n0 -device e1000,netdev=n0",
         "QEMU argument 5 (", "already used by QEMU argument 3"},
        {"-netdev bridge,id=n0 -net nic,netdev=n0 -device e1000,netdev=n0", "QEMU argument 5 (",
         "already used"},
        {"-netdev bridge,id=n0 -netdev user,id=n0", "QEMU argument 1 (", "defined more than once"},
        {"-nic bridge,id=n0 -netdev user,id=n0", "QEMU argument 1 (", "defined more than once"},
        {"-netdev bridge,id=n0 -netdev hubport,id=h0,hubid=0,netdev=n0", "QEMU argument 3 (",
         "behind a hub"},
        {"-netdev bridge,id=n0 -device e1000,netdev=n0 -set netdev.n0.br=br1", "QEMU argument 5 (",
         "-set on a bridge NIC"},
        {"-netdev bridge,id=n0 -set device.d0.netdev=n0", "QEMU argument 3 (",
         "-set on a bridge NIC"},
        {"-netdev user,id=n0 -set netdev.n0.type=bridge", "QEMU argument 3 (",
         "-set on a bridge NIC"},
        {"-nic bridge -frobnicate 1", "QEMU argument 3 (-frobnicate)", "not an option of QEMU 7.2"},
        {"-nic bridge -m=1G", "QEMU argument 3 (-m=1G)", "not an option of QEMU 7.2"},
        {"-nic bridge -- disk.img", "QEMU argument 3 (--)", "not an option of QEMU 7.2"},
        {"-nic bridge -m", "QEMU argument 3 (-m)", "needs a value"},
    }));
    INFO(c.line);
    std::string message;
    try {
        scan_qemu_arguments(words(c.line));
        FAIL("accepted");
    } catch (const DefinitionError& error) {
        message = error.what();
    }
    CHECK_THAT(message, StartsWith(c.argument));
    CHECK_THAT(message, Contains(c.problem));
    CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("the -net refusal names the forms taplaunch takes over")
{
    try {
        scan_qemu_arguments(words("-net bridge"));
        FAIL("accepted");
    } catch (const DefinitionError& error) {
        CHECK_THAT(error.what(), Contains("-nic bridge[,br=BR][,model=M][,mac=MAC]"));
        CHECK_THAT(error.what(), Contains("-netdev bridge,id=ID[,br=BR]"));
        CHECK_THAT(error.what(), Contains("one -net nic with one -net bridge"));
    }
}

TEST_CASE("forms QEMU reads another way are left alone")
{
    for (const char* line : {
             // no bridge form: a -readconfig file and -set are QEMU's
             "-readconfig vm.cfg -set netdev.n0.br=br1",
             // a bridge form only inside another option's value
             R"(-append "-nic bridge" -name bridge)",
             // -nic and -net take no JSON: QEMU reads this as type='{...}' and refuses it
             R"(-nic {"type":"bridge"})",
         }) {
        INFO(line);
        const auto args = words(line);
        const QemuNetworkScan scan = scan_qemu_arguments(args);
        CHECK(scan.bridge_nics.empty());
        CHECK(rewrite_qemu_bridges(args, scan, {}).args == args);
    }
}

TEST_CASE("the -readconfig note says its file was not looked into")
{
    const auto args = words("-readconfig /etc/vm.cfg -nic bridge");
    const auto rewrite = rewrite_qemu_bridges(args, scan_qemu_arguments(args), {tap(3)});
    REQUIRE_FALSE(rewrite.notes.empty());
    CHECK_THAT(rewrite.notes.front(), Contains("-readconfig /etc/vm.cfg"));
    CHECK_THAT(rewrite.notes.front(), Contains("not looked into"));
}

TEST_CASE("the notes say what was rewritten, added and dropped")
{
    const auto args = words("-netdev bridge,id=n0,helper=/h -device e1000,netdev=n0");
    const auto rewrite = rewrite_qemu_bridges(args, scan_qemu_arguments(args), {tap(3)});
    CHECK(rewrite.notes == std::vector<std::string>{
                               "QEMU argument 1 (-netdev): -netdev bridge,id=n0,helper=/h -> "
                               "-netdev tap,id=n0,fd=3",
                               "QEMU argument 3 (-device): added mac=52:54:00:aa:bb:01 to "
                               "-device e1000,netdev=n0",
                               "QEMU argument 1 (-netdev): dropped helper=/h (taplaunch made the "
                               "TAP on br0 itself)",
                           });
}

TEST_CASE("the queue limits are 1 and 64 fds")
{
    const auto args = words("-netdev bridge,id=n0 -device virtio-net-pci,netdev=n0");
    const auto scan = scan_qemu_arguments(args);
    std::vector<int> fds;
    for (int fd = 3; fd < 3 + 64; ++fd) {
        fds.push_back(fd);
    }
    const auto rewrite = rewrite_qemu_bridges(args, scan, {queue_tap(fds, {})});
    CHECK_THAT(rewrite.args[1], StartsWith("tap,id=n0,fds=3:4:"));
    CHECK_THAT(rewrite.args[1], Contains(":66"));
    CHECK_THAT(rewrite.args[3], Contains(",mq=on,vectors=130"));
    fds.push_back(67);
    CHECK_THROWS_AS(rewrite_qemu_bridges(args, scan, {queue_tap(fds, {})}), std::invalid_argument);
    CHECK_THROWS_AS(rewrite_qemu_bridges(args, scan, {queue_tap({}, {})}), std::invalid_argument);
}

TEST_CASE("rewrite_qemu_bridges refuses fds that do not fit the scan")
{
    const auto netdev = words("-netdev bridge,id=n0 -device virtio-net-pci,netdev=n0");
    const auto e1000 = words("-netdev bridge,id=n0 -device e1000,netdev=n0");
    const auto nic = words("-nic bridge,model=virtio-net-pci");
    const auto net = words("-net nic,model=virtio -net bridge");
    const auto given_mac = words("-nic bridge,mac=52:54:00:12:34:56");
    struct Misfit {
        const std::vector<std::string>* args;
        std::vector<QemuBridgeTap> taps;
        const char* why;
    };
    const std::vector<Misfit> misfits = {
        {&netdev, {}, "no taps for one NIC"},
        {&netdev, {tap(3), tap(4)}, "two taps for one NIC"},
        {&netdev, {queue_tap({3, 4}, {5})}, "one vhost fd for two queues"},
        {&netdev, {queue_tap({-1}, {})}, "a negative fd"},
        {&e1000, {queue_tap({3, 4}, {})}, "queues for a NIC that is not virtio-net"},
        {&nic, {queue_tap({3, 4}, {})}, "queues for -nic, which cannot set mq="},
        {&net, {queue_tap({3, 4}, {})}, "queues on -net's hub"},
        {&net, {queue_tap({3}, {4})}, "vhost on -net's hub"},
        {&given_mac, {tap(3, "52:54:00:12:34:57")}, "another MAC than the arguments give"},
        {&nic, {tap(3, "01:00:00:00:00:01")}, "a multicast MAC"},
    };
    for (const Misfit& misfit : misfits) {
        INFO(misfit.why);
        CHECK_THROWS_AS(rewrite_qemu_bridges(*misfit.args, scan_qemu_arguments(*misfit.args),
                                             misfit.taps),
                        std::invalid_argument);
    }
}

TEST_CASE("several queues on virtio-net outside PCI get mq=on and no vectors=")
{
    // vectors= is a property of virtio-net-pci (MSI-X) alone; virtio-net-device (MMIO) and
    // virtio-net-ccw take mq=on but refuse vectors=.
    for (const char* model : {"virtio-net-device", "virtio-net-ccw"}) {
        INFO(model);
        const auto args = words(("-netdev bridge,id=n0 -device " + std::string(model) +
                                 ",netdev=n0").c_str());
        const auto rewrite =
            rewrite_qemu_bridges(args, scan_qemu_arguments(args), {queue_tap({3, 4}, {})});
        CHECK(rewrite.args[1] == "tap,id=n0,fds=3:4");
        CHECK(rewrite.args[3] == std::string(model) + ",netdev=n0,mac=52:54:00:aa:bb:01,mq=on");
    }
    for (const char* model : {"virtio-net-pci", "virtio-net-pci-non-transitional", "virtio-net"}) {
        INFO(model);
        const auto args = words(("-netdev bridge,id=n0 -device " + std::string(model) +
                                 ",netdev=n0").c_str());
        const auto rewrite =
            rewrite_qemu_bridges(args, scan_qemu_arguments(args), {queue_tap({3, 4}, {})});
        CHECK(rewrite.args[3] ==
              std::string(model) + ",netdev=n0,mac=52:54:00:aa:bb:01,mq=on,vectors=6");
    }
}

TEST_CASE("a device that says mq=off cannot take several queues")
{
    const auto args = words("-netdev bridge,id=n0 -device virtio-net-pci,netdev=n0,mq=off");
    const auto scan = scan_qemu_arguments(args);
    try {
        rewrite_qemu_bridges(args, scan, {queue_tap({3, 4}, {})});
        FAIL("accepted");
    } catch (const DefinitionError& error) {
        CHECK_THAT(error.what(), StartsWith("QEMU argument 3 (-device virtio-net-pci,netdev=n0,mq=off): mq=off"));
        CHECK_THAT(error.what(), Contains("drop mq="));
    }
    // One queue is fine: mq= is the user's.
    CHECK(rewrite_qemu_bridges(args, scan, {tap(3)}).args[3] ==
          "virtio-net-pci,netdev=n0,mq=off,mac=52:54:00:aa:bb:01");
}
