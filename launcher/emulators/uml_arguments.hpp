#pragma once
// User-Mode Linux's argument forms for a TAP taplaunch created.

#include "definition/guest_definition.hpp"
#include "plan/tap_plan.hpp"

#include <string>

namespace taplaunch {

// NIC i on the TAP named `tap_name` (or, for the fd transport, on the TAP's fd):
//   tap:    vec<i>:transport=tap,ifname=<tap>,mac=<guest mac>,gro=1   (vector driver, fastest;
//           UML turns TSO on for the TAP, and without gro=1 it drops every GSO frame the host
//           sends: host-to-guest TCP then runs at well under 1 Mbit/s)
//   tuntap: eth<i>=tuntap,<tap>,<guest mac>                       (legacy driver)
//   fd:     vec<i>:transport=fd,fd=<fd>,mac=<guest mac>,vec=0     (inherited fd; vec=0 is
//           required on a TAP fd, which delivers one frame per read)
std::string uml_nic_argument(UmlTransport transport, const TapPlan& tap,
                             const std::string& tap_name);

}  // namespace taplaunch
