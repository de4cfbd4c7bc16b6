#include "gateway/config/route_table.h"

#include <algorithm>

namespace gb::gateway {

namespace {

std::string_view trimTrailingSlashes(std::string_view s)
{
    while (!s.empty() && s.back() == '/')
        s.remove_suffix(1);
    return s;
}

std::string_view trimLeadingSlashes(std::string_view s)
{
    while (!s.empty() && s.front() == '/')
        s.remove_prefix(1);
    return s;
}

bool matchesListenPath(std::string_view path, std::string_view listenPath) noexcept
{
    if (path.size() < listenPath.size() || path.compare(0, listenPath.size(), listenPath) != 0)
        return false;
    // A listen path ending in '/' already stops at a segment boundary.
    return listenPath.back() == '/' || path.size() == listenPath.size() ||
           path[listenPath.size()] == '/';
}

} // namespace

RouteTable::RouteTable(std::vector<ApiDefinition> apis)
    : m_apis(std::move(apis))
{
    for (const ApiDefinition& api : m_apis) {
        if (api.active && !api.listenPath.empty())
            m_routes.push_back({&api, api.listenPath, trimTrailingSlashes(api.target.path)});
    }
    // Stable, so with duplicate listen paths (which the loader refuses) the first API wins.
    std::stable_sort(m_routes.begin(), m_routes.end(), [](const Route& a, const Route& b) {
        return a.listenPath.size() > b.listenPath.size();
    });
}

RouteMatch RouteTable::match(std::string_view target) const noexcept
{
    RouteMatch m;
    const auto question = target.find('?');
    const std::string_view path = target.substr(0, question);
    if (path.empty() || path.front() != '/')
        return m;
    for (const Route& route : m_routes) {
        if (!matchesListenPath(path, route.listenPath))
            continue;
        const ApiDefinition& api = *route.api;
        m.api = &api;
        const std::string_view rest =
            api.stripListenPath ? path.substr(route.listenPath.size()) : path;
        // Tyk's disable_strip_slash: nothing left after the listen path means exactly the
        // target's path, trailing slash included.
        if (api.disableStripSlash && (rest.empty() || rest == "/")) {
            m.head = api.target.path;
        } else {
            m.head = route.head;
            m.tail = trimLeadingSlashes(rest);
        }
        m.targetQuery = api.target.query;
        if (question != std::string_view::npos) {
            m.requestHasQuery = true;
            m.query = target.substr(question + 1);
        }
        return m;
    }
    return m;
}

const ApiDefinition* RouteTable::findApi(std::string_view apiId) const noexcept
{
    for (const ApiDefinition& api : m_apis) {
        if (api.apiId == apiId)
            return &api;
    }
    return nullptr;
}

void RouteMatch::appendUpstreamTarget(std::string& out) const
{
    const std::size_t start = out.size();
    out.append(head);
    if (!tail.empty()) {
        out.push_back('/');
        out.append(tail);
    }
    if (out.size() == start)
        out.push_back('/');
    if (!targetQuery.empty() || requestHasQuery) {
        out.push_back('?');
        out.append(targetQuery);
        if (!targetQuery.empty() && !query.empty())
            out.push_back('&');
        out.append(query);
    }
}

std::string RouteMatch::upstreamTarget() const
{
    std::string out;
    appendUpstreamTarget(out);
    return out;
}

} // namespace gb::gateway
