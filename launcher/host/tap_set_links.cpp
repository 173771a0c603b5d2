#include "host/tap_set_links.hpp"

#include "host/netlink_batch.hpp"

namespace taplaunch {

namespace {

class NetlinkTapSetLinks : public TapSetLinks {
public:
    explicit NetlinkTapSetLinks(std::shared_ptr<NetlinkSocket> netlink)
        : netlink_(std::move(netlink))
    {
    }

    std::vector<LinkFacts> list_links() const override { return netlink_->list_links(); }

    std::optional<LinkFacts> find_link(int ifindex) const override
    {
        return netlink_->find_link(ifindex);
    }

    int index_of(const std::string& name) override { return changes().index_of(name); }

    std::vector<std::string> apply(const std::vector<LinkChange>& requests) override
    {
        return changes().apply(requests);
    }

private:
    NetlinkBatch& changes()
    {
        if (!changes_) {
            changes_ = std::make_unique<NetlinkBatch>(NetlinkBatch::open());
        }
        return *changes_;
    }

    std::shared_ptr<NetlinkSocket> netlink_;
    std::unique_ptr<NetlinkBatch> changes_;
};

}  // namespace

std::unique_ptr<TapSetLinks> netlink_tap_set_links(std::shared_ptr<NetlinkSocket> netlink)
{
    return std::make_unique<NetlinkTapSetLinks>(std::move(netlink));
}

}  // namespace taplaunch
