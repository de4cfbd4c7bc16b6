#pragma once

#include "gateway/config/gateway_config.h"

#include "gateway/http/request.h"
#include "gateway/keys/session_cache.h"

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace gb::gateway {

/// What the access check concluded about one request.
enum class AccessOutcome : std::uint8_t
{
    Allowed,
    KeyMissing,       ///< 401 Authorization field missing
    KeyUnknown,       ///< 403 Access to this API has been disallowed (unknown, or no rights)
    KeyExpired,       ///< 401 Key has expired, please renew
    KeyInactive,      ///< 403 Key is inactive, please renew
    RateLimited,      ///< 429 Rate Limit Exceeded: the key's limit
    ApiRateLimited,   ///< 429 API Rate Limit Exceeded: the API's global_rate_limit
    QuotaExceeded,    ///< 403 Quota exceeded, as Tyk (429 by GatewayFeatures' option)
    StoreUnavailable, ///< 503 Key store unavailable: the key could not be checked
};
inline constexpr std::size_t kAccessOutcomeCount =
    static_cast<std::size_t>(AccessOutcome::StoreUnavailable) + 1;

std::string_view accessOutcomeName(AccessOutcome o) noexcept;
int accessOutcomeStatus(AccessOutcome o) noexcept;
/// Tyk's error body for an outcome, byte for byte Tyk's template ({\n    "error": "..."\n});
/// empty for Allowed.
std::string_view accessOutcomeBody(AccessOutcome o) noexcept;

/// The limit that applies to the request (the key's rate limit when it passed; the limit that
/// refused it otherwise), for X-RateLimit-* headers.
struct RateLimitInfo
{
    bool present = false;
    std::uint64_t limit = 0;
    std::uint64_t remaining = 0;
    std::int64_t resetInMs = 0;         ///< until the window ends, from the decision
    std::int64_t resetUnix = 0;         ///< when it ends, Unix seconds (set on refusals; 0:
                                        ///< RateLimitHeaders derives it from resetInMs)
    std::int64_t retryAfterSeconds = 0; ///< whole seconds until then, rounded up
};

struct AccessDecision
{
    AccessOutcome outcome = AccessOutcome::Allowed;
    /// The key's session (with its hash, alias, org and tags for analytics and the request
    /// context); null for keyless APIs and when no key was found.
    SessionHandle session;
    RateLimitInfo rate;
    /// The key's quota window when it was counted and passed (limit = quota_max); absent for
    /// an unlimited quota and keyless APIs. Tyk's X-Ratelimit-* headers on answers.
    RateLimitInfo quota;

    bool allowed() const noexcept { return outcome == AccessOutcome::Allowed; }
    int status() const noexcept { return accessOutcomeStatus(outcome); }
    std::string_view body() const noexcept { return accessOutcomeBody(outcome); }
};

/// Tyk's X-Ratelimit-Limit, -Remaining and -Reset (internal/rate/headers.go) for a decision on
/// API `apiId`, formatted into this object's own storage: keep it alive while the header views
/// are in use. Quotas (Tyk's default): on an answer, the key's quota (max, remaining, when it
/// renews; 0, 0, 0 without a key), none on a refusal. RateLimits: the rate window (reset in
/// Unix seconds) on answers and refusals, plus Retry-After on a refusal.
class RateLimitHeaders
{
public:
    RateLimitHeaders(const AccessDecision& decision, RateLimitHeaderSource source,
                     std::string_view apiId);
    std::span<const http::Header> headers() const noexcept { return {m_headers.data(), m_count}; }

private:
    std::array<std::array<char, 24>, 4> m_values{};
    std::array<http::Header, 4> m_headers{};
    std::size_t m_count = 0;
};

} // namespace gb::gateway
