#include "host/netlink_socket.hpp"

#include "launch_error.hpp"

#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include <algorithm>

#include <linux/if.h>
#include <sys/socket.h>

namespace taplaunch {

namespace {

struct LinkDeleter {
    void operator()(rtnl_link* link) const { rtnl_link_put(link); }
};
using LinkPtr = std::unique_ptr<rtnl_link, LinkDeleter>;

struct AddressDeleter {
    void operator()(nl_addr* address) const { nl_addr_put(address); }
};
using AddressPtr = std::unique_ptr<nl_addr, AddressDeleter>;

struct CacheDeleter {
    void operator()(nl_cache* cache) const { nl_cache_free(cache); }
};
using CachePtr = std::unique_ptr<nl_cache, CacheDeleter>;

std::string netlink_error_text(int error)
{
    std::string text = nl_geterror(error);
    if (error == -NLE_PERM) {
        text += " (needs CAP_NET_ADMIN in this network namespace)";
    }
    return text;
}

LinkPtr new_link_with_index(int ifindex)
{
    LinkPtr link(rtnl_link_alloc());
    if (!link) {
        throw HostError("out of memory allocating a netlink link");
    }
    rtnl_link_set_ifindex(link.get(), ifindex);
    return link;
}

LinkFacts facts_of(rtnl_link* link)
{
    LinkFacts facts;
    facts.ifindex = rtnl_link_get_ifindex(link);
    if (const char* name = rtnl_link_get_name(link)) {
        facts.name = name;
    }
    if (const char* kind = rtnl_link_get_type(link)) {
        facts.kind = kind;
    }
    facts.mtu = rtnl_link_get_mtu(link);
    if (nl_addr* address = rtnl_link_get_addr(link);
        address && nl_addr_get_len(address) == 6) {
        MacAddress::Bytes bytes{};
        const auto* data = static_cast<const std::uint8_t*>(nl_addr_get_binary_addr(address));
        std::copy(data, data + 6, bytes.begin());
        facts.mac = MacAddress(bytes);
    }
    facts.master_ifindex = rtnl_link_get_master(link);
    facts.up = (rtnl_link_get_flags(link) & IFF_UP) != 0;
    if (const char* alias = rtnl_link_get_ifalias(link)) {
        facts.alias = alias;
    }
    return facts;
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

std::optional<LinkFacts> NetlinkSocket::query_link(int ifindex, const char* name) const
{
    rtnl_link* raw = nullptr;
    const int error = rtnl_link_get_kernel(socket_.get(), ifindex, name, &raw);
    if (error == -NLE_OBJ_NOTFOUND || error == -NLE_NODEV) {
        return std::nullopt;
    }
    if (error < 0) {
        throw HostError(std::string("look up link ") +
                        (name ? "'" + std::string(name) + "'" : std::to_string(ifindex)) + ": " +
                        netlink_error_text(error));
    }
    const LinkPtr link(raw);
    return facts_of(link.get());
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
    nl_cache* raw = nullptr;
    if (const int error = rtnl_link_alloc_cache(socket_.get(), AF_UNSPEC, &raw); error < 0) {
        throw HostError("list links: " + netlink_error_text(error));
    }
    const CachePtr cache(raw);
    std::vector<LinkFacts> links;
    for (nl_object* object = nl_cache_get_first(cache.get()); object;
         object = nl_cache_get_next(object)) {
        links.push_back(facts_of(reinterpret_cast<rtnl_link*>(object)));
    }
    return links;
}

void NetlinkSocket::change_link(int ifindex, rtnl_link* changes)
{
    const LinkPtr original = new_link_with_index(ifindex);
    if (const int error = rtnl_link_change(socket_.get(), original.get(), changes, 0); error < 0) {
        throw HostError(netlink_error_text(error));
    }
}

void NetlinkSocket::set_mac(int ifindex, const MacAddress& mac)
{
    const LinkPtr changes = new_link_with_index(ifindex);
    const AddressPtr address(nl_addr_build(AF_LLC, mac.bytes().data(), mac.bytes().size()));
    if (!address) {
        throw HostError("out of memory building a link address");
    }
    rtnl_link_set_addr(changes.get(), address.get());
    change_link(ifindex, changes.get());
}

void NetlinkSocket::set_mtu(int ifindex, unsigned mtu)
{
    const LinkPtr changes = new_link_with_index(ifindex);
    rtnl_link_set_mtu(changes.get(), mtu);
    change_link(ifindex, changes.get());
}

void NetlinkSocket::set_master(int ifindex, int master_ifindex)
{
    const LinkPtr changes = new_link_with_index(ifindex);
    rtnl_link_set_master(changes.get(), master_ifindex);
    change_link(ifindex, changes.get());
}

void NetlinkSocket::set_up(int ifindex)
{
    const LinkPtr changes = new_link_with_index(ifindex);
    rtnl_link_set_flags(changes.get(), IFF_UP);
    change_link(ifindex, changes.get());
}

void NetlinkSocket::set_alias(int ifindex, const std::string& alias)
{
    const LinkPtr changes = new_link_with_index(ifindex);
    rtnl_link_set_ifalias(changes.get(), alias.c_str());
    change_link(ifindex, changes.get());
}

void NetlinkSocket::delete_link(int ifindex)
{
    const LinkPtr link = new_link_with_index(ifindex);
    if (const int error = rtnl_link_delete(socket_.get(), link.get()); error < 0) {
        throw HostError(netlink_error_text(error));
    }
}

}  // namespace taplaunch
