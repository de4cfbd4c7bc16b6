#include "gateway/storage/clock.h"

#include <chrono>

namespace gb::gateway {

std::int64_t SystemClock::steadyMs() const noexcept
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

std::int64_t SystemClock::unixMs() const noexcept
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

const SystemClock& SystemClock::instance() noexcept
{
    static const SystemClock clock;
    return clock;
}

} // namespace gb::gateway
