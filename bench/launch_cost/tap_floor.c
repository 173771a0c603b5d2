// The floor of launch cost: the fewest system calls that give an emulator COUNT TAPs on a
// bridge with the same guarantees as taplaunch's exec hand-off, then exec it.
//
//   tap_floor [--batch] COUNT BRIDGE -- EMULATOR [ARGS...]
//
// One route netlink socket; one request for the bridge's ifindex and MTU; per TAP: open /dev/net/tun,
// TUNSETIFF (IFF_TAP|IFF_NO_PI|IFF_VNET_HDR|IFF_TUN_EXCL, name tap%d), then four RTM_SETLINK
// requests addressed by name, in taplaunch's order (MAC with first byte 0xFE, MTU, master, up),
// each waited for until the kernel acknowledges it. With --batch the four requests of a TAP
// go in one send and their four acknowledgements are read after it: the kernel still applies
// them one after another, in order. The TAP fds are inherited by the emulator; nothing else is.

#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define REQUEST_SIZE 128

struct link_request {
    struct nlmsghdr header;
    struct ifinfomsg info;
    char attributes[REQUEST_SIZE];
};

static void fail(const char* what)
{
    perror(what);
    exit(1);
}

static void add_attribute(struct link_request* request, unsigned short type, const void* data,
                          size_t length)
{
    struct rtattr* attribute =
        (struct rtattr*)((char*)request + NLMSG_ALIGN(request->header.nlmsg_len));
    attribute->rta_type = type;
    attribute->rta_len = (unsigned short)RTA_LENGTH(length);
    memcpy(RTA_DATA(attribute), data, length);
    request->header.nlmsg_len = NLMSG_ALIGN(request->header.nlmsg_len) + RTA_ALIGN(attribute->rta_len);
}

static void start_request(struct link_request* request, unsigned short type, unsigned flags,
                          unsigned sequence, const char* name)
{
    memset(request, 0, sizeof *request);
    request->header.nlmsg_len = NLMSG_LENGTH(sizeof request->info);
    request->header.nlmsg_type = type;
    request->header.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags);
    request->header.nlmsg_seq = sequence;
    request->info.ifi_family = AF_UNSPEC;
    add_attribute(request, IFLA_IFNAME, name, strlen(name) + 1);
}

// Reads acknowledgements until `count` have arrived; any error ends the program.
static void read_acks(int netlink, int count)
{
    char buffer[8192];
    while (count > 0) {
        const ssize_t got = recv(netlink, buffer, sizeof buffer, 0);
        if (got < 0) {
            fail("recv netlink");
        }
        // The messages in what was read, as NLMSG_OK/NLMSG_NEXT walk them (written out: the
        // macros compare a signed length with an unsigned one, which clang warns about).
        const size_t size = (size_t)got;
        for (size_t offset = 0; offset + sizeof(struct nlmsghdr) <= size;) {
            const struct nlmsghdr* message = (const struct nlmsghdr*)(buffer + offset);
            if (message->nlmsg_len < sizeof(struct nlmsghdr) || message->nlmsg_len > size - offset) {
                break;
            }
            offset += NLMSG_ALIGN(message->nlmsg_len);
            if (message->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr* error = NLMSG_DATA(message);
                if (error->error != 0) {
                    fprintf(stderr, "tap_floor: request %u: %s\n", message->nlmsg_seq,
                            strerror(-error->error));
                    exit(1);
                }
                --count;
            }
        }
    }
}

static void send_all(int netlink, const void* data, size_t length)
{
    if (send(netlink, data, length, 0) != (ssize_t)length) {
        fail("send netlink");
    }
}

struct bridge_facts {
    int ifindex;
    unsigned mtu;
};

