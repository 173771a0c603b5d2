// taplaunch doctor's explanation of a bridge, on snapshots built to show each problem
// (including what this machine cannot build: a kernel without port isolation, a sysfs of
// another namespace), and its readers of nft and iptables listings.
#include "tools/bridge_report.hpp"
#include "tools/netfilter_chains.hpp"

#include "catch_compat.hpp"

#include <linux/if_bridge.h>

#include <string>
#include <vector>

using test_matchers::Contains;
using test_matchers::Approx;
using test_matchers::StartsWith;
using taplaunch::BridgeReport;
using taplaunch::BridgeSnapshot;
using taplaunch::ForwardChain;
using taplaunch::MacAddress;
using taplaunch::MacOrigin;
using taplaunch::PortSnapshot;
using taplaunch::report_bridge;

namespace {

MacAddress mac(const char* text)
{
    return *MacAddress::parse(text);
}

PortSnapshot port(const char* name, const char* kind, const char* address, MacOrigin origin,
                  unsigned mtu = 1500)
{
    PortSnapshot result;
    result.details.link.name = name;
    result.details.link.kind = kind;
    result.details.link.mac = mac(address);
    result.details.link.mtu = mtu;
    result.details.link.up = true;
    result.details.link.master_ifindex = 2;
    result.details.operstate = "up";
    result.details.port = taplaunch::BridgePortSettings{BR_STATE_FORWARDING, false};
    result.mac_origin = origin;
    return result;
}

// br0, up, following its uplink a0:36:9f:11:22:33 (a veth whose MAC was set), STP off,
// br_netfilter not loaded.
BridgeSnapshot healthy_bridge()
{
    BridgeSnapshot snapshot;
    snapshot.bridge.link.name = "br0";
    snapshot.bridge.link.kind = "bridge";
    snapshot.bridge.link.ifindex = 2;
    snapshot.bridge.link.mac = mac("a0:36:9f:11:22:33");
    snapshot.bridge.link.mtu = 1500;
    snapshot.bridge.link.up = true;
    snapshot.bridge.operstate = "up";
    snapshot.bridge.bridge = taplaunch::BridgeSettings{0u, 1500u, false, false};
    snapshot.mac_origin = MacOrigin::random;
    snapshot.ports.push_back(port("eth0", "", "a0:36:9f:11:22:33", MacOrigin::permanent));
    PortSnapshot tap = port("tap0", "tun", "fe:54:00:12:34:56", MacOrigin::set);
    tap.owner = taplaunch::OwnerRecord{{4242, 99}, "web", mac("52:54:00:12:34:56")};
    tap.owner_running = true;
    tap.owner_command = "taplaunch";
    snapshot.ports.push_back(tap);
    return snapshot;
}

std::string text_of(const BridgeReport& report)
{
    std::string text;
    for (const std::string& line : report.lines) {
        text += line + '\n';
    }
    return text;
}

std::vector<std::string> risks_of(const BridgeReport& report)
{
    std::vector<std::string> problems;
    for (const auto& risk : report.risks) {
        problems.push_back(risk.problem);
    }
    return problems;
}

ForwardChain drop_chain(const char* family = "IPv4")
{
    ForwardChain chain;
    chain.family = family;
    chain.where = "nft table ip filter chain FORWARD";
    chain.policy = "drop";
    chain.fix = "iptables-nft -I FORWARD -i br0 -o br0 -j ACCEPT";
    return chain;
}

}  // namespace

TEST_CASE("doctor finds no risk on a bridge that follows a real uplink")
{
    const BridgeReport report = report_bridge(healthy_bridge());
    CHECK(report.risks.empty());
    CHECK(text_of(report) ==
          "bridge br0: up, MAC a0:36:9f:11:22:33, MTU 1500\n"
          "  MAC: follows its lowest port's MAC (not set by hand); port eth0 holds it today\n"
          "  MTU: 1500, the same on every port\n"
          "  STP: off: a port forwards as soon as it joins\n"
          "  isolated ports: none\n"
          "  netfilter: br_netfilter is not loaded: bridged traffic passes no iptables or "
          "nftables FORWARD chain\n"
          "ports: 2\n"
          "  eth0: device, MAC a0:36:9f:11:22:33 (permanent), MTU 1500, up, forwarding\n"
          "  tap0: tun, MAC fe:54:00:12:34:56 (set by hand), MTU 1500, up, forwarding; taplaunch "
          "TAP of guest web (MAC 52:54:00:12:34:56), launched by pid 4242 (running as taplaunch)\n"
          "doctor: no risk found on bridge br0\n");
}

