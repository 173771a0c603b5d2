#include "tools/bridge_report.hpp"

#include <linux/if_bridge.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace taplaunch {

namespace {

const LinkFacts& link_of(const PortSnapshot& port)
{
    return port.details.link;
}

// The order a bridge ranks its ports' MACs in: bytes compared from the first.
bool sorts_below(const MacAddress& a, const MacAddress& b)
{
    return a.bytes() < b.bytes();
}

std::string origin_text(MacOrigin origin)
{
    switch (origin) {
    case MacOrigin::permanent:
        return "permanent";
    case MacOrigin::random:
        return "chosen at random by the kernel";
    case MacOrigin::stolen:
        return "taken from another device";
    case MacOrigin::set:
        return "set by hand";
    case MacOrigin::unknown:
        break;
    }
    return "origin unknown";
}

std::string stp_port_state_name(unsigned state)
{
    switch (state) {
    case BR_STATE_DISABLED:
        return "disabled";
    case BR_STATE_LISTENING:
        return "listening";
    case BR_STATE_LEARNING:
        return "learning";
    case BR_STATE_FORWARDING:
        return "forwarding";
    case BR_STATE_BLOCKING:
        return "blocking";
    default:
        return "state " + std::to_string(state);
    }
}

// A port whose MAC says nothing about the next one: a TAP, or any MAC the kernel chose.
bool is_transient(const PortSnapshot& port)
{
    return link_of(port).kind == "tun" || port.mac_origin == MacOrigin::random;
}

std::string seconds_text(unsigned hundredths)
{
    const unsigned whole = hundredths / 100;
    const unsigned rest = hundredths % 100;
    if (rest == 0) {
        return std::to_string(whole) + " s";
    }
    std::string fraction = std::to_string(rest);
    if (fraction.size() < 2) {
        fraction.insert(0, "0");
    }
    if (fraction.back() == '0') {
        fraction.pop_back();
    }
    return std::to_string(whole) + "." + fraction + " s";
}

std::string percent_text(double share)
{
    return std::to_string(static_cast<int>(std::lround(share * 100))) + " %";
}

// An operational state worth no remark on a device that is up: "up", or "unknown" (what a TAP
// and other drivers that do not report one show).
bool operstate_is_fine(const std::string& operstate)
{
    return operstate.empty() || operstate == "up" || operstate == "unknown";
}

std::string port_line(const PortSnapshot& port)
{
    const LinkFacts& link = link_of(port);
    std::string line = "  " + link.name + ": " + (link.kind.empty() ? "device" : link.kind) +
                       ", MAC " + link.mac.to_string() + " (" + origin_text(port.mac_origin) +
                       "), MTU " + std::to_string(link.mtu) + ", " + (link.up ? "up" : "down");
    if (link.up && !operstate_is_fine(port.details.operstate)) {
        const std::string& state = port.details.operstate;
        line += " (" + (state == "down" || state == "lowerlayerdown" ? std::string("no carrier") : state) + ")";
    }
    if (port.details.port && port.details.port->state) {
        line += ", " + stp_port_state_name(*port.details.port->state);
    }
    if (port.details.port && port.details.port->isolated.value_or(false)) {
        line += ", isolated";
    }
    if (link.port_locked.value_or(false)) {
        line += ", locked";
    }
    if (port.details.port && !link.port_learning.value_or(true)) {
        line += ", not learning";
    }
    if (port.details.port && !link.port_unicast_flood.value_or(true)) {
        line += ", no unknown-unicast flood";
    }
    if (port.owner && port.owner->lock != LockMode::off) {
        line += ", lock=" + std::string(lock_mode_name(port.owner->lock)) +
                (link.port_locked.value_or(false) ? "" : " (but the port is not locked)");
    }
    if (port.owner) {
        const std::string pid = std::to_string(port.owner->process.pid);
        line += "; taplaunch TAP of guest " + port.owner->guest +
                (port.owner->guest_mac ? " (MAC " + port.owner->guest_mac->to_string() + ")" : "");
        // The recorded process is the supervisor, or the emulator taplaunch became (exec).
        line += ", launched by pid " + pid;
        if (!port.owner_running) {
            line += " (gone: taplaunch gc removes the TAP once nothing holds it)";
        } else {
            line += " (running" +
                    (port.owner_command.empty() ? std::string() : " as " + port.owner_command) + ")";
        }
    }
    if (port.holder) {
        line += "; open in pid " + std::to_string(*port.holder) +
                (port.holder_command.empty() ? "" : " (" + port.holder_command + ")");
    }
    return line;
}

struct Report {
    BridgeReport result;
    void say(std::string line) { result.lines.push_back(std::move(line)); }
    void risk(std::string problem, std::string fix)
    {
        result.risks.push_back({std::move(problem), std::move(fix)});
    }
};

void explain_mac(const BridgeSnapshot& snapshot, Report& report)
{
    const LinkFacts& bridge = snapshot.bridge.link;
    const std::string pin = "ip link set dev " + bridge.name + " address ";
    const PortSnapshot* holder = nullptr;
    const PortSnapshot* lowest = nullptr;
    for (const PortSnapshot& port : snapshot.ports) {
        if (link_of(port).mac == bridge.mac && !holder) {
            holder = &port;
        }
        if (!lowest || sorts_below(link_of(port).mac, link_of(*lowest).mac)) {
            lowest = &port;
        }
    }
    bool by_hand = snapshot.mac_origin == MacOrigin::set;
    std::string how;
    if (snapshot.mac_origin == MacOrigin::unknown) {
        // Without sysfs: a MAC that is not the lowest port's cannot be the bridge's own choice.
        by_hand = lowest && link_of(*lowest).mac != bridge.mac;
        how = by_hand ? " (sysfs shows another network namespace; judged from the ports: it is "
                        "not the lowest port's MAC)"
                      : " (sysfs shows another network namespace; judged from the ports)";
    }
    if (by_hand) {
        report.say("  MAC: set by hand" + how + ": it stays " + bridge.mac.to_string() +
                   " whatever ports come and go" +
                   (holder ? "; port " + link_of(*holder).name + " has the same MAC" : ""));
        return;
    }
    if (snapshot.ports.empty()) {
        report.say("  MAC: follows its lowest port's MAC (not set by hand)" + how +
                   "; it has no port yet");
        report.risk("MAC: bridge " + bridge.name +
                        " has no port and its MAC is not set by hand: the first port to join "
                        "gives it its MAC, and it changes again as ports come and go",
                    pin + bridge.mac.to_string());
        return;
    }
    report.say("  MAC: follows its lowest port's MAC (not set by hand)" + how + "; " +
               (holder ? "port " + link_of(*holder).name + " holds it today"
                       : std::string("no port holds it right now")));
    // Pin it to the lowest MAC of a port that stays, else to what it has.
    const PortSnapshot* lowest_lasting = nullptr;
    for (const PortSnapshot& port : snapshot.ports) {
        if (!is_transient(port) && (!lowest_lasting || sorts_below(link_of(port).mac, link_of(*lowest_lasting).mac))) {
            lowest_lasting = &port;
        }
    }
    const std::string fix =
        pin + (lowest_lasting ? link_of(*lowest_lasting).mac : bridge.mac).to_string();
    if (holder && is_transient(*holder)) {
        report.risk("MAC: bridge " + bridge.name + "'s MAC is that of port " +
                        link_of(*holder).name + " (" +
                        (link_of(*holder).kind == "tun" ? std::string("a TAP") : "a device") +
                        ", MAC " + origin_text(holder->mac_origin) +
                        "): when it leaves or its MAC changes, the bridge's MAC changes, and "
                        "hosts on the bridge lose it until their ARP caches expire",
                    fix);
    }
    const MacAddress& today = bridge.mac;
    const double share = share_of_random_macs_below(today);
    for (const PortSnapshot& port : snapshot.ports) {
        if (&port == holder || port.mac_origin != MacOrigin::random) {
            continue;
        }
        if (share <= 0) {
            report.say("  MAC: port " + link_of(port).name +
                       " has a MAC the kernel chose at random, but no such MAC sorts below " +
                       today.to_string() + ": it cannot take the bridge's MAC over");
            continue;
        }
        report.risk("MAC: port " + link_of(port).name + " (" +
                        (link_of(port).kind.empty() ? std::string("device") : link_of(port).kind) +
                        ") could take the bridge's MAC over: its MAC " +
                        link_of(port).mac.to_string() +
                        " was chosen at random by the kernel, and a port that joins with such a "
                        "MAC takes the bridge's whenever it sorts below " +
                        today.to_string() + " (" + percent_text(share) +
                        " of them do); set a port's MAC before it joins (taplaunch gives TAPs "
                        "fe:...), or pin the bridge's",
                    fix);
    }
}

void explain_mtu(const BridgeSnapshot& snapshot, Report& report)
{
    std::map<unsigned, int> ports_with;
    for (const PortSnapshot& port : snapshot.ports) {
        ++ports_with[link_of(port).mtu];
    }
    if (ports_with.size() <= 1) {
        report.say("  MTU: " + std::to_string(snapshot.bridge.link.mtu) +
                   (snapshot.ports.empty() ? "" : ", the same on every port"));
        return;
    }
    // The MTU most ports have (the largest of those, on a tie) is the one to keep.
    unsigned common = 0;
    int most = 0;
    for (const auto& [mtu, count] : ports_with) {
        if (count >= most) {
            common = mtu;
            most = count;
        }
    }
    report.say("  MTU: " + std::to_string(snapshot.bridge.link.mtu) +
               "; the ports disagree (most have " + std::to_string(common) + ")");
    for (const PortSnapshot& port : snapshot.ports) {
        const unsigned mtu = link_of(port).mtu;
        if (mtu == common) {
            continue;
        }
        report.risk("MTU: port " + link_of(port).name + " has MTU " + std::to_string(mtu) +
                        ", the other ports " + std::to_string(common) + ": frames longer than " +
                        std::to_string(std::min(mtu, common)) +
                        " bytes are dropped between them, silently",
                    "ip link set dev " + link_of(port).name + " mtu " + std::to_string(common));
    }
}

void explain_stp(const BridgeSnapshot& snapshot, Report& report)
{
    const std::string& name = snapshot.bridge.link.name;
    const auto& settings = snapshot.bridge.bridge;
    if (!settings || !settings->stp_state) {
        report.say("  STP: this kernel does not report it");
        return;
    }
    if (*settings->stp_state == 0) {
        report.say("  STP: off: a port forwards as soon as it joins");
        return;
    }
    const std::string who = *settings->stp_state == 2 ? "user space" : "the kernel";
    if (!settings->forward_delay) {
        report.say("  STP: on (run by " + who + ")");
        return;
    }
    const unsigned delay = *settings->forward_delay;
    report.say("  STP: on (run by " + who + "), forward delay " + seconds_text(delay));
    report.risk("STP: on with forward delay " + seconds_text(delay) + ": a new port listens " +
                    seconds_text(delay) + " and learns " + seconds_text(delay) +
                    " before it forwards, so a guest waits " + seconds_text(2 * delay) +
                    " for traffic after it boots (DHCP may give up first); turn STP off where "
                    "the bridge is in no loop, or keep it with the shortest delay (ip link set "
                    "dev " + name + " type bridge forward_delay 200)",
                "ip link set dev " + name + " type bridge stp_state 0");
}

void explain_isolation(const BridgeSnapshot& snapshot, Report& report)
{
    std::string isolated;
    bool reported = false;
    for (const PortSnapshot& port : snapshot.ports) {
        if (port.details.port && port.details.port->isolated) {
            reported = true;
            if (*port.details.port->isolated) {
                isolated += (isolated.empty() ? "" : ", ") + link_of(port).name;
            }
        }
    }
    if (snapshot.ports.empty()) {
        return;
    }
    if (!reported) {
        report.say("  isolated ports: this kernel has no port isolation");
    } else if (isolated.empty()) {
        report.say("  isolated ports: none");
    } else {
        report.say("  isolated ports: " + isolated +
                   " (they reach the bridge's other ports, never each other)");
    }
}

void explain_netfilter_family(const BridgeSnapshot& snapshot, const std::string& family,
                              const std::optional<bool>& global_call,
                              const std::optional<bool>& bridge_call, const std::string& sysctl,
                              Report& report)
{
    const NetfilterSnapshot& netfilter = snapshot.netfilter;
    const std::string& name = snapshot.bridge.link.name;
    const bool calls = global_call.value_or(false) || bridge_call.value_or(false);
    if (!calls) {
        report.say("  netfilter " + family + ": br_netfilter does not hand " + name +
                   "'s traffic to the FORWARD chains (" + sysctl + " = 0)");
        return;
    }
    const std::string because = global_call.value_or(false)
                                    ? sysctl + " = 1"
                                    : "the bridge's own nf_call setting is on";
    std::vector<const ForwardChain*> chains;
    for (const ForwardChain& chain : netfilter.chains) {
        if (chain.family == family) {
            chains.push_back(&chain);
        }
    }
    if (chains.empty()) {
        report.say("  netfilter " + family + ": br_netfilter hands " + name +
                   "'s traffic to the FORWARD chains (" + because + "); " +
                   (netfilter.unreadable.empty() ? std::string("there are none")
                                                 : "cannot tell what they do"));
        return;
    }
    for (const ForwardChain* chain : chains) {
        std::string line = "  netfilter " + family + ": br_netfilter hands " + name +
                           "'s traffic to " + chain->where + " (" + because + "), policy " +
                           chain->policy;
        if (!chain->accepting_rules.empty()) {
            line += "; accepted by: " + chain->accepting_rules.front();
        }
        report.say(line);
        if (chain->policy == "drop" && chain->accepting_rules.empty()) {
            report.risk("netfilter: " + family + " traffic across bridge " + name +
                            " (guest to guest, guest to uplink) goes through " + chain->where +
                            ", whose policy is drop (as Docker sets it), and no rule accepts it: "
                            "it is dropped silently; accept it there, or stop br_netfilter "
                            "handing bridged traffic to it (sysctl -w " + sysctl + "=0, for "
                            "every bridge)",
                        chain->fix);
        }
    }
}

void explain_blocking(const BridgeSnapshot& snapshot, Report& report)
{
    const LinkFacts& bridge = snapshot.bridge.link;
    if (!bridge.up) {
        report.risk("down: bridge " + bridge.name + " is down: no frame crosses it",
                    "ip link set dev " + bridge.name + " up");
    }
    const NetfilterSnapshot& netfilter = snapshot.netfilter;
    // nftables' bridge family filters bridged frames by itself, br_netfilter or not.
    for (const ForwardChain& chain : netfilter.chains) {
        if (chain.family != "bridge") {
            continue;
        }
        report.say("  netfilter bridge: " + chain.where + " filters bridged frames, policy " +
                   chain.policy +
                   (chain.accepting_rules.empty() ? "" : "; accepted by: " + chain.accepting_rules.front()));
        if (chain.policy == "drop" && chain.accepting_rules.empty()) {
            report.risk("netfilter: frames across bridge " + bridge.name + " go through " +
                            chain.where + ", whose policy is drop, and no rule accepts them: "
                            "they are dropped silently",
                        chain.fix);
        }
    }
    if (!netfilter.br_netfilter) {
        report.say("  netfilter: br_netfilter is not loaded: bridged traffic passes no "
                   "iptables or nftables FORWARD chain");
        for (const std::string& missing : netfilter.unreadable) {
            report.say("  netfilter: cannot tell: " + missing);
        }
        return;
    }
    const auto& settings = snapshot.bridge.bridge;
    explain_netfilter_family(snapshot, "IPv4", netfilter.call_iptables,
                             settings ? settings->nf_call_iptables : std::nullopt,
                             "net.bridge.bridge-nf-call-iptables", report);
    explain_netfilter_family(snapshot, "IPv6", netfilter.call_ip6tables,
                             settings ? settings->nf_call_ip6tables : std::nullopt,
                             "net.bridge.bridge-nf-call-ip6tables", report);
    for (const std::string& missing : netfilter.unreadable) {
        report.say("  netfilter: cannot tell: " + missing);
    }
}

}  // namespace

