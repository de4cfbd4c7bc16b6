#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace gb::gateway {

struct ApiDefinition;

/// What a Tyk analytics record takes from the API definition (gateway/handler_success.go,
/// RecordHit: Host from the target, ListenPath, Tags, ExpireAt from expire_analytics_after).
struct ApiIdentity
{
    std::string apiId;
    std::string apiName;
    std::string orgId;
    std::string listenPath;
    bool stripListenPath = false; ///< recorded paths lose the listen path, as the upstream's do
    std::string targetHost;       ///< target_url's host[:port]: Tyk's record Host
    std::vector<std::string> tags;
    std::int64_t expireAnalyticsAfter = 0; ///< seconds; 0 = 100 years, as tyk-pump's SetExpiry

    bool operator==(const ApiIdentity&) const = default;
};

/// The identity of a loaded definition.
ApiIdentity apiIdentity(const ApiDefinition& api);
/// True when apiIdentity(api) would equal `identity`, without building one (allocation-free).
bool sameIdentity(const ApiIdentity& identity, const ApiDefinition& api) noexcept;

struct KeyIdentity
{
    std::string keyHash; ///< written as api_key: never the raw key
    std::string alias;
    std::string orgId;
    std::vector<std::string> tags;
};

/// Interned API and key details, so an AnalyticsRecord carries two integers instead of strings.
/// Entries are never removed (distinct APIs and keys are few; a re-created key interns to the
/// same ref when its details are equal). Thread-safe: interning takes a unique lock and happens
/// once per API per worker and once per cached session; the writer reads under a shared lock.
class AnalyticsIdentities
{
public:
    std::uint32_t internApi(const ApiIdentity& api);
    std::uint32_t internKey(std::string_view keyHash, std::string_view alias,
                            std::string_view orgId, const std::vector<std::string>& tags);

    /// Stable pointers (entries never move); null for 0 or an unknown ref.
    const ApiIdentity* api(std::uint32_t ref) const;
    const KeyIdentity* key(std::uint32_t ref) const;

private:
    mutable std::shared_mutex m_mutex;
    std::deque<ApiIdentity> m_apis;
    std::deque<KeyIdentity> m_keys;
    std::map<std::string, std::uint32_t, std::less<>> m_apiRefs;
    std::map<std::string, std::uint32_t, std::less<>> m_keyRefs;
};

} // namespace gb::gateway
