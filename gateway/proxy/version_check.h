#pragma once

#include "gateway/config/api_definition.h"
#include "gateway/http/request.h"
#include "gateway/proxy/request_filter.h"

#include <cstdint>
#include <string_view>

namespace gb::gateway::proxy {

/// What Tyk's VersionCheck decides for a classic API definition (gateway/mw_version_check.go
/// ProcessRequest, api_definition.go getVersionFromRequest, Version and RequestValid).
struct VersionVerdict
{
    /// Empty: the request may go on. Else Tyk's 403 message (api_definition.go:95-101).
    std::string_view refusal;
    const ApiVersion* version = nullptr; ///< the version it is served as, when allowed
    /// x-tyk-api-expires for an allowed request: the API's expiration, else the version's
    /// expiry while it holds (mw_version_check.go:169-173); empty: none.
    std::string_view expiresHeader;
    /// A versioned API: the version the request names, else default_version (what the key's
    /// access rights are checked against); empty for an API that is not versioned.
    std::string_view requested;
};

/// getVersionFromRequest (api_definition.go:2283-2343) for a versioned API: the version the
/// request names where the definition says to look (empty: none). Pure.
std::string_view versionNamedBy(const ApiDefinition& api, const http::Request& request);

/// Pure: the verdict for `request` on `api` at `nowUnix`. Cheap for an API that is not
/// versioned and expires nowhere (nothing to look up).
VersionVerdict checkVersion(const ApiDefinition& api, const http::Request& request,
                            std::int64_t nowUnix);

/// The built-in first filter of every API: refuses as Tyk's VersionCheck does (403 with Tyk's
/// error body, before the key is checked, as in Tyk's chain), adds x-tyk-api-expires, and with
/// strip_versioning_data takes a version header out of the upstream request.
class VersionCheckFilter final : public RequestFilter
{
public:
    FilterVerdict onRequest(RequestContext& ctx, FilterResume resume) override;
};

} // namespace gb::gateway::proxy
