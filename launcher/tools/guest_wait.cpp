#include "tools/guest_wait.hpp"

#include "launch_error.hpp"
#include "tools/seen_addresses.hpp"
#include "tools/tap_listener.hpp"
#include "tools/tap_listing.hpp"

#include <nlohmann/json.hpp>

#include <poll.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>
#include <utility>

namespace taplaunch {

namespace {

using Clock = std::chrono::steady_clock;

std::optional<double> parse_seconds(const std::string& text)
{
    std::istringstream stream(text);
    double seconds = 0;
    if (text.empty() || !(stream >> seconds) || !stream.eof() || !std::isfinite(seconds) ||
        seconds < 0 || seconds > 1e7) {
        return std::nullopt;
    }
    return seconds;
}

std::string seconds_text(double seconds)
{
    std::ostringstream text;
    text << seconds << " s";
    return text.str();
}

struct NicSeen {
    const ListedTap* tap;
    SeenAddresses addresses;
    bool seen() const { return addresses.ipv4 || addresses.ipv6; }
};

std::string nic_json(const std::string& guest, const std::vector<NicSeen>& nics)
{
    using json = nlohmann::ordered_json;
    json entries = json::array();
    for (const NicSeen& nic : nics) {
        entries.push_back({
            {"tap", nic.tap->name},
            {"mac", nic.tap->record.guest_mac ? json(nic.tap->record.guest_mac->to_string())
                                              : json(nullptr)},
            {"ipv4", nic.addresses.ipv4 ? json(*nic.addresses.ipv4) : json(nullptr)},
            {"ipv6", nic.addresses.ipv6 ? json(*nic.addresses.ipv6) : json(nullptr)},
        });
    }
    const json document = {{"schema", wait_json_schema}, {"guest", guest}, {"nics", entries}};
    return document.dump(2) + '\n';
}

}  // namespace

int run_guest_wait(const std::string& guest, const std::string& timeout_text, bool json)
{
    const auto seconds = timeout_text.empty() ? std::optional(default_wait_seconds)
                                              : parse_seconds(timeout_text);
    if (!seconds) {
        report_line("wait: --timeout '" + excerpt(timeout_text) +
                    "' is not a number of seconds (e.g. --timeout 60)");
        return exit_bad_definition;
    }
    const auto deadline =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*seconds));
    // What the guests sent into their TAPs while this runs, by TAP (ifindex); a TAP gets its
    // listener as soon as it is seen, where packet sockets are allowed.
    std::map<int, std::optional<TapListener>> listeners;
    AddressesByMac heard;
    while (true) {
        std::vector<ListedTap> taps;
        for (ListedTap& tap : list_taps()) {
            if (tap.guest == guest && tap.launcher_running) {
                taps.push_back(std::move(tap));
            }
        }
        // One guest is one taplaunch process (its supervisor, or the emulator it became).
        std::map<std::pair<pid_t, unsigned long long>, std::vector<std::string>> launchers;
        for (const ListedTap& tap : taps) {
            launchers[{tap.record.process.pid, tap.record.process.start_time}].push_back(tap.name);
        }
        if (launchers.size() > 1) {
            std::string list;
            for (const auto& [launcher, names] : launchers) {
                list += (list.empty() ? "" : "; ") + std::string("pid ") + std::to_string(launcher.first) + " (";
                for (std::size_t i = 0; i < names.size(); ++i) {
                    list += (i ? ", " : "") + names[i];
                }
                list += ")";
            }
            report_line("wait: " + std::to_string(launchers.size()) + " running guests are named '" +
                        excerpt(guest) + "': " + list + " (give each guest a --name of its own)");
            return exit_bad_definition;
        }
        std::vector<NicSeen> nics;
        if (!taps.empty()) {
            for (const ListedTap& tap : taps) {
                if (!listeners.contains(tap.link.ifindex)) {
                    listeners[tap.link.ifindex] = TapListener::open(tap.link.ifindex);
                }
            }
            for (const auto& [ifindex, listener] : listeners) {
                if (listener) {
                    listener->drain(heard);
                }
            }
            const AddressesByMac seen = seen_addresses();
            for (const ListedTap& tap : taps) {
                NicSeen nic{&tap, {}};
                if (tap.record.guest_mac) {
                    const std::string mac = tap.record.guest_mac->to_string();
                    if (const auto found = seen.find(mac); found != seen.end()) {
                        nic.addresses = found->second;
                    }
                    if (const auto found = heard.find(mac); found != heard.end()) {
                        nic.addresses.ipv4 = nic.addresses.ipv4 ? nic.addresses.ipv4 : found->second.ipv4;
                        nic.addresses.ipv6 = nic.addresses.ipv6 ? nic.addresses.ipv6 : found->second.ipv6;
                    }
                }
                nics.push_back(std::move(nic));
            }
            const bool all_seen =
                std::all_of(nics.begin(), nics.end(), [](const NicSeen& nic) { return nic.seen(); });
            if (all_seen) {
                if (json) {
                    std::cout << nic_json(guest, nics);
                } else {
                    for (const NicSeen& nic : nics) {
                        std::cout << (nic.addresses.ipv4 ? *nic.addresses.ipv4 : *nic.addresses.ipv6) << '\n';
                    }
                }
                std::cout.flush();
                return 0;
            }
        }
        if (Clock::now() >= deadline) {
            if (taps.empty()) {
                report_line("wait: no guest named '" + excerpt(guest) + "' ran within " +
                            seconds_text(*seconds) +
                            " (taplaunch list shows the guests of this network namespace)");
            } else {
                for (std::size_t index = 0; index < nics.size(); ++index) {
                    if (nics[index].seen()) {
                        continue;
                    }
                    const ListedTap& tap = *nics[index].tap;
                    report_line("wait: guest '" + excerpt(guest) + "' runs, but nic " +
                                std::to_string(index) + " (" + tap.name + ", MAC " +
                                (tap.record.guest_mac ? tap.record.guest_mac->to_string() : "unknown") +
                                ") was not seen using an address within " + seconds_text(*seconds) +
                                " (no DHCP lease, no neighbour entry, and nothing it sent into its "
                                "TAP named one)");
                }
            }
            return exit_host_failure;
        }
        // 100 ms, or less when a guest sends something.
        std::vector<pollfd> ready;
        for (const auto& [ifindex, listener] : listeners) {
            if (listener) {
                ready.push_back({listener->fd(), POLLIN, 0});
            }
        }
        if (ready.empty()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        } else {
            ::poll(ready.data(), ready.size(), 100);
        }
    }
}

}  // namespace taplaunch
