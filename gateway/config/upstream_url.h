#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gb::gateway {

/// Where an API's requests go: a parsed `proxy.target_url`. Plain HTTP only; the proxy opens
/// host:port and sends requests for path (see RouteMatch) with hostHeader as Host, as Tyk does
/// unless preserve_host_header is set.
struct UpstreamUrl
{
    std::string host; ///< name or address, IPv6 without brackets
    std::uint16_t port = 80;
    std::string path;       ///< as written, possibly empty ("http://h:8000")
    std::string query;      ///< without the '?', usually empty
    std::string hostHeader; ///< the authority as written: "h:8000", "[::1]:8000", "h"
};

struct UpstreamUrlParse
{
    std::optional<UpstreamUrl> url;
    std::string error; ///< a sentence when url is empty, e.g. https "is not supported"
};

/// Parses "http://host[:port][/path][?query]". https:// and other schemes, user info and
/// fragments are refused with a sentence saying why.
UpstreamUrlParse parseUpstreamUrl(std::string_view text);

} // namespace gb::gateway
