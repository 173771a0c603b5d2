#pragma once
// The prefix of every planning error about one NIC: "nic 2: ".

#include <cstddef>
#include <string>

namespace taplaunch {

inline std::string nic_context(std::size_t index)
{
    return "nic " + std::to_string(index) + ": ";
}

}  // namespace taplaunch
