#include "emulators/qemu_option_list.hpp"

namespace taplaunch {

namespace {

// Reads a value from `position` up to the first single comma; ",," stands for ",". Returns
// where it stopped (at that comma or at the end).
std::size_t read_value(std::string_view text, std::size_t position, std::string& value)
{
    while (position < text.size()) {
        const char c = text[position];
        if (c == ',') {
            if (position + 1 < text.size() && text[position + 1] == ',') {
                value += ',';
                position += 2;
                continue;
            }
            break;
        }
        value += c;
        ++position;
    }
    return position;
}

}  // namespace

std::vector<QemuOptionParameter> parse_qemu_option_list(std::string_view text,
                                                        std::string_view implied_key)
{
    std::vector<QemuOptionParameter> parameters;
    std::size_t position = 0;
    bool first = true;
    while (position < text.size()) {
        const std::size_t start = position;
        QemuOptionParameter parameter;
        const std::size_t name_end = text.find_first_of("=,", position);
        const bool has_equals = name_end != std::string_view::npos && text[name_end] == '=';
        if (!has_equals && first && !implied_key.empty()) {
            parameter.key = implied_key;
            parameter.implied = true;
            position = read_value(text, position, parameter.value);
        } else if (!has_equals) {
            const std::size_t end = name_end == std::string_view::npos ? text.size() : name_end;
            std::string name(text.substr(position, end - position));
            if (name.starts_with("no")) {
                parameter.key = name.substr(2);
                parameter.value = "off";
            } else {
                parameter.key = std::move(name);
                parameter.value = "on";
            }
            position = end;
        } else {
            parameter.key = text.substr(position, name_end - position);
            position = read_value(text, name_end + 1, parameter.value);
        }
        parameter.text = text.substr(start, position - start);
        parameters.push_back(std::move(parameter));
        first = false;
        if (position < text.size()) {
            ++position;  // the separating comma
        }
    }
    return parameters;
}

std::vector<const QemuOptionParameter*> find_qemu_parameters(
    const std::vector<QemuOptionParameter>& parameters, std::string_view key)
{
    std::vector<const QemuOptionParameter*> found;
    for (const QemuOptionParameter& parameter : parameters) {
        if (parameter.key == key) {
            found.push_back(&parameter);
        }
    }
    return found;
}

std::string escape_qemu_option_value(std::string_view value)
{
    std::string escaped;
    for (const char c : value) {
        escaped += c;
        if (c == ',') {
            escaped += ',';
        }
    }
    return escaped;
}

std::string append_qemu_option_parameter(std::string_view list, std::string_view parameter)
{
    std::size_t trailing_commas = 0;
    while (trailing_commas < list.size() && list[list.size() - 1 - trailing_commas] == ',') {
        ++trailing_commas;
    }
    std::string appended(list);
    if (!list.empty() && trailing_commas % 2 == 0) {
        appended += ',';
    }
    appended += parameter;
    return appended;
}

}  // namespace taplaunch
