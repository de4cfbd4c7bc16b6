#include "gateway/upstream/rfc3339.h"

#include <cstdint>
#include <ctime>

namespace gb::gateway::upstream {

namespace {

bool number(std::string_view s, std::size_t at, std::size_t width, int& out)
{
    if (at + width > s.size())
        return false;
    out = 0;
    for (std::size_t i = at; i < at + width; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

} // namespace

std::optional<std::int64_t> parseRfc3339(std::string_view s)
{
    int year, month, day, hour, minute, second;
    if (!number(s, 0, 4, year) || s.size() < 20 || s[4] != '-' || !number(s, 5, 2, month) ||
        s[7] != '-' || !number(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't') ||
        !number(s, 11, 2, hour) || s[13] != ':' || !number(s, 14, 2, minute) || s[16] != ':' ||
        !number(s, 17, 2, second))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
        return std::nullopt;
    std::size_t i = 19;
    std::int64_t nanos = 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        std::int64_t scale = 100'000'000;
        const std::size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            nanos += (s[i] - '0') * scale;
            scale /= 10;
            ++i;
        }
        if (i == start)
            return std::nullopt;
    }
    int offsetSeconds = 0;
    if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
        ++i;
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        int oh, om;
        if (!number(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' ||
            !number(s, i + 4, 2, om) || oh > 23 || om > 59)
            return std::nullopt;
        offsetSeconds = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
        i += 6;
    } else {
        return std::nullopt;
    }
    if (i != s.size())
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    const std::int64_t utc = static_cast<std::int64_t>(timegm(&tm)) - offsetSeconds;
    // Nanoseconds since 1970 fit in 64 bits until 2262: saturate beyond, as far-future instants
    // only ever compare as "later than now".
    constexpr std::int64_t kMaxSeconds = INT64_MAX / 1'000'000'000 - 1;
    if (utc > kMaxSeconds)
        return INT64_MAX;
    if (utc < -kMaxSeconds)
        return INT64_MIN;
    return utc * 1'000'000'000 + nanos;
}

} // namespace gb::gateway::upstream
