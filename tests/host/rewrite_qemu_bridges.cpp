// Test tool: rewrites QEMU's bridge forms in its arguments as taplaunch would and prints the
// result, one word per NUL-terminated record on stdout, and one note per line on stderr.
//
//   rewrite_qemu_bridges [--fds Q[:Q...][/V[:V...]]]... -- QEMU-ARGS...
//
// One --fds per bridge NIC the arguments hold, in order: queue fds, then vhost fds after '/'.
// A NIC without a MAC gets default_guest_mac(the -name guest name or "guest", its index).

#include "definition/mac_address.hpp"
#include "emulators/qemu_bridge_rewrite.hpp"
#include "emulators/qemu_network_scan.hpp"

#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

namespace {

std::vector<int> parse_fds(const std::string& text)
{
    std::vector<int> fds;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find(':', start);
        fds.push_back(std::stoi(text.substr(start, end - start)));
        start = end == std::string::npos ? text.size() : end + 1;
    }
    return fds;
}

}  // namespace

int main(int argc, char** argv)
{
    try {
        std::vector<std::pair<std::vector<int>, std::vector<int>>> fd_sets;
        int i = 1;
        for (; i < argc && std::string(argv[i]) != "--"; i += 2) {
            if (std::string(argv[i]) != "--fds" || i + 1 >= argc) {
                std::cerr << "usage: rewrite_qemu_bridges [--fds Q[:Q...][/V[:V...]]]... -- ARGS\n";
                return 2;
            }
            const std::string spec = argv[i + 1];
            const std::size_t slash = spec.find('/');
            fd_sets.emplace_back(parse_fds(spec.substr(0, slash)),
                                 slash == std::string::npos ? std::vector<int>{}
                                                            : parse_fds(spec.substr(slash + 1)));
        }
        const std::vector<std::string> args(argv + std::min(i + 1, argc), argv + argc);
        const taplaunch::QemuNetworkScan scan = taplaunch::scan_qemu_arguments(args);
        if (fd_sets.size() != scan.bridge_nics.size()) {
            std::cerr << "rewrite_qemu_bridges: " << scan.bridge_nics.size()
                      << " bridge NICs, but " << fd_sets.size() << " --fds\n";
            return 2;
        }
        std::vector<taplaunch::QemuBridgeTap> taps;
        for (std::size_t nic = 0; nic < fd_sets.size(); ++nic) {
            const auto& found = scan.bridge_nics[nic];
            taps.push_back({fd_sets[nic].first, fd_sets[nic].second,
                            found.mac.value_or(taplaunch::default_guest_mac(
                                scan.guest_name.value_or("guest"), nic))});
        }
        const auto rewrite = taplaunch::rewrite_qemu_bridges(args, scan, taps);
        for (const std::string& note : rewrite.notes) {
            std::cerr << note << '\n';
        }
        for (const std::string& word : rewrite.args) {
            std::fwrite(word.c_str(), 1, word.size() + 1, stdout);
        }
        return 0;
    } catch (const std::exception& error) {
        std::cerr << "rewrite_qemu_bridges: " << error.what() << '\n';
        return 2;
    }
}