TEST_CASE("doctor says whose MAC a bridge has and which ports could take it")
{
    SECTION("set by hand: nothing can take it")
    {
        BridgeSnapshot snapshot = healthy_bridge();
        snapshot.mac_origin = MacOrigin::set;
        snapshot.bridge.link.mac = mac("02:00:00:00:00:01");
        snapshot.ports.push_back(port("tap9", "tun", "12:00:00:00:00:09", MacOrigin::random));
        const BridgeReport report = report_bridge(snapshot);
        CHECK(report.risks.empty());
        CHECK_THAT(text_of(report), Contains("  MAC: set by hand: it stays 02:00:00:00:00:01 "
                                             "whatever ports come and go\n"));
    }
    SECTION("a TAP with a random MAC below the uplink's holds it")
    {
        BridgeSnapshot snapshot = healthy_bridge();
        snapshot.bridge.link.mac = mac("12:00:00:00:00:09");
        snapshot.ports.push_back(port("tap9", "tun", "12:00:00:00:00:09", MacOrigin::random));
        const BridgeReport report = report_bridge(snapshot);
        REQUIRE(report.risks.size() == 1);
        CHECK(report.risks[0].problem ==
              "MAC: bridge br0's MAC is that of port tap9 (a TAP, MAC chosen at random by the "
              "kernel): when it leaves or its MAC changes, the bridge's MAC changes, and hosts on "
              "the bridge lose it until their ARP caches expire");
        CHECK(report.risks[0].fix == "ip link set dev br0 address a0:36:9f:11:22:33");
        CHECK_THAT(text_of(report), Contains("port tap9 holds it today"));
    }
    SECTION("a TAP with a random MAC above the uplink's could take it")
    {
        BridgeSnapshot snapshot = healthy_bridge();
        snapshot.ports.push_back(port("tap9", "tun", "b2:00:00:00:00:09", MacOrigin::random));
        const BridgeReport report = report_bridge(snapshot);
        REQUIRE(report.risks.size() == 1);
        CHECK_THAT(report.risks[0].problem,
                   StartsWith("MAC: port tap9 (tun) could take the bridge's MAC over: its MAC "
                              "b2:00:00:00:00:09 was chosen at random by the kernel") &&
                       Contains("whenever it sorts below a0:36:9f:11:22:33 (63 % of them do)"));
        CHECK(report.risks[0].fix == "ip link set dev br0 address a0:36:9f:11:22:33");
    }
    SECTION("no random MAC sorts below an uplink of 00:1b:21:11:22:33")
    {
        BridgeSnapshot snapshot = healthy_bridge();
        snapshot.bridge.link.mac = mac("00:1b:21:11:22:33");
        snapshot.ports[0].details.link.mac = mac("00:1b:21:11:22:33");
        snapshot.ports.push_back(port("tap9", "tun", "b2:00:00:00:00:09", MacOrigin::random));
        const BridgeReport report = report_bridge(snapshot);
        CHECK(report.risks.empty());
        CHECK_THAT(text_of(report), Contains("  MAC: port tap9 has a MAC the kernel chose at "
                                             "random, but no such MAC sorts below "
                                             "00:1b:21:11:22:33: it cannot take the bridge's MAC over\n"));
    }
    SECTION("a bridge with no port gets its MAC from the first to join")
    {
        BridgeSnapshot snapshot = healthy_bridge();
        snapshot.ports.clear();
        const BridgeReport report = report_bridge(snapshot);
        CHECK(risks_of(report) ==
              std::vector<std::string>{"MAC: bridge br0 has no port and its MAC is not set by hand: "
                                       "the first port to join gives it its MAC, and it changes "
                                       "again as ports come and go"});
        CHECK(report.risks[0].fix == "ip link set dev br0 address a0:36:9f:11:22:33");
    }
    SECTION("without this namespace's sysfs, the ports tell")
    {
        BridgeSnapshot snapshot = healthy_bridge();
        snapshot.mac_origin = MacOrigin::unknown;
        for (auto& each : snapshot.ports) {
            each.mac_origin = MacOrigin::unknown;
        }
        CHECK_THAT(text_of(report_bridge(snapshot)),
                   Contains("MAC: follows its lowest port's MAC (not set by hand) (sysfs shows "
                            "another network namespace; judged from the ports); port eth0 holds "
                            "it today"));
        snapshot.bridge.link.mac = mac("02:00:00:00:00:01");
        CHECK_THAT(text_of(report_bridge(snapshot)),
                   Contains("MAC: set by hand (sysfs shows another network namespace; judged "
                            "from the ports: it is not the lowest port's MAC)"));
    }
}

