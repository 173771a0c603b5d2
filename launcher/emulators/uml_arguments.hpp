#pragma once
// User-Mode Linux's argument forms for a TAP taplaunch created.

#include "definition/guest_definition.hpp"
#include "definition/mac_address.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace taplaunch {

// One guest NIC, as UML's arguments need it.
struct UmlTapNic {
    std::size_t index = 0;   // the guest's NIC number: vec<i> or eth<i>
    MacAddress guest_mac;
    std::string tap_name;    // tap and tuntap: the TAP UML opens by name
    int fd = -1;             // fd: the TAP's fd, as UML finds it
};

// NIC i on the TAP named `tap_name` (or, for the fd transport, on the TAP's fd):
//   tap:    vec<i>:transport=tap,ifname=<tap>,mac=<guest mac>,gro=1   (vector driver, fastest;
//           UML turns TSO on for the TAP, and without gro=1 it drops every GSO frame the host
//           sends: host-to-guest TCP then runs at well under 1 Mbit/s)
//   tuntap: eth<i>=tuntap,<tap>,<guest mac>                       (legacy driver)
//   fd:     vec<i>:transport=fd,fd=<fd>,mac=<guest mac>,vec=0     (inherited fd; vec=0 is
//           required on a TAP fd, which delivers one frame per read)
std::string uml_nic_argument(UmlTransport transport, const UmlTapNic& nic);

// Inserts `nic_words` into UML's command line `argv` (argv[0] first): before a "--", which
// starts the arguments UML passes to the guest's init, else at the end. The command may be a
// wrapper (sudo -u alice -- linux ...): UML's "--" is looked for only after the word that
// names UML.
void insert_uml_nic_arguments(std::vector<std::string>& argv,
                              const std::vector<std::string>& nic_words);

}  // namespace taplaunch
