#include "emulators/qemu_command_line.hpp"

#include "launch_error.hpp"

namespace taplaunch {

std::vector<QemuArgument> split_qemu_arguments(const std::vector<std::string>& args,
                                               const QemuOptionSet& options)
{
    std::vector<QemuArgument> arguments;
    std::size_t index = 0;
    while (index < args.size()) {
        const std::string& word = args[index];
        QemuArgument argument;
        argument.index = index;
        if (!word.starts_with('-')) {
            argument.kind = QemuArgument::Kind::image;
            arguments.push_back(argument);
            ++index;
            continue;
        }
        // QEMU strips one more dash: "--netdev" is "-netdev", "---netdev" is unknown.
        argument.name = word.substr(word.starts_with("--") ? 2 : 1);
        const std::optional<bool> takes_value = options.takes_value(argument.name);
        if (!takes_value) {
            argument.kind = QemuArgument::Kind::unknown_option;
        } else {
            argument.kind = QemuArgument::Kind::option;
            if (*takes_value) {
                if (index + 1 >= args.size()) {
                    throw DefinitionError("QEMU argument " + std::to_string(index + 1) + " (" +
                                          word + ") needs a value (QEMU stops there: give it "
                                          "one or remove it)");
                }
                argument.value_index = ++index;
            }
        }
        arguments.push_back(argument);
        ++index;
    }
    return arguments;
}

std::string describe_qemu_argument(const std::vector<std::string>& args,
                                   const QemuArgument& argument)
{
    std::string text = "QEMU argument " + std::to_string(argument.index + 1) + " (" +
                       args.at(argument.index);
    if (argument.value_index) {
        text += " " + args.at(*argument.value_index);
    }
    return text + ")";
}

}  // namespace taplaunch
