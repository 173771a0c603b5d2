#include "emulators/qemu_help_options.hpp"

#include <optional>
#include <vector>

namespace taplaunch {

namespace {

// The column QEMU's help text starts an option's description in (qemu-options.hx pads the
// synopsis to 16 characters).
constexpr std::size_t description_column = 16;

constexpr std::string_view version_prefix = "QEMU emulator version ";

// "-netdev" and "--preconfig" without their dashes.
std::string_view option_name(std::string_view word)
{
    word.remove_prefix(word.starts_with("--") ? 2 : 1);
    return word;
}

std::size_t skip_spaces(std::string_view line, std::size_t at)
{
    while (at < line.size() && line[at] == ' ') {
        ++at;
    }
    return at;
}

// What one option line says: its names, and whether they take a value; `alias_of` is set
// for "-M   as -machine".
struct HelpLine {
    std::vector<std::string_view> names;
    bool takes_value = false;
    std::optional<std::string_view> alias_of;
};

HelpLine read_help_line(std::string_view line)
{
    HelpLine read;
    std::size_t end = line.find(' ');
    if (end == std::string_view::npos) {
        end = line.size();
    }
    // "-fda/-fdb file": several names share one line.
    std::string_view head = line.substr(0, end);
    while (!head.empty()) {
        const std::size_t slash = head.find("/-");
        read.names.push_back(option_name(head.substr(0, slash)));
        head = slash == std::string_view::npos ? std::string_view() : head.substr(slash + 1);
    }
    // "-h or -help".
    constexpr std::string_view alternative = " or -";
    while (line.substr(end).starts_with(alternative)) {
        const std::size_t start = end + alternative.size() - 1;
        end = line.find(' ', start);
        if (end == std::string_view::npos) {
            end = line.size();
        }
        read.names.push_back(option_name(line.substr(start, end - start)));
    }
    const std::size_t next = skip_spaces(line, end);
    if (next >= line.size()) {
        return read;  // a name alone: no value
    }
    const bool description = next == description_column ||
                             (next > description_column && next - end > 1);
    if (!description) {
        read.takes_value = true;
        return read;
    }
    constexpr std::string_view alias_prefix = "as -";
    const std::string_view rest = line.substr(next);
    if (rest.starts_with(alias_prefix) && rest.find(' ', alias_prefix.size()) == std::string_view::npos) {
        read.alias_of = option_name(rest.substr(alias_prefix.size() - 1));
    }
    return read;
}

}  // namespace

QemuHelpOptions parse_qemu_help(std::string_view text)
{
    QemuHelpOptions options;
    std::vector<std::pair<std::string_view, std::string_view>> aliases;  // name, alias of
    while (!text.empty()) {
        const std::size_t newline = text.find('\n');
        const std::string_view line = text.substr(0, newline);
        text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
        if (options.version.empty() && line.starts_with(version_prefix)) {
            const std::string_view rest = line.substr(version_prefix.size());
            options.version = std::string(rest.substr(0, rest.find(' ')));
            continue;
        }
        if (line.size() < 2 || line[0] != '-' || line[1] == ' ') {
            continue;
        }
        const HelpLine read = read_help_line(line);
        for (const std::string_view name : read.names) {
            if (name.empty() || name.starts_with('-')) {
                continue;
            }
            if (read.alias_of) {
                aliases.emplace_back(name, *read.alias_of);
                continue;
            }
            // An option with several lines (-netdev user,... -netdev tap,...) takes a value
            // when any of them shows one.
            bool& takes_value = options.takes_value[std::string(name)];
            takes_value = takes_value || read.takes_value;
        }
    }
    for (const auto& [name, target] : aliases) {
        const auto found = options.takes_value.find(target);
        options.takes_value[std::string(name)] =
            found != options.takes_value.end() && found->second;
    }
    return options;
}

}  // namespace taplaunch
