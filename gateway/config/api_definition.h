#pragma once

#include "gateway/config/upstream_url.h"

#include <cstdint>
#include <string>
#include <string_view>
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

/// Where a versioned API's requests name their version (classic `definition.location`).
enum class VersionLocation : std::uint8_t
{
    None, ///< absent: no request names a version (only default_version can apply)
    Header,
    UrlParam,
    Url, ///< the first path segment after the listen path
};

/// One entry of `version_data.versions`.
struct ApiVersion
{
    std::string name;
    /// `expires` ("2006-01-02 15:04", UTC) as Unix seconds; 0: never ("" or "-1").
    std::int64_t expiresUnix = 0;
    bool expiresUnparsable = false; ///< Tyk then refuses the version as expired
    std::string expiresHttpDate;    ///< x-tyk-api-expires, RFC 1123 as Go writes it
};

/// `version_data` and the classic `definition` block, as Tyk's VersionCheck reads them
/// (gateway/mw_version_check.go, api_definition.go getVersionFromRequest and Version).
struct VersionData
{
    bool notVersioned = false;
    std::string defaultVersion;
    std::vector<std::string> versionNames; ///< keys of "versions", in file order
    std::vector<ApiVersion> versions;      ///< the same, with their expiry
    VersionLocation location = VersionLocation::None;
    std::string key;                  ///< header or parameter name
    bool stripVersioningData = false; ///< strip_versioning_data or the older strip_path
    bool fallbackToDefault = false;

    const ApiVersion* find(std::string_view name) const;
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
    /// `expiration` ("2006-01-02 15:04", UTC) as Unix seconds; 0: never. Past it Tyk answers 403.
    std::int64_t expirationUnix = 0;
    std::string expirationHttpDate; ///< x-tyk-api-expires while it holds
    std::string sourceFile;         ///< for messages; empty for the API built from flags
    /// The definition object exactly as loaded (compact, members in file order, unknown members
    /// kept), which /tyk/apis serves so a Tyk user sees their own file back.
    std::string originalJson;
};

/// Parses one API definition file. Unknown members are ignored; wrong types, a missing api_id
/// or listen_path, an unusable target_url (https is "not supported") and auth modes other than
/// keyless and auth token throw ConfigError "file:line:column: sentence".
ApiDefinition parseApiDefinition(std::string text, const std::string& fileLabel);

} // namespace gb::gateway
