#pragma once

// Redis key names, in one place. Sessions and quotas use Tyk's names, so a Tyk user inspecting
// Redis finds what they expect; rate-limit windows are ours (Tyk keeps a sorted-set log there,
// we keep a fixed-window counter), so they carry our own prefix.

#include <string>
#include <string_view>

namespace gb::gateway::storage_keys {

inline constexpr std::string_view kSessionPrefix = "apikey-";
inline constexpr std::string_view kQuotaPrefix = "quota-";
inline constexpr std::string_view kRatePrefix = "gb-rate-";
inline constexpr std::string_view kAnalyticsList = "analytics-tyk-system-analytics";

/// "apikey-<id>": the session of a key (id: Tyk's hash of it when hash_keys is on).
inline std::string session(std::string_view id)
{
    std::string k(kSessionPrefix);
    k.append(id);
    return k;
}

/// "quota-<id>", or "quota-<scope>-<id>" for a per-API quota: the number used in the current
/// renewal period, expiring when the period ends (Tyk's layout).
inline std::string quota(std::string_view scope, std::string_view id)
{
    std::string k(kQuotaPrefix);
    if (!scope.empty()) {
        k.append(scope);
        k.push_back('-');
    }
    k.append(id);
    return k;
}

} // namespace gb::gateway::storage_keys
