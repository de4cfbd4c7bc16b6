#pragma once

#include "gateway/config/route_table.h"
#include "gateway/http/request.h"

#include <span>
#include <string>
#include <string_view>

namespace gb::gateway::proxy {

/// What, besides the client's request, shapes the head sent upstream.
struct UpstreamHeadParams
{
    std::string_view hostHeader;  ///< the upstream's authority, sent as Host (Tyk's default)
    std::string_view peer;        ///< the client's address, appended to X-Forwarded-For
    bool closeConnection = false; ///< close_connections: ask the upstream to close after this
    /// Fields a request filter adds (e.g. an upstream credential); end-to-end fields only.
    std::span<const http::Header> extraHeaders;
    /// Field names a request filter removes (e.g. the client's API key), case-insensitive.
    std::span<const std::string_view> removeHeaders;
};

/// Writes the upstream request head for a client request into `out` (cleared first; its capacity
/// is reused, so a per-exchange buffer makes this allocation-free in steady state):
///
///   METHOD <upstream target from the route> HTTP/1.1
///   Host: <upstream authority>
///   <every end-to-end field of the client, in order>
///   X-Forwarded-For: <the client's X-Forwarded-For values>, <peer>
///   Content-Length or Transfer-Encoding: chunked, as the client's body is framed
///
/// Hop-by-hop fields, including every field the client's Connection names (RFC 9110 §7.6.1), are
/// dropped, as are Expect (the server core answers 100-continue) and the client's framing fields
/// (the server core has decoded the body; it is re-framed here). Pure; any thread.
void writeUpstreamHead(std::string& out, const http::Request& request, const RouteMatch& route,
                       const UpstreamHeadParams& params);

/// The origin-form "path[?query]" of a request for routing: the target itself for origin-form,
/// its path-and-query part for absolute-form. Returns a view into the request, or into `scratch`
/// when it has to be assembled (an absolute-form target without a path).
std::string_view routingTarget(const http::Request& request, std::string& scratch);

} // namespace gb::gateway::proxy