TEST_CASE("share_of_random_macs_below counts the kernel's random MACs")
{
    using taplaunch::share_of_random_macs_below;
    CHECK(share_of_random_macs_below(mac("00:1b:21:11:22:33")) == 0);
    CHECK(share_of_random_macs_below(mac("02:00:00:00:00:00")) == 0);
    // 0x02, 0x06, ..., 0x9e: 40 of the 64 first bytes, and a little of 0xa2's.
    CHECK(share_of_random_macs_below(mac("a0:36:9f:11:22:33")) == Approx(40.0 / 64));
    CHECK(share_of_random_macs_below(mac("a2:80:00:00:00:00")) == Approx(40.5 / 64));
    CHECK(share_of_random_macs_below(mac("fe:ff:ff:ff:ff:ff")) == Approx(1.0).epsilon(1e-9));
}

TEST_CASE("doctor finds ports that disagree on the MTU")
{
    BridgeSnapshot snapshot = healthy_bridge();
    snapshot.bridge.link.mtu = 1400;
    snapshot.ports.push_back(port("veth9", "veth", "fe:00:00:00:00:09", MacOrigin::set, 1400));
    const BridgeReport report = report_bridge(snapshot);
    REQUIRE(report.risks.size() == 1);
    CHECK(report.risks[0].problem ==
          "MTU: port veth9 has MTU 1400, the other ports 1500: frames longer than 1400 bytes are "
          "dropped between them, silently");
    CHECK(report.risks[0].fix == "ip link set dev veth9 mtu 1500");
    CHECK_THAT(text_of(report), Contains("  MTU: 1400; the ports disagree (most have 1500)\n"));
}

TEST_CASE("doctor gives STP's forward delay, the wait of a guest after it boots")
{
    BridgeSnapshot snapshot = healthy_bridge();
    snapshot.bridge.bridge->stp_state = 1;
    snapshot.bridge.bridge->forward_delay = 1500;
    BridgeReport report = report_bridge(snapshot);
    CHECK_THAT(text_of(report), Contains("  STP: on (run by the kernel), forward delay 15 s\n"));
    REQUIRE(report.risks.size() == 1);
    CHECK_THAT(report.risks[0].problem,
               StartsWith("STP: on with forward delay 15 s: a new port listens 15 s and learns "
                          "15 s before it forwards, so a guest waits 30 s for traffic"));
    CHECK(report.risks[0].fix == "ip link set dev br0 type bridge stp_state 0");
    snapshot.bridge.bridge->forward_delay = 250;
    CHECK_THAT(risks_of(report_bridge(snapshot)).at(0), Contains("a guest waits 5 s"));
    snapshot.bridge.bridge->forward_delay = 205;
    CHECK_THAT(risks_of(report_bridge(snapshot)).at(0), Contains("forward delay 2.05 s"));
}

