#include "emulators/uml_arguments.hpp"

#include <algorithm>

namespace taplaunch {

std::string uml_nic_argument(UmlTransport transport, const UmlTapNic& nic)
{
    const std::string index = std::to_string(nic.index);
    const std::string mac = nic.guest_mac.to_string();
    switch (transport) {
    case UmlTransport::tap:
        return "vec" + index + ":transport=tap,ifname=" + nic.tap_name + ",mac=" + mac + ",gro=1";
    case UmlTransport::tuntap:
        return "eth" + index + "=tuntap," + nic.tap_name + "," + mac;
    case UmlTransport::fd:
        return "vec" + index + ":transport=fd,fd=" + std::to_string(nic.fd) + ",mac=" + mac +
               ",vec=0";
    }
    return {};
}

void insert_uml_nic_arguments(std::vector<std::string>& argv,
                              const std::vector<std::string>& nic_words)
{
    const auto uml_word = std::find_if(argv.begin(), argv.end(), [](const std::string& word) {
        return detect_emulator_kind(word) == EmulatorKind::uml;
    });
    const auto init_args =
        std::find(uml_word == argv.end() ? argv.begin() + 1 : uml_word + 1, argv.end(), "--");
    argv.insert(init_args, nic_words.begin(), nic_words.end());
}

}  // namespace taplaunch
