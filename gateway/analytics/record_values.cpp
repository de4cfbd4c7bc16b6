#include "gateway/analytics/record_values.h"

namespace gb::gateway {

namespace {

/// Tyk's StripListenPath (internal/httputil/mux.go:120-133): the listen path goes when the
/// path starts with it. The leading "/" it then adds is RecordValues::pathSlash.
std::string_view stripListenPath(std::string_view path, std::string_view listenPath) noexcept
{
    if (!listenPath.empty() && path.starts_with(listenPath))
        path.remove_prefix(listenPath.size());
    return path;
}

std::int64_t wholeMs(std::uint32_t micros) noexcept
{
    return static_cast<std::int64_t>(micros / 1000);
}

/// gmtime_r, computed once per second per thread: records come in time order.
const std::tm& utcOf(std::int64_t unixUs) noexcept
{
    struct Cached
    {
        std::time_t seconds = -1;
        std::tm utc{};
    };
    thread_local Cached cache;
    const auto seconds = static_cast<std::time_t>(unixUs / 1'000'000);
    if (cache.seconds != seconds) {
        cache.seconds = seconds;
        gmtime_r(&seconds, &cache.utc);
    }
    return cache.utc;
}

constexpr std::int64_t kHundredYearsUs = 100LL * 365 * 24 * 3600 * 1'000'000;

} // namespace

std::size_t RecordValues::tagCount() const noexcept
{
    std::size_t n = 0;
    forEachTag([&n](std::string_view, std::string_view) { ++n; });
    return n;
}

RecordValues recordValues(const AnalyticsRecord& r, const ApiIdentity* api,
                          const KeyIdentity* key) noexcept
{
    RecordValues v;
    v.api = api;
    v.key = key;
    v.method = r.method();
    v.originalPath = r.path();
    v.path = r.path();
    v.userAgent = r.userAgent();
    v.ip = r.ip();
    v.apiVersion = r.version().empty() ? RecordValues::kNotVersioned : r.version();
    v.contentLength = r.contentLength;
    v.responseCode = r.responseCode;
    v.totalMs = wholeMs(r.requestTimeUs);
    v.upstreamMs = wholeMs(r.upstreamLatencyUs);
    v.requestTimeUs = r.requestTimeUs;
    v.upstreamLatencyUs = r.upstreamLatencyUs;
    v.timeUs = r.timestampUs + r.requestTimeUs;
    v.utc = utcOf(v.timeUs);
    std::int64_t expireUs = kHundredYearsUs;
    if (api != nullptr) {
        v.host = api->targetHost;
        v.listenPath = api->listenPath;
        v.apiName = api->apiName;
        v.apiId = api->apiId;
        v.orgId = api->orgId;
        if (api->stripListenPath)
            v.path = stripListenPath(v.path, api->listenPath);
        if (api->expireAnalyticsAfter > 0)
            expireUs = api->expireAnalyticsAfter * 1'000'000;
    }
    v.expireAtUs = v.timeUs + expireUs;
    if (!v.path.starts_with('/'))
        v.pathSlash = "/"; // gateway/analytics.go:201-203
    if (key != nullptr) {
        v.apiKey = key->keyHash;
        v.alias = key->alias;
    }
    return v;
}

} // namespace gb::gateway
