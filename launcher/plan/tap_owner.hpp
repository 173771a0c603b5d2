#pragma once
// The user who owns persistent TAPs (TUNSETOWNER): the caller, or --owner.

#include "definition/guest_definition.hpp"
#include "plan/host_facts.hpp"

#include <sys/types.h>

namespace taplaunch {

// The owner of the launch's persistent TAPs. Throws DefinitionError for --owner on TAPs that
// are not persistent, a user the host does not know or this user namespace does not map, and
// a caller other than root giving TAPs to someone else.
uid_t decide_owner(const GuestDefinition& guest, bool persistent, const HostFacts& host);

}  // namespace taplaunch