double share_of_random_macs_below(const MacAddress& mac)
{
    // The kernel's random MACs (eth_random_addr) have the multicast bit clear and the local bit
    // set: their first byte is one of the 64 values 4k + 2, the rest uniform.
    const unsigned first = mac.bytes()[0];
    double share = 0;
    for (unsigned byte = 2; byte < 256; byte += 4) {
        if (byte < first) {
            share += 1.0 / 64;
        } else if (byte == first) {
            // The same first byte: the other five bytes decide, uniformly.
            double rest = 0;
            double scale = 1.0 / 256;
            for (std::size_t i = 1; i < mac.bytes().size(); ++i) {
                rest += mac.bytes()[i] * scale;
                scale /= 256;
            }
            share += rest / 64;
        }
    }
    return share;
}

BridgeReport report_bridge(const BridgeSnapshot& snapshot)
{
    Report report;
    const LinkDetails& bridge = snapshot.bridge;
    std::string state = bridge.link.up ? "up" : "down";
    if (bridge.link.up && !operstate_is_fine(bridge.operstate)) {
        state += " (" + bridge.operstate + ": no port passes traffic yet)";
    }
    report.say("bridge " + bridge.link.name + ": " + state + ", MAC " + bridge.link.mac.to_string() +
               ", MTU " + std::to_string(bridge.link.mtu));
    explain_mac(snapshot, report);
    explain_mtu(snapshot, report);
    explain_stp(snapshot, report);
    explain_isolation(snapshot, report);
    explain_blocking(snapshot, report);
    report.say("ports: " + std::to_string(snapshot.ports.size()));
    for (const PortSnapshot& port : snapshot.ports) {
        report.say(port_line(port));
    }
    for (const BridgeRisk& risk : report.result.risks) {
        report.say("risk: " + risk.problem);
        report.say("  fix: " + risk.fix);
    }
    const std::size_t count = report.result.risks.size();
    report.say("doctor: " + (count == 0 ? std::string("no risk") : std::to_string(count) +
                                                                     (count == 1 ? " risk" : " risks")) +
               " found on bridge " + bridge.link.name);
    return std::move(report.result);
}

}  // namespace taplaunch
