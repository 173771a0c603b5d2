#pragma once
// FakeTapSetLinks: a network namespace's links in memory, changed as the kernel changes them
// (rtnl_dellink: by ifindex when one is given, else every link of a group; a link change
// takes its group and alias), with every request recorded. Hooks let a test act where another
// process could: right after a listing, or right after a batch of changes.

#include "host/tap_set_links.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

class FakeTapSetLinks : public taplaunch::TapSetLinks {
public:
    std::map<int, taplaunch::LinkFacts> links;
    std::vector<taplaunch::LinkChange> requests;  // every change, in the order sent
    std::string delete_error;                     // answers every deletion when not empty
    std::function<void(FakeTapSetLinks&)> after_list;
    std::function<void(FakeTapSetLinks&)> after_apply;
    int lists = 0;

    void add(int ifindex, const std::string& name, const std::string& kind,
             const std::string& alias = "")
    {
        taplaunch::LinkFacts link;
        link.ifindex = ifindex;
        link.name = name;
        link.kind = kind;
        link.alias = alias;
        links[ifindex] = link;
    }

    std::vector<taplaunch::LinkFacts> list_links() const override
    {
        std::vector<taplaunch::LinkFacts> listed;
        for (const auto& [ifindex, link] : links) {
            listed.push_back(link);
        }
        auto& self = const_cast<FakeTapSetLinks&>(*this);
        ++self.lists;
        if (self.after_list) {
            self.after_list(self);
        }
        return listed;
    }

    std::optional<taplaunch::LinkFacts> find_link(int ifindex) const override
    {
        const auto link = links.find(ifindex);
        return link == links.end() ? std::nullopt : std::optional(link->second);
    }

    int index_of(const std::string& name) override
    {
        for (const auto& [ifindex, link] : links) {
            if (link.name == name) {
                return ifindex;
            }
        }
        return 0;
    }

    std::vector<std::string> apply(const std::vector<taplaunch::LinkChange>& changes) override
    {
        std::vector<std::string> results;
        for (const taplaunch::LinkChange& change : changes) {
            requests.push_back(change);
            results.push_back(apply_one(change));
        }
        if (after_apply) {
            after_apply(*this);
        }
        return results;
    }

    // Something a TapSet may own that talks to this fake, which outlives the set.
    std::unique_ptr<taplaunch::TapSetLinks> handle();

    // The deletions among the requests: by ifindex, or ("group N") by group.
    std::vector<std::string> deletions() const
    {
        std::vector<std::string> found;
        for (const taplaunch::LinkChange& change : requests) {
            if (change.remove) {
                found.push_back(change.ifindex > 0 ? std::to_string(change.ifindex)
                                                   : "group " + std::to_string(change.group.value_or(0)));
            }
        }
        return found;
    }

private:
    std::string apply_one(const taplaunch::LinkChange& change)
    {
        if (change.remove && change.ifindex <= 0) {
            if (!change.group || *change.group == 0) {
                return "Operation not permitted";
            }
            if (!delete_error.empty()) {
                return delete_error;
            }
            const auto removed = std::erase_if(
                links, [&](const auto& entry) { return entry.second.group == *change.group; });
            return removed > 0 ? "" : "No such device";
        }
        const auto link = links.find(change.ifindex);
        if (link == links.end()) {
            return "No such device";
        }
        if (change.remove) {
            if (!delete_error.empty()) {
                return delete_error;
            }
            links.erase(link);
            return "";
        }
        if (change.group) {
            link->second.group = *change.group;
        }
        if (change.alias) {
            link->second.alias = *change.alias;
        }
        return "";
    }
};

// Forwards to a FakeTapSetLinks that the test keeps, so it can look at the fake kernel after
// the TapSet is gone.
class FakeTapSetLinksHandle : public taplaunch::TapSetLinks {
public:
    explicit FakeTapSetLinksHandle(FakeTapSetLinks& fake) : fake_(fake) {}
    std::vector<taplaunch::LinkFacts> list_links() const override { return fake_.list_links(); }
    std::optional<taplaunch::LinkFacts> find_link(int ifindex) const override
    {
        return fake_.find_link(ifindex);
    }
    int index_of(const std::string& name) override { return fake_.index_of(name); }
    std::vector<std::string> apply(const std::vector<taplaunch::LinkChange>& changes) override
    {
        return fake_.apply(changes);
    }

private:
    FakeTapSetLinks& fake_;
};

inline std::unique_ptr<taplaunch::TapSetLinks> FakeTapSetLinks::handle()
{
    return std::make_unique<FakeTapSetLinksHandle>(*this);
}
