#include "host/netlink_batch.hpp"

#include "launch_error.hpp"

#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <map>

namespace taplaunch {

namespace {

// The text of an error acknowledgement: strerror, and the extended ack's message if any.
std::string ack_error_text(const nlmsghdr* header)
{
    const auto* error = static_cast<const nlmsgerr*>(NLMSG_DATA(header));
    std::string text = errno_text(-error->error);
    if ((header->nlmsg_flags & NLM_F_ACK_TLVS) == 0) {
        return text;
    }
    // With NETLINK_CAP_ACK the request is not echoed: the TLVs follow the nlmsgerr.
    const std::size_t offset = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(nlmsgerr));
    std::size_t at = offset;
    while (at + sizeof(nlattr) <= header->nlmsg_len) {
        const auto* attribute = reinterpret_cast<const nlattr*>(
            reinterpret_cast<const std::uint8_t*>(header) + at);
        if (attribute->nla_len < sizeof(nlattr) || at + attribute->nla_len > header->nlmsg_len) {
            break;
        }
        if ((attribute->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
            const char* message = reinterpret_cast<const char*>(attribute) + NLA_HDRLEN;
            const std::size_t length = ::strnlen(message, attribute->nla_len - NLA_HDRLEN);
            if (length > 0) {
                text += " (" + std::string(message, length) + ")";
            }
        }
        at += NLA_ALIGN(attribute->nla_len);
    }
    return text;
}

}  // namespace

NetlinkBatch NetlinkBatch::open()
{
    UniqueFd socket(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (!socket.valid()) {
        const int error = errno;
        throw HostError("open a route netlink socket: " + errno_text(error));
    }
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    if (::bind(socket.get(), reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
        const int error = errno;
        throw HostError("bind a route netlink socket: " + errno_text(error));
    }
    const int on = 1;
    // Best effort: older kernels lack them, and the plain error code is enough.
    ::setsockopt(socket.get(), SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof on);
    ::setsockopt(socket.get(), SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
    return NetlinkBatch(std::move(socket));
}

std::vector<std::string> NetlinkBatch::apply(const std::vector<LinkChange>& changes)
{
    std::vector<std::string> results(changes.size());
    if (changes.empty()) {
        return results;
    }
    std::vector<std::uint8_t> requests;
    std::map<std::uint32_t, std::size_t> index_of_seq;
    for (std::size_t i = 0; i < changes.size(); ++i) {
        const std::uint32_t seq = next_seq_++;
        const std::vector<std::uint8_t> request = encode_link_change(changes[i], seq);
        requests.insert(requests.end(), request.begin(), request.end());
        index_of_seq[seq] = i;
    }
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    iovec buffer{requests.data(), requests.size()};
    msghdr message{};
    message.msg_name = &kernel;
    message.msg_namelen = sizeof kernel;
    message.msg_iov = &buffer;
    message.msg_iovlen = 1;
    if (::sendmsg(socket_.get(), &message, 0) < 0) {
        const int error = errno;
        throw HostError("send netlink requests: " + errno_text(error));
    }
    std::size_t pending = changes.size();
    alignas(nlmsghdr) std::uint8_t answers[32768];
    while (pending > 0) {
        const ssize_t received = ::recv(socket_.get(), answers, sizeof answers, 0);
        if (received < 0) {
            const int error = errno;
            if (error == EINTR) {
                continue;
            }
            throw HostError("read netlink acknowledgements: " + errno_text(error));
        }
        // The messages in what was read, as NLMSG_OK/NLMSG_NEXT walk them (written out: the
        // macros compare a signed length with an unsigned one).
        const auto size = static_cast<std::size_t>(received);
        for (std::size_t offset = 0; offset + sizeof(nlmsghdr) <= size;) {
            const auto* header = reinterpret_cast<const nlmsghdr*>(answers + offset);
            if (header->nlmsg_len < sizeof(nlmsghdr) || header->nlmsg_len > size - offset) {
                break;
            }
            offset += NLMSG_ALIGN(header->nlmsg_len);
            const auto found = index_of_seq.find(header->nlmsg_seq);
            if (header->nlmsg_type != NLMSG_ERROR || found == index_of_seq.end() ||
                header->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr))) {
                continue;
            }
            const auto* error = static_cast<const nlmsgerr*>(NLMSG_DATA(header));
            if (error->error != 0) {
                results[found->second] = ack_error_text(header);
            }
            index_of_seq.erase(found);
            --pending;
        }
    }
    return results;
}

int NetlinkBatch::index_of(const std::string& name) const
{
    ifreq request{};
    std::strncpy(request.ifr_name, name.c_str(), IFNAMSIZ - 1);
    if (::ioctl(socket_.get(), SIOCGIFINDEX, &request) != 0) {
        return 0;
    }
    return request.ifr_ifindex;
}

}  // namespace taplaunch
