#include "gateway/access/access_decision.h"

#include <charconv>
#include <chrono>

namespace gb::gateway {

std::string_view accessOutcomeName(AccessOutcome o) noexcept
{
    switch (o) {
    case AccessOutcome::Allowed:
        return "allowed";
    case AccessOutcome::KeyMissing:
        return "key_missing";
    case AccessOutcome::KeyUnknown:
        return "key_unknown";
    case AccessOutcome::KeyExpired:
        return "key_expired";
    case AccessOutcome::KeyInactive:
        return "key_inactive";
    case AccessOutcome::RateLimited:
        return "rate_limited";
    case AccessOutcome::ApiRateLimited:
        return "api_rate_limited";
    case AccessOutcome::QuotaExceeded:
        return "quota_exceeded";
    case AccessOutcome::StoreUnavailable:
        return "store_unavailable";
    }
    return "unknown";
}

int accessOutcomeStatus(AccessOutcome o) noexcept
{
    switch (o) {
    case AccessOutcome::Allowed:
        return 200;
    case AccessOutcome::KeyMissing:
    case AccessOutcome::KeyExpired:
        return 401;
    case AccessOutcome::KeyUnknown:
    case AccessOutcome::KeyInactive:
    case AccessOutcome::QuotaExceeded: // Tyk's handleQuotaFailure (gateway/mw_rate_limiting.go:47)
        return 403;
    case AccessOutcome::RateLimited:
    case AccessOutcome::ApiRateLimited:
        return 429;
    case AccessOutcome::StoreUnavailable:
        return 503;
    }
    return 500;
}

std::string_view accessOutcomeBody(AccessOutcome o) noexcept
{
    switch (o) {
    case AccessOutcome::Allowed:
        return {};
    case AccessOutcome::KeyMissing:
        return "{\n    \"error\": \"Authorization field missing\"\n}";
    case AccessOutcome::KeyUnknown:
        return "{\n    \"error\": \"Access to this API has been disallowed\"\n}";
    case AccessOutcome::KeyExpired:
        return "{\n    \"error\": \"Key has expired, please renew\"\n}";
    case AccessOutcome::KeyInactive:
        return "{\n    \"error\": \"Key is inactive, please renew\"\n}";
    case AccessOutcome::RateLimited:
        return "{\n    \"error\": \"Rate Limit Exceeded\"\n}";
    case AccessOutcome::ApiRateLimited: // gateway/mw_api_rate_limit.go:131
        return "{\n    \"error\": \"API Rate Limit Exceeded\"\n}";
    case AccessOutcome::QuotaExceeded:
        return "{\n    \"error\": \"Quota exceeded\"\n}";
    case AccessOutcome::StoreUnavailable:
        return "{\n    \"error\": \"Key store unavailable\"\n}";
    }
    return {};
}

RateLimitHeaders::RateLimitHeaders(const AccessDecision& d, RateLimitHeaderSource source,
                                   std::string_view apiId)
{
    const auto add = [this](std::string_view name, long long value) {
        auto& buf = m_values[m_count];
        const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
        m_headers[m_count] = http::Header{name, std::string_view(buf.data(), end - buf.data())};
        ++m_count;
    };
    const auto unixAfter = [](std::int64_t ms) {
        const auto nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
        return static_cast<long long>((nowMs + ms + 999) / 1000);
    };
    // The names as Go's Header.Set writes them on Tyk's wire.
    constexpr std::string_view kLimit = "X-Ratelimit-Limit";
    constexpr std::string_view kRemaining = "X-Ratelimit-Remaining";
    constexpr std::string_view kReset = "X-Ratelimit-Reset";
    if (source == RateLimitHeaderSource::RateLimits) { // rateLimitSender.SendRateLimits
        if (!d.rate.present)
            return;
        add(kLimit, static_cast<long long>(d.rate.limit));
        add(kRemaining, static_cast<long long>(d.rate.remaining));
        add(kReset, d.rate.resetUnix != 0 ? d.rate.resetUnix : unixAfter(d.rate.resetInMs));
        if (!d.allowed())
            add("Retry-After", d.rate.retryAfterSeconds);
        return;
    }
    // quotaSender.SendQuotas, on answers only (headers.go:22-26): a refusal carries none.
    if (!d.allowed())
        return;
    long long limit = 0;
    long long remaining = 0;
    long long renews = 0;
    if (d.quota.present) { // counted just now: the live window
        limit = static_cast<long long>(d.quota.limit);
        remaining = static_cast<long long>(d.quota.remaining);
        renews = unixAfter(d.quota.resetInMs);
    } else if (d.session) { // GetQuotaLimitByAPIID (user/session.go:563-572)
        const Session& s = d.session->session;
        const AccessDefinition* access = s.access(apiId);
        if (access != nullptr && access->limit && !access->limit->isEmpty()) {
            limit = access->limit->quotaMax;
            remaining = access->limit->quotaRemaining;
            renews = access->limit->quotaRenews;
        } else {
            limit = s.quotaMax;
            remaining = s.quotaRemaining;
            renews = s.quotaRenews;
        }
    }
    add(kLimit, limit);
    add(kRemaining, remaining);
    add(kReset, renews);
}

} // namespace gb::gateway
