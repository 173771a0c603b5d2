#include "host/netlink_batch.hpp"

#include "launch_error.hpp"

#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
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

// What one acknowledgement may take of the receive buffer, with room to spare: the kernel
// charges an skb's true size (its data, the sk_buff and the shared info), about 0.7 KiB for
// an acknowledgement, a little more for one that carries an extended-ack message.
constexpr std::size_t acknowledgement_cost = 2048;

// The most bytes of requests one sendmsg carries: well below the socket's send buffer
// (net.core.wmem_default, 208 KiB by default), beyond which sendmsg fails with EMSGSIZE.
constexpr std::size_t max_send_bytes = 64 * 1024;

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
    // The receive buffer as the kernel counts it (net.core.rmem_default, doubled).
    int receive_buffer = 0;
    socklen_t length = sizeof receive_buffer;
    if (::getsockopt(socket.get(), SOL_SOCKET, SO_RCVBUF, &receive_buffer, &length) != 0) {
        const int error = errno;
        throw HostError("read the receive buffer size of a route netlink socket: " +
                        errno_text(error));
    }
    const std::size_t requests_per_send =
        std::max<std::size_t>(1, static_cast<std::size_t>(receive_buffer) / acknowledgement_cost);
    return NetlinkBatch(std::move(socket), requests_per_send);
}

std::vector<std::string> NetlinkBatch::apply(const std::vector<LinkChange>& changes)
{
    std::vector<std::string> results(changes.size());
    std::vector<std::vector<std::uint8_t>> requests;
    requests.reserve(changes.size());
    for (const LinkChange& change : changes) {
        requests.push_back(encode_link_change(change, next_seq_++));
    }
    // A chunk holds as many requests as the receive buffer holds acknowledgements of, and no
    // more bytes than one sendmsg may carry (a port lock's filter is a few KiB).
    std::size_t first = 0;
    while (first < requests.size()) {
        std::size_t count = 0;
        std::size_t bytes = 0;
        while (first + count < requests.size() && count < requests_per_send_ &&
               (count == 0 || bytes + requests[first + count].size() <= max_send_bytes)) {
            bytes += requests[first + count].size();
            ++count;
        }
        apply_chunk(requests, first, count, results);
        first += count;
    }
    return results;
}

void NetlinkBatch::apply_chunk(const std::vector<std::vector<std::uint8_t>>& encoded,
                               std::size_t first, std::size_t count,
                               std::vector<std::string>& results)
{
    std::vector<std::uint8_t> requests;
    std::map<std::uint32_t, std::size_t> index_of_seq;
    for (std::size_t i = first; i < first + count; ++i) {
        nlmsghdr header{};
        std::memcpy(&header, encoded[i].data(), sizeof header);
        requests.insert(requests.end(), encoded[i].begin(), encoded[i].end());
        index_of_seq[header.nlmsg_seq] = i;
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
    std::size_t pending = count;
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