TEST_CASE("doctor lists isolated ports, where the kernel has port isolation")
{
    BridgeSnapshot snapshot = healthy_bridge();
    snapshot.ports[1].details.port->isolated = true;
    BridgeReport report = report_bridge(snapshot);
    CHECK(report.risks.empty());
    CHECK_THAT(text_of(report), Contains("  isolated ports: tap0 (they reach the bridge's other "
                                         "ports, never each other)\n") &&
                                    Contains("MTU 1500, up, forwarding, isolated; taplaunch"));
    for (auto& each : snapshot.ports) {
        each.details.port->isolated.reset();
    }
    CHECK_THAT(text_of(report_bridge(snapshot)),
               Contains("  isolated ports: this kernel has no port isolation\n"));
}

TEST_CASE("doctor finds what silently blocks guest traffic")
{
    SECTION("the bridge is down")
    {
        BridgeSnapshot snapshot = healthy_bridge();
        snapshot.bridge.link.up = false;
        const BridgeReport report = report_bridge(snapshot);
        REQUIRE(report.risks.size() == 1);
        CHECK(report.risks[0].problem == "down: bridge br0 is down: no frame crosses it");
        CHECK(report.risks[0].fix == "ip link set dev br0 up");
    }
    SECTION("br_netfilter hands bridged traffic to a FORWARD chain that drops it")
    {
        BridgeSnapshot snapshot = healthy_bridge();
        snapshot.netfilter.br_netfilter = true;
        snapshot.netfilter.call_iptables = true;
        snapshot.netfilter.call_ip6tables = false;
        snapshot.netfilter.chains.push_back(drop_chain());
        BridgeReport report = report_bridge(snapshot);
        REQUIRE(report.risks.size() == 1);
        CHECK_THAT(report.risks[0].problem,
                   StartsWith("netfilter: IPv4 traffic across bridge br0 (guest to guest, guest to "
                              "uplink) goes through nft table ip filter chain FORWARD, whose "
                              "policy is drop (as Docker sets it), and no rule accepts it"));
        CHECK(report.risks[0].fix == "iptables-nft -I FORWARD -i br0 -o br0 -j ACCEPT");
        CHECK_THAT(text_of(report),
                   Contains("  netfilter IPv6: br_netfilter does not hand br0's traffic to the "
                            "FORWARD chains (net.bridge.bridge-nf-call-ip6tables = 0)\n"));

        // A rule that accepts the bridge's traffic: no risk.
        snapshot.netfilter.chains[0].accepting_rules = {"-A DOCKER-USER -i br0 -o br0 -j ACCEPT"};
        report = report_bridge(snapshot);
        CHECK(report.risks.empty());
        CHECK_THAT(text_of(report), Contains("policy drop; accepted by: -A DOCKER-USER -i br0 -o br0 -j ACCEPT"));

        // br_netfilter on for this bridge alone (its nf_call_iptables), not globally.
        snapshot.netfilter.chains[0].accepting_rules.clear();
        snapshot.netfilter.call_iptables = false;
        CHECK(report_bridge(snapshot).risks.empty());
        snapshot.bridge.bridge->nf_call_iptables = true;
        CHECK(report_bridge(snapshot).risks.size() == 1);
        CHECK_THAT(text_of(report_bridge(snapshot)), Contains("the bridge's own nf_call setting is on"));

        // Without br_netfilter the FORWARD chains never see bridged frames.
        snapshot.netfilter.br_netfilter = false;
        CHECK(report_bridge(snapshot).risks.empty());
    }
    SECTION("nftables' bridge family drops bridged frames by itself")
    {
        BridgeSnapshot snapshot = healthy_bridge();
        ForwardChain chain = drop_chain("bridge");
        chain.where = "nft table bridge f chain fwd";
        chain.fix = "nft insert rule bridge f fwd meta ibrname br0 accept";
        snapshot.netfilter.chains.push_back(chain);
        const BridgeReport report = report_bridge(snapshot);
        REQUIRE(report.risks.size() == 1);
        CHECK_THAT(report.risks[0].problem, Contains("go through nft table bridge f chain fwd, whose policy is drop"));
    }
    SECTION("what cannot be read is said")
    {
        BridgeSnapshot snapshot = healthy_bridge();
        snapshot.netfilter.br_netfilter = true;
        snapshot.netfilter.call_iptables = true;
        snapshot.netfilter.unreadable = {"nft list ruleset: Operation not permitted"};
        const BridgeReport report = report_bridge(snapshot);
        CHECK(report.risks.empty());
        CHECK_THAT(text_of(report),
                   Contains("FORWARD chains (net.bridge.bridge-nf-call-iptables = 1); cannot tell "
                            "what they do\n") &&
                       Contains("  netfilter: cannot tell: nft list ruleset: Operation not permitted\n"));
    }
}

