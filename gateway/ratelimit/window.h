#pragma once

#include <cstdint>

namespace gb::gateway {

/// At most `limit` events per window of `periodMs`. A window starts with the first event after
/// the previous one ended (Redis key-expiry semantics, which is what the distributed limiter
/// gets from Redis too). limit 0 admits nothing; use enabled() to tell "no limit".
struct WindowSpec
{
    std::uint64_t limit = 0;
    std::int64_t periodMs = 0;

    bool enabled() const noexcept { return periodMs > 0; }
};

/// Tyk's `rate` per `per` seconds as a window: rate >= 1 gives floor(rate) per `per`; a
/// fractional rate below 1 gives one event per per/rate seconds. Zero or negative in either
/// means "no rate limit" (a disabled spec).
WindowSpec rateWindow(double rate, double per) noexcept;

/// Tyk's quota_max per quota_renewal_rate seconds. quota_max <= 0 is unlimited (disabled spec),
/// as Tyk treats -1 and 0; a renewal rate <= 0 never renews (a 100-year window).
WindowSpec quotaWindow(std::int64_t quotaMax, std::int64_t renewalSeconds) noexcept;

/// The answer for one event.
struct WindowDecision
{
    bool allowed = true;
    std::uint64_t limit = 0;
    std::uint64_t remaining = 0; ///< after this event (an estimate in distributed mode)
    std::int64_t resetInMs = 0;  ///< until the current window ends
};

/// A window's state as counters see it (admin GET of a key's quota).
struct WindowUsage
{
    std::uint64_t used = 0;
    std::int64_t resetInMs = 0; ///< 0 when no window is open
};

} // namespace gb::gateway
