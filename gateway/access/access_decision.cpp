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

RateLimitHeaders::RateLimitHeaders(const AccessDecision& d)
{
    if (!d.rate.present)
        return;
    const auto add = [this](std::string_view name, long long value) {
        auto& buf = m_values[m_count];
        const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
        m_headers[m_count] = http::Header{name, std::string_view(buf.data(), end - buf.data())};
        ++m_count;
    };
    add("X-RateLimit-Limit", static_cast<long long>(d.rate.limit));
    add("X-RateLimit-Remaining", static_cast<long long>(d.rate.remaining));
    long long reset = d.rate.resetUnix;
    if (reset == 0) {
        const auto nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
        reset = (nowMs + d.rate.resetInMs + 999) / 1000;
    }
    add("X-RateLimit-Reset", reset);
    if (!d.allowed())
        add("Retry-After", d.rate.retryAfterSeconds);
}

} // namespace gb::gateway