TEST_CASE("doctor reads FORWARD chains from nft's listing")
{
    const std::string docker =
        "table ip filter {\n"
        "\tchain DOCKER-USER {\n"
        "\t\tcounter packets 0 bytes 0 return\n"
        "\t}\n"
        "\n"
        "\tchain FORWARD {\n"
        "\t\ttype filter hook forward priority filter; policy drop;\n"
        "\t\tcounter packets 0 bytes 0 jump DOCKER-USER\n"
        "\t\tiifname \"docker0\" oifname \"docker0\" counter packets 0 bytes 0 accept\n"
        "\t}\n"
        "}\n"
        "table inet firewalld {\n"
        "\tset allowed { type ipv4_addr; elements = { 10.0.0.1,\n"
        "\t\t10.0.0.2 } }\n"
        "\tchain filter_FORWARD {\n"
        "\t\ttype filter hook forward priority filter + 10; policy accept;\n"
        "\t\tiifname \"br0\" accept\n"
        "\t}\n"
        "}\n"
        "table bridge f {\n"
        "\tchain fwd {\n"
        "\t\ttype filter hook forward priority 0; policy drop;\n"
        "\t}\n"
        "}\n";
    const auto chains = taplaunch::parse_nft_ruleset(docker, "br0");
    REQUIRE(chains.size() == 4);
    CHECK(chains[0].family == "IPv4");
    CHECK(chains[0].where == "nft table ip filter chain FORWARD");
    CHECK(chains[0].policy == "drop");
    CHECK(chains[0].accepting_rules.empty());
    CHECK(chains[0].fix == "iptables-nft -I FORWARD -i br0 -o br0 -j ACCEPT");
    CHECK(chains[1].family == "IPv4");
    CHECK(chains[2].family == "IPv6");
    CHECK(chains[1].policy == "accept");
    CHECK(chains[1].accepting_rules == std::vector<std::string>{"iifname \"br0\" accept"});
    CHECK(chains[1].fix == "nft insert rule inet firewalld filter_FORWARD iifname br0 oifname br0 accept");
    CHECK(chains[3].family == "bridge");
    CHECK(chains[3].fix == "nft insert rule bridge f fwd meta ibrname br0 accept");
    CHECK(taplaunch::parse_nft_ruleset("", "br0").empty());
}

TEST_CASE("doctor reads the FORWARD chain from iptables -S")
{
    const std::string listing =
        "-P INPUT ACCEPT\n"
        "-P FORWARD DROP\n"
        "-P OUTPUT ACCEPT\n"
        "-N DOCKER-USER\n"
        "-A FORWARD -j DOCKER-USER\n"
        "-A FORWARD -i docker0 -o docker0 -j ACCEPT\n"
        "-A DOCKER-USER ! -i br0 -j ACCEPT\n"
        "-A DOCKER-USER -j RETURN\n";
    auto chains = taplaunch::parse_iptables_rules(listing, "iptables-legacy", "IPv4", "br0");
    REQUIRE(chains.size() == 1);
    CHECK(chains[0].where == "iptables-legacy chain FORWARD");
    CHECK(chains[0].policy == "drop");
    CHECK(chains[0].accepting_rules.empty());
    CHECK(chains[0].fix == "iptables-legacy -I FORWARD -i br0 -o br0 -j ACCEPT");
    chains = taplaunch::parse_iptables_rules(listing + "-A DOCKER-USER -i br0 -o br0 -j ACCEPT\n",
                                             "iptables-legacy", "IPv4", "br0");
    CHECK(chains.at(0).accepting_rules ==
          std::vector<std::string>{"-A DOCKER-USER -i br0 -o br0 -j ACCEPT"});
    CHECK(taplaunch::parse_iptables_rules("", "iptables-legacy", "IPv4", "br0").empty());
}
