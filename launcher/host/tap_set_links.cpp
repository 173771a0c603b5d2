#include "host/tap_set_links.hpp"

#include "host/netlink_batch.hpp"

namespace taplaunch {

namespace {

class NetlinkTapSetLinks : public TapSetLinks {
public:
    explicit NetlinkTapSetLinks(std::shared_ptr<NetlinkSocket> netlink)
        : netlink_(std::move(netlink)), changes_(NetlinkBatch::open())
    {
    }

    std::vector<LinkFacts> list_links() const override { return netlink_->list_links(); }

    std::optional<LinkFacts> find_link(int ifindex) const override
    {
        return netlink_->find_link(ifindex);
    }

    int index_of(const std::string& name) override { return changes_.index_of(name); }

    std::vector<std::string> apply(const std::vector<LinkChange>& requests) override
    {
        return changes_.apply(requests);
    }

private:
    std::shared_ptr<NetlinkSocket> netlink_;
    NetlinkBatch changes_;
};

}  // namespace

std::unique_ptr<TapSetLinks> netlink_tap_set_links(std::shared_ptr<NetlinkSocket> netlink)
{
    return std::make_unique<NetlinkTapSetLinks>(std::move(netlink));
}

}  // namespace taplaunch
