#pragma once

#include "gateway/config/upstream_url.h"

#include <string>
#include <vector>

namespace gb::gateway {

/// Where a request carries its key, resolved the way Tyk's auth-token middleware reads
/// `auth_configs.authToken` (or the older `auth`): header first, then query parameter, then
/// cookie, the later one winning when present. Empty names are already defaulted.
struct TokenAuthConfig
{
    std::string headerName = "Authorization"; ///< "Bearer " prefix accepted by the proxy
    bool disableHeader = false;
    bool useParam = false;
    std::string paramName = "Authorization"; ///< defaults to headerName, as Tyk
    bool useCookie = false;
    std::string cookieName = "Authorization"; ///< defaults to headerName, as Tyk
};

/// `rate` requests per `per` seconds; Tyk treats a zero in either as "no limit".
struct RateLimit
{
    double rate = 0;
    double per = 0;

    bool isSet() const noexcept { return rate > 0 && per > 0; }
};

/// `version_data`: kept so keys' `versions` lists and /tyk/apis make sense; routing ignores it.
struct VersionData
{
    bool notVersioned = false;
    std::string defaultVersion;
    std::vector<std::string> versionNames; ///< keys of "versions", in file order
};

/// One API from a Tyk classic API definition file (or built from flags). A plain value: made by
/// the loader, then owned by a RouteTable and read from any thread.
struct ApiDefinition
{
    std::string apiId;
    std::string name;
    std::string orgId;
    bool active = true; ///< inactive APIs are listed by /tyk/apis but not routed, as Tyk
    bool useKeyless = false;
    TokenAuthConfig auth;
    std::string listenPath;
    std::string targetUrl; ///< as written
    UpstreamUrl target;
    bool stripListenPath = false;
    /// Tyk's strip_auth_data: take the credential out before the request goes upstream. Off
    /// (Tyk's default): the upstream gets the request with its key, as from Tyk.
    bool stripAuthData = false;
    bool disableStripSlash = false; ///< Tyk's proxy.disable_strip_slash, see RouteMatch
    RateLimit globalRateLimit;
    bool disableRateLimit = false;
    bool disableQuota = false;
    bool doNotTrack = false;
    std::vector<std::string> tags;         ///< added to every analytics record's tags
    std::int64_t expireAnalyticsAfter = 0; ///< seconds; the records' ExpireAt (0: 100 years)
    VersionData versionData;
    std::string sourceFile; ///< for messages; empty for the API built from flags
    /// The definition object exactly as loaded (compact, members in file order, unknown members
    /// kept), which /tyk/apis serves so a Tyk user sees their own file back.
    std::string originalJson;
};

/// Parses one API definition file. Unknown members are ignored; wrong types, a missing api_id
/// or listen_path, an unusable target_url (https is "not supported") and auth modes other than
/// keyless and auth token throw ConfigError "file:line:column: sentence".
ApiDefinition parseApiDefinition(std::string text, const std::string& fileLabel);

} // namespace gb::gateway
