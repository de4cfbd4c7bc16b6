#pragma once

#include "gateway/analytics/analytics_identities.h"
#include "gateway/analytics/analytics_record.h"

#include <cstdint>
#include <ctime>
#include <string_view>

namespace gb::gateway {

/// The contents of one Tyk analytics record (tyk-pump v1.17 analytics.AnalyticsRecord, the
/// version Tyk's go.mod pins), derived from a captured record the way Tyk derives them: the
/// handler's RecordHit (gateway/handler_success.go:191-357, gateway/handler_error.go:124-240)
/// and the analytics writer (gateway/analytics.go:182-212). Both encoders write these, so the
/// msgpack and JSON forms never disagree. Views point into the record and identities.
struct RecordValues
{
    std::string_view method;
    std::string_view host;      ///< the API's target host, as Tyk (r.URL.Host is empty server-side)
    std::string_view pathSlash; ///< "/" when `path` lacks its leading "/": Path = pathSlash + path
    std::string_view path;      ///< without the listen path when strip_listen_path
    std::string_view originalPath; ///< as received
    std::string_view listenPath;
    std::string_view userAgent;
    std::string_view apiKey;     ///< the key's hash; "" when keyless
    std::string_view apiVersion; ///< the version the request named, else "Non Versioned"
    std::string_view apiName;
    std::string_view apiId;
    std::string_view orgId; ///< the API's org_id
    std::string_view ip;
    std::string_view alias;
    std::int64_t contentLength = 0;
    std::int64_t timeUs = 0;     ///< when the response was done: Tyk's time.Now() in RecordHit
    std::int64_t expireAtUs = 0; ///< timeUs + expire_analytics_after (0: 100 years)
    std::int64_t totalMs = 0;    ///< whole milliseconds, truncated: int64(float ms) as Tyk
    std::int64_t upstreamMs = 0;
    std::uint32_t requestTimeUs = 0; ///< the same two in microseconds (the JSON form's extra)
    std::uint32_t upstreamLatencyUs = 0;
    int responseCode = 0;
    std::tm utc{}; ///< of timeUs: Day, Month, Year, Hour
    const ApiIdentity* api = nullptr;
    const KeyIdentity* key = nullptr;

    static constexpr std::string_view kNotVersioned = "Non Versioned";

    /// Tyk's tags in its order: the key's tags, the API's tags, then "key-<hash>" (with a key),
    /// "org-<org_id>" (with an org) and "api-<api_id>" (always). f(prefix, value) per tag.
    template <class F>
    void forEachTag(F&& f) const
    {
        if (key != nullptr)
            for (const std::string& t : key->tags)
                f(std::string_view(), std::string_view(t));
        if (api != nullptr)
            for (const std::string& t : api->tags)
                f(std::string_view(), std::string_view(t));
        if (!apiKey.empty())
            f(std::string_view("key-"), apiKey);
        if (!orgId.empty())
            f(std::string_view("org-"), orgId);
        f(std::string_view("api-"), apiId);
    }
    std::size_t tagCount() const noexcept;
};

/// The values of `record`; `api` and `key` may be null (unknown API, keyless request).
RecordValues recordValues(const AnalyticsRecord& record, const ApiIdentity* api,
                          const KeyIdentity* key) noexcept;

} // namespace gb::gateway
