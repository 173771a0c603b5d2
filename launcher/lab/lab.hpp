#pragma once
// `taplaunch lab [OPTIONS] -- COMMAND [ARGS...]`: COMMAND in network, PID and mount namespaces
// of its own (and a user namespace for an ordinary user) holding a bridge, optionally NAT to
// the outside through pasta and DHCP through dnsmasq; all of it gone when COMMAND ends, however
// the lab ends.

#include "lab/lab_settings.hpp"

#include <string>
#include <vector>

namespace taplaunch {

// Runs COMMAND in a new lab; returns COMMAND's exit status (128+N when signal N ended it), or
// throws HostError (nothing made is left).
int run_lab(const LabSettings& settings, const std::vector<std::string>& command);

}  // namespace taplaunch
