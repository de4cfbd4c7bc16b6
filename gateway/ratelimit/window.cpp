#include "gateway/ratelimit/window.h"

#include <cmath>

namespace gb::gateway {

WindowSpec rateWindow(double rate, double per) noexcept
{
    if (!(rate > 0) || !(per > 0) || !std::isfinite(rate) || !std::isfinite(per))
        return {};
    if (rate >= 1) {
        const double limit = std::floor(std::min(rate, 1e15));
        return {static_cast<std::uint64_t>(limit),
                std::max<std::int64_t>(1, std::llround(std::min(per, 1e12) * 1000.0))};
    }
    return {1, std::max<std::int64_t>(1, std::llround(std::min(per / rate, 1e12) * 1000.0))};
}

WindowSpec quotaWindow(std::int64_t quotaMax, std::int64_t renewalSeconds) noexcept
{
    if (quotaMax <= 0)
        return {};
    constexpr std::int64_t kCentury = 100LL * 365 * 24 * 3600 * 1000;
    const std::int64_t period =
        renewalSeconds > 0 ? std::min(renewalSeconds, kCentury / 1000) * 1000 : kCentury;
    return {static_cast<std::uint64_t>(quotaMax), period};
}

} // namespace gb::gateway
