#include "gateway/analytics/analytics_record.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

namespace gb::gateway {

static_assert(std::is_trivially_copyable_v<AnalyticsRecord>);
static_assert(AnalyticsRecord::kPathCap <= 255 && AnalyticsRecord::kUserAgentCap <= 255);

namespace {

std::uint8_t put(char* at, std::size_t cap, std::string_view s) noexcept
{
    const std::size_t n = std::min(cap, s.size());
    if (n > 0) // an empty view may carry a null pointer, which memcpy must not see
        std::memcpy(at, s.data(), n);
    return static_cast<std::uint8_t>(n);
}

} // namespace

void AnalyticsRecord::setRequest(std::string_view m, std::string_view p, std::string_view ua,
                                 std::string_view address) noexcept
{
    char* at = text;
    methodLen = put(at, kMethodCap, m);
    at += kMethodCap;
    pathLen = put(at, kPathCap, p);
    at += kPathCap;
    userAgentLen = put(at, kUserAgentCap, ua);
    at += kUserAgentCap;
    ipLen = put(at, kIpCap, address);
}

void AnalyticsRecord::setVersion(std::string_view version) noexcept
{
    versionLen = put(text + kMethodCap + kPathCap + kUserAgentCap + kIpCap, kVersionCap, version);
}

} // namespace gb::gateway
