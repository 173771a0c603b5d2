#pragma once
// Reading one RTM_NEWLINK message (a link as the kernel reports it) into LinkFacts.

#include "host/link_details.hpp"
#include "plan/link_facts.hpp"

#include <optional>

struct nlmsghdr;

namespace taplaunch {

// The link an RTM_NEWLINK message describes, or nullopt when the message is not one or is
// malformed.
std::optional<LinkFacts> parse_link_message(nlmsghdr* message);

// The same with the link's operational state and its bridge or bridge port settings.
std::optional<LinkDetails> parse_link_details(nlmsghdr* message);

}  // namespace taplaunch
