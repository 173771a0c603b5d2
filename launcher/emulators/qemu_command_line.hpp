#pragma once
// QEMU's command line as its option loop reads it: options, their values, disk images.

#include "emulators/qemu_option_set.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace taplaunch {

// One option or image among the emulator's arguments. Indices count the words after the
// emulator's name, from 0.
struct QemuArgument {
    enum class Kind {
        option,          // an option the QemuOptionSet knows
        unknown_option,  // a word starting with '-' that it does not know
        image,           // any other word: a disk image, as QEMU reads a bare word
    };
    Kind kind = Kind::image;
    std::size_t index = 0;                  // the option word (or the image)
    std::string name;                       // "netdev" for -netdev and --netdev; empty for images
    std::optional<std::size_t> value_index; // the word the option takes as its value
};

// Splits the emulator's arguments (argv[1..]) as QEMU does, with the options of `options`: a
// word starting with '-' is an option, "--name" meaning "-name"; an option that takes a value
// takes the next word, whatever it looks like ("-append -x" is one option); any other word is
// a disk image. "-name=value" is not an option of QEMU's. Throws DefinitionError when an
// option that takes a value is the last word.
std::vector<QemuArgument> split_qemu_arguments(const std::vector<std::string>& args,
                                               const QemuOptionSet& options = QemuOptionSet::table());

// "QEMU argument 4 (-netdev bridge,id=n0)": the option and its value as written, numbered as
// QEMU's own argv counts them (the emulator's name is 0), for one-line messages.
std::string describe_qemu_argument(const std::vector<std::string>& args,
                                   const QemuArgument& argument);

}  // namespace taplaunch
