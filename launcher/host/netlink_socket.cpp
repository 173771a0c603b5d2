#include "host/netlink_socket.hpp"

#include "host/link_message.hpp"
#include "launch_error.hpp"

#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>

#include <linux/rtnetlink.h>

#include <algorithm>

#include <linux/if.h>
#include <sys/socket.h>

namespace taplaunch {

namespace {

std::string netlink_error_text(int error)
{
    std::string text = nl_geterror(error);
    if (error == -NLE_PERM) {
        text += " (needs CAP_NET_ADMIN in this network namespace)";
    }
    return text;
}

}  // namespace

void NetlinkSocket::SocketDeleter::operator()(nl_sock* socket) const
{
    nl_socket_free(socket);
}

NetlinkSocket::NetlinkSocket(std::unique_ptr<nl_sock, SocketDeleter> socket)
    : socket_(std::move(socket))
{
}

NetlinkSocket NetlinkSocket::connect()
{
    std::unique_ptr<nl_sock, SocketDeleter> socket(nl_socket_alloc());
    if (!socket) {
        throw HostError("out of memory allocating a netlink socket");
    }
    // libnl opens the socket with SOCK_CLOEXEC, so it never leaks into the emulator.
    if (const int error = nl_connect(socket.get(), NETLINK_ROUTE); error < 0) {
        throw HostError("connect to route netlink: " + netlink_error_text(error));
    }
    return NetlinkSocket(std::move(socket));
}

namespace {

struct MessageDeleter {
    void operator()(nl_msg* message) const { nlmsg_free(message); }
};
using MessagePtr = std::unique_ptr<nl_msg, MessageDeleter>;

struct CallbackDeleter {
    void operator()(nl_cb* callbacks) const { nl_cb_put(callbacks); }
};
using CallbackPtr = std::unique_ptr<nl_cb, CallbackDeleter>;

// An RTM_GETLINK request: for one link (by index or name), or a dump of all (of those
// attached to `master` when it is not 0: the kernel filters a dump by IFLA_MASTER).
MessagePtr link_request(int ifindex, const char* name, bool dump, int master = 0)
{
    MessagePtr message(nlmsg_alloc_simple(RTM_GETLINK, dump ? NLM_F_DUMP : 0));
    if (!message) {
        throw HostError("out of memory building a netlink request");
    }
    ifinfomsg header{};
    header.ifi_family = AF_UNSPEC;
    header.ifi_index = ifindex;
    if (nlmsg_append(message.get(), &header, sizeof header, NLMSG_ALIGNTO) < 0 ||
        (name && nla_put_string(message.get(), IFLA_IFNAME, name) < 0) ||
        (master != 0 && nla_put_u32(message.get(), IFLA_MASTER, static_cast<std::uint32_t>(master)) < 0)) {
        throw HostError("out of memory building a netlink request");
    }
    return message;
}

// Sends `request` and collects every link in the answer, as `parse` reads it.
template <typename Link, std::optional<Link> (*parse)(nlmsghdr*)>
int receive(nl_sock* socket, MessagePtr request, std::vector<Link>& links)
{
    if (const int error = nl_send_auto(socket, request.get()); error < 0) {
        return error;
    }
    const CallbackPtr callbacks(nl_cb_alloc(NL_CB_DEFAULT));
    if (!callbacks) {
        return -NLE_NOMEM;
    }
    nl_cb_set(
        callbacks.get(), NL_CB_VALID, NL_CB_CUSTOM,
        [](nl_msg* message, void* context) -> int {
            if (auto link = parse(nlmsg_hdr(message))) {
                static_cast<std::vector<Link>*>(context)->push_back(std::move(*link));
            }
            return NL_OK;
        },
        &links);
    return nl_recvmsgs(socket, callbacks.get());
}

int receive_links(nl_sock* socket, MessagePtr request, std::vector<LinkFacts>& links)
{
    return receive<LinkFacts, parse_link_message>(socket, std::move(request), links);
}

// A dump the kernel interrupts because links changed meanwhile (NLM_F_DUMP_INTR: another
// launch adding or removing a TAP) is incomplete: libnl reads it to the end and says so, and
// the dump is asked for again. `dump` sends a fresh request into `links` and returns libnl's
// result.
template <typename Link, typename Dump>
int dump_consistently(std::vector<Link>& links, Dump&& dump)
{
    constexpr int attempts = 50;
    int error = 0;
    for (int attempt = 0; attempt < attempts; ++attempt) {
        links.clear();
        error = dump(links);
        if (error != -NLE_DUMP_INTR) {
            return error;
        }
    }
    return error;
}

}  // namespace

std::optional<LinkFacts> NetlinkSocket::query_link(int ifindex, const char* name) const
{
    std::vector<LinkFacts> links;
    // The kernel answers a request for one link with the link, then the acknowledgement the
    // socket asks for; or with an error alone. Either way nothing is left to read after.
    int error = receive_links(socket_.get(), link_request(ifindex, name, false), links);
    if (error >= 0) {
        error = nl_wait_for_ack(socket_.get());
    }
    if (error == -NLE_OBJ_NOTFOUND || error == -NLE_NODEV) {
        return std::nullopt;
    }
    if (error < 0) {
        throw HostError(std::string("look up link ") +
                        (name ? "'" + std::string(name) + "'" : std::to_string(ifindex)) + ": " +
                        netlink_error_text(error));
    }
    if (links.empty()) {
        return std::nullopt;
    }
    return links.front();
}

std::optional<LinkFacts> NetlinkSocket::find_link(const std::string& name) const
{
    return query_link(0, name.c_str());
}

std::optional<LinkFacts> NetlinkSocket::find_link(int ifindex) const
{
    return query_link(ifindex, nullptr);
}

std::vector<LinkFacts> NetlinkSocket::list_links() const
{
    std::vector<LinkFacts> links;
    if (const int error = dump_consistently(links, [&](std::vector<LinkFacts>& into) {
            return receive_links(socket_.get(), link_request(0, nullptr, true), into);
        });
        error < 0) {
        throw HostError("list links: " + netlink_error_text(error));
    }
    return links;
}

std::vector<LinkDetails> NetlinkSocket::list_link_details() const
{
    std::vector<LinkDetails> links;
    if (const int error = dump_consistently(links, [&](std::vector<LinkDetails>& into) {
            return receive<LinkDetails, parse_link_details>(socket_.get(),
                                                            link_request(0, nullptr, true), into);
        });
        error < 0) {
        throw HostError("list links: " + netlink_error_text(error));
    }
    return links;
}

std::vector<LinkFacts> NetlinkSocket::list_ports(int master_ifindex) const
{
    std::vector<LinkFacts> links;
    if (const int error = dump_consistently(links, [&](std::vector<LinkFacts>& into) {
            return receive_links(socket_.get(), link_request(0, nullptr, true, master_ifindex), into);
        });
        error < 0) {
        throw HostError("list the ports of link " + std::to_string(master_ifindex) + ": " +
                        netlink_error_text(error));
    }
    // A kernel that ignores the filter would list every link.
    std::erase_if(links, [&](const LinkFacts& link) { return link.master_ifindex != master_ifindex; });
    return links;
}

}  // namespace taplaunch
