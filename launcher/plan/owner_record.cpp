#include "plan/owner_record.hpp"

#include <charconv>
#include <sstream>

namespace taplaunch {

namespace {

constexpr std::string_view record_prefix = "taplaunch ";

template <typename Number>
std::optional<Number> parse_number(std::string_view text)
{
    Number value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

std::string format_owner_record(const OwnerRecord& record)
{
    std::string text = std::string(record_prefix) + "pid=" + std::to_string(record.process.pid) +
                       " start=" + std::to_string(record.process.start_time);
    if (record.process.pid_namespace) {
        text += " pidns=" + std::to_string(*record.process.pid_namespace);
    }
    text += " guest=" + record.guest;
    if (record.guest_mac) {
        text += " mac=" + record.guest_mac->to_string();
    }
    if (record.uid) {
        text += " uid=" + std::to_string(*record.uid);
    }
    if (record.lock != LockMode::off) {
        text += " lock=" + std::string(lock_mode_name(record.lock));
    }
    return text;
}

std::optional<OwnerRecord> parse_owner_record(std::string_view alias)
{
    if (!alias.starts_with(record_prefix)) {
        return std::nullopt;
    }
    std::istringstream fields{std::string(alias.substr(record_prefix.size()))};
    std::string field;
    std::optional<pid_t> pid;
    std::optional<unsigned long long> start;
    std::optional<std::string> guest;
    std::optional<MacAddress> mac;
    std::optional<uid_t> uid;
    std::optional<unsigned long long> pid_namespace;
    LockMode lock = LockMode::off;
    bool malformed = false;  // a field taplaunch relies on, present but unreadable
    while (fields >> field) {
        const std::string_view view(field);
        if (view.starts_with("pid=")) {
            pid = parse_number<pid_t>(view.substr(4));
        } else if (view.starts_with("start=")) {
            start = parse_number<unsigned long long>(view.substr(6));
        } else if (view.starts_with("guest=")) {
            guest = std::string(view.substr(6));
        } else if (view.starts_with("mac=")) {
            mac = MacAddress::parse(view.substr(4));
        } else if (view.starts_with("uid=")) {
            uid = parse_number<uid_t>(view.substr(4));
            malformed = malformed || !uid;
        } else if (view.starts_with("pidns=")) {
            pid_namespace = parse_number<unsigned long long>(view.substr(6));
            malformed = malformed || !pid_namespace;
        } else if (view.starts_with("lock=")) {
            lock = parse_lock_mode(view.substr(5)).value_or(LockMode::off);
        }
    }
    if (!pid || *pid <= 0 || !start || !guest || malformed) {
        return std::nullopt;
    }
    return OwnerRecord{{*pid, *start, pid_namespace}, *guest, mac, uid, lock};
}

std::optional<uid_t> owner_other_than(uid_t caller, const OwnerRecord& record,
                                      std::optional<uid_t> tun_owner)
{
    if (!tun_owner && !record.uid) {
        return caller == 0 ? std::nullopt : std::optional<uid_t>(0);
    }
    for (const std::optional<uid_t>& owner : {tun_owner, record.uid}) {
        if (owner && *owner != caller) {
            return *owner;
        }
    }
    return std::nullopt;
}

}  // namespace taplaunch
