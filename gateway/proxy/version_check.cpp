#include "gateway/proxy/version_check.h"

#include "common/http/query.h"

#include <chrono>

namespace gb::gateway::proxy {

namespace {

// Tyk's RequestStatus texts (gateway/api_definition.go:95-101).
constexpr std::string_view kVersionNotFound = "Version information not found";
constexpr std::string_view kVersionDoesNotExist = "This API version does not seem to exist";
constexpr std::string_view kVersionExpired =
    "Api Version has expired, please check documentation or contact administrator";
constexpr std::string_view kNoDefault = "No default API version for this non-versioned API found";
constexpr std::string_view kAmbiguousDefault =
    "Ambiguous default API version for this non-versioned API";
constexpr std::string_view kApiExpired =
    "API has expired, please check documentation or contact administrator";

VersionVerdict refused(std::string_view message)
{
    VersionVerdict v;
    v.refusal = message;
    return v;
}

VersionVerdict servedAs(const ApiVersion* version)
{
    VersionVerdict v;
    v.version = version;
    return v;
}

bool isDefaultName(std::string_view name)
{
    return name == "Default" || name == "default" || name.empty();
}

} // namespace

std::string_view versionNamedBy(const ApiDefinition& api, const http::Request& request)
{
    const VersionData& v = api.versionData;
    switch (v.location) {
    case VersionLocation::Header:
        return request.header(v.key);
    case VersionLocation::UrlParam:
        return http::queryValue(request.query, v.key);
    case VersionLocation::Url: {
        std::string_view path = request.path;
        if (path.starts_with(api.listenPath))
            path.remove_prefix(api.listenPath.size());
        while (path.starts_with('/'))
            path.remove_prefix(1);
        return path.substr(0, path.find('/')); // the first non-empty segment
    }
    case VersionLocation::None:
        break;
    }
    return {};
}

namespace {

/// Version (api_definition.go:2410-2460): the version a request is served as, or a refusal.
VersionVerdict selectVersion(const ApiDefinition& api, const http::Request& request)
{
    const VersionData& v = api.versionData;
    if (v.notVersioned) {
        std::size_t defaults = 0;
        for (const ApiVersion& version : v.versions)
            defaults += isDefaultName(version.name) ? 1 : 0;
        if (defaults > 1)
            return refused(kAmbiguousDefault);
        if (v.versions.size() == 1)
            return servedAs(&v.versions.front());
        for (std::string_view name : {"Default", "default", ""}) // GetSingleOrDefaultVersion
            if (const ApiVersion* version = v.find(name))
                return servedAs(version);
        return refused(kNoDefault);
    }
    std::string_view name = versionNamedBy(api, request);
    if (name.empty()) {
        if (v.defaultVersion.empty())
            return refused(kVersionNotFound);
        name = v.defaultVersion;
    }
    const ApiVersion* version = v.find(name);
    if (version == nullptr && v.fallbackToDefault)
        version = v.find(v.defaultVersion);
    if (version == nullptr)
        return refused(kVersionDoesNotExist);
    VersionVerdict verdict = servedAs(version);
    verdict.requested = name;
    return verdict;
}

bool expired(std::int64_t expiresUnix, bool unparsable, std::int64_t nowUnix)
{
    return unparsable || (expiresUnix != 0 && nowUnix >= expiresUnix);
}

} // namespace

VersionVerdict checkVersion(const ApiDefinition& api, const http::Request& request,
                            std::int64_t nowUnix)
{
    VersionVerdict verdict = selectVersion(api, request);
    if (!verdict.refusal.empty())
        return verdict;
    const ApiVersion& version = *verdict.version;
    // RequestValid (api_definition.go:2371-2377): the API's expiration counts for an API that
    // is not versioned, a version's expiry for one that is.
    if (api.versionData.notVersioned && expired(api.expirationUnix, false, nowUnix))
        return refused(kApiExpired);
    if (!api.versionData.notVersioned &&
        expired(version.expiresUnix, version.expiresUnparsable, nowUnix))
        return refused(kVersionExpired);
    if (api.expirationUnix != 0)
        verdict.expiresHeader = api.expirationHttpDate;
    else if (version.expiresUnix != 0 && !expired(version.expiresUnix, false, nowUnix))
        verdict.expiresHeader = version.expiresHttpDate;
    return verdict;
}

FilterVerdict VersionCheckFilter::onRequest(RequestContext& ctx, FilterResume)
{
    const ApiDefinition& api = *ctx.api;
    const VersionData& v = api.versionData;
    // Not versioned, one version that never expires, no API expiration: nothing to decide.
    if (v.notVersioned && v.versions.size() == 1 && v.versions.front().expiresUnix == 0 &&
        api.expirationUnix == 0)
        return FilterVerdict::Continue;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const http::Request& request = ctx.exchange->request();
    if (!v.notVersioned)
        ctx.versionNamed = versionNamedBy(api, request);
    const VersionVerdict verdict = checkVersion(api, request, now);
    if (!verdict.refusal.empty()) {
        // Sent by the proxy after the other filters have seen the request (analytics records
        // a version refusal, as Tyk's error handler does).
        std::string& body = ctx.strings.next();
        body.append("{\n    \"error\": \"").append(verdict.refusal).append("\"\n}");
        ctx.pendingRefusalStatus = 403;
        ctx.pendingRefusalBody = body;
        return FilterVerdict::Continue;
    }
    ctx.versionName = verdict.requested;
    if (!verdict.expiresHeader.empty())
        ctx.addResponseHeaders.push_back({"x-tyk-api-expires", verdict.expiresHeader});
    if (!v.notVersioned && v.stripVersioningData && v.location == VersionLocation::Header)
        ctx.removeUpstreamHeaders.push_back(v.key);
    return FilterVerdict::Continue;
}

} // namespace gb::gateway::proxy
