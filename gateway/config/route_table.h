#pragma once

#include "gateway/config/api_definition.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gb::gateway {

/// The outcome of routing one request: the API, and the upstream request-target in pieces that
/// point into the RouteTable and the caller's request string, so that matching allocates nothing.
///
/// Upstream path, with Tyk's rules (its singleJoiningSlash): `head + "/" + tail` when tail is not
/// empty, else `head`, and "/" when both are empty. head is the target URL's path without trailing
/// slashes; tail is the rest of the request path (after the listen path when
/// strip_listen_path is on) without leading slashes. Query: the target URL's query and the
/// request's, joined with '&', as Go's reverse proxy does.
///
/// Valid while the RouteTable it came from and the request string are alive.
struct RouteMatch
{
    const ApiDefinition* api = nullptr;
    std::string_view head;
    std::string_view tail;
    std::string_view targetQuery;
    std::string_view query;
    bool requestHasQuery = false; ///< a bare "?" is kept, as Go keeps ForceQuery

    explicit operator bool() const noexcept { return api != nullptr; }

    /// Appends the upstream request-target ("/json/valid?x=1") to out; reusing one buffer per
    /// connection makes this allocation-free in steady state.
    void appendUpstreamTarget(std::string& out) const;
    /// Convenience for tests and logs; allocates.
    std::string upstreamTarget() const;
};

/// Immutable routing table built from the loaded APIs: longest listen_path prefix wins,
/// path-segment aware.
///
/// A listen path without a trailing slash ("/api") matches "/api", "/api/..." and "/api?..." but
/// not "/apix" (Tyk matches "/apix" too unless http_server_options.enable_strict_routes is set;
/// we always route strictly). One with a trailing slash ("/api/") is a plain prefix, as in Tyk:
/// it matches "/api/..." and not "/api". Inactive APIs are kept for /tyk/apis but not routed.
///
/// Built on the loader thread, then shared read-only by every request thread through a
/// RouteTableHolder; not copyable or movable, since matches point into it.
class RouteTable
{
public:
    explicit RouteTable(std::vector<ApiDefinition> apis);
    RouteTable(const RouteTable&) = delete;
    RouteTable& operator=(const RouteTable&) = delete;

    /// target is the origin-form request-target, "path[?query]"; absolute-form targets must be
    /// reduced to origin-form by the caller. No match for anything not starting with '/'.
    /// Allocation-free; safe from any number of threads.
    RouteMatch match(std::string_view target) const noexcept;

    /// Every API given, active or not, in load order.
    const std::vector<ApiDefinition>& apis() const noexcept { return m_apis; }
    /// nullptr when no API has this api_id.
    const ApiDefinition* findApi(std::string_view apiId) const noexcept;

private:
    struct Route
    {
        const ApiDefinition* api;
        std::string_view listenPath;
        std::string_view head; ///< target path without trailing slashes
    };

    std::vector<ApiDefinition> m_apis;
    std::vector<Route> m_routes; ///< longest listen path first, so the first hit is the longest
};

} // namespace gb::gateway