// One RTM_GETLINK by name: the bridge's ifindex and MTU.
static struct bridge_facts look_up_bridge(int netlink, const char* bridge)
{
    struct link_request request;
    start_request(&request, RTM_GETLINK, 0, 1, bridge);
    send_all(netlink, &request, request.header.nlmsg_len);
    char buffer[32768];
    const ssize_t got = recv(netlink, buffer, sizeof buffer, 0);
    const struct nlmsghdr* message = (const struct nlmsghdr*)buffer;
    if (got < (ssize_t)sizeof(struct nlmsghdr) || message->nlmsg_len < sizeof(struct nlmsghdr) ||
        message->nlmsg_len > (size_t)got || message->nlmsg_type != RTM_NEWLINK) {
        fprintf(stderr, "tap_floor: no bridge '%s'\n", bridge);
        exit(1);
    }
    const struct ifinfomsg* info = NLMSG_DATA(message);
    int remaining = (int)IFLA_PAYLOAD(message);
    for (const struct rtattr* attribute = IFLA_RTA(info); RTA_OK(attribute, remaining);
         attribute = RTA_NEXT(attribute, remaining)) {
        if (attribute->rta_type == IFLA_MTU) {
            return (struct bridge_facts){info->ifi_index, *(const unsigned*)RTA_DATA(attribute)};
        }
    }
    fprintf(stderr, "tap_floor: bridge '%s' has no MTU\n", bridge);
    exit(1);
}

int main(int argc, char** argv)
{
    int first = 1;
    const int batch = argc > 1 && strcmp(argv[1], "--batch") == 0;
    first += batch;
    if (argc < first + 4 || strcmp(argv[first + 2], "--") != 0) {
        fprintf(stderr, "usage: tap_floor [--batch] COUNT BRIDGE -- EMULATOR [ARGS...]\n");
        return 2;
    }
    const int count = atoi(argv[first]);
    const char* bridge = argv[first + 1];
    char** emulator = argv + first + 3;

    const int netlink = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (netlink < 0) {
        fail("socket netlink");
    }
    const struct bridge_facts facts = count > 0 ? look_up_bridge(netlink, bridge)
                                                : (struct bridge_facts){0, 0};
    unsigned sequence = 1;
    for (int i = 0; i < count; ++i) {
        const int tap = open("/dev/net/tun", O_RDWR);
        if (tap < 0) {
            fail("open /dev/net/tun");
        }
        struct ifreq create;
        memset(&create, 0, sizeof create);
        strcpy(create.ifr_name, "tap%d");
        create.ifr_flags = (short)(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_TUN_EXCL);
        if (ioctl(tap, TUNSETIFF, &create) != 0) {
            fail("TUNSETIFF");
        }

        struct link_request requests[4];
        const unsigned char mac[6] = {0xfe, 0x54, 0x00, 0x00, (unsigned char)(i >> 8),
                                      (unsigned char)i};
        start_request(&requests[0], RTM_SETLINK, NLM_F_ACK, ++sequence, create.ifr_name);
        add_attribute(&requests[0], IFLA_ADDRESS, mac, sizeof mac);
        start_request(&requests[1], RTM_SETLINK, NLM_F_ACK, ++sequence, create.ifr_name);
        add_attribute(&requests[1], IFLA_MTU, &facts.mtu, sizeof facts.mtu);
        start_request(&requests[2], RTM_SETLINK, NLM_F_ACK, ++sequence, create.ifr_name);
        add_attribute(&requests[2], IFLA_MASTER, &facts.ifindex, sizeof facts.ifindex);
        start_request(&requests[3], RTM_SETLINK, NLM_F_ACK, ++sequence, create.ifr_name);
        requests[3].info.ifi_flags = IFF_UP;
        requests[3].info.ifi_change = IFF_UP;

        if (batch) {
            char joined[4 * sizeof(struct link_request)];
            size_t length = 0;
            for (int step = 0; step < 4; ++step) {
                memcpy(joined + length, &requests[step], requests[step].header.nlmsg_len);
                length += NLMSG_ALIGN(requests[step].header.nlmsg_len);
            }
            send_all(netlink, joined, length);
            read_acks(netlink, 4);
        } else {
            for (int step = 0; step < 4; ++step) {
                send_all(netlink, &requests[step], requests[step].header.nlmsg_len);
                read_acks(netlink, 1);
            }
        }
    }
    execv(emulator[0], emulator);
    fail("exec the emulator");
}
