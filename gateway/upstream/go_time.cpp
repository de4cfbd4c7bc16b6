#include "gateway/upstream/go_time.h"

#include <cstdio>
#include <cstring>

namespace gb::gateway::upstream {

namespace {

void digits(char* out, std::uint64_t value, int width)
{
    for (int i = width - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

} // namespace

std::size_t formatGoTime(char* out, const timespec& realtime, std::int64_t monotonicNanos)
{
    struct Cache
    {
        std::time_t second = -1;
        char text[20];
    };
    thread_local Cache cache;
    if (realtime.tv_sec != cache.second) {
        std::tm tm;
        gmtime_r(&realtime.tv_sec, &tm);
        std::strftime(cache.text, sizeof cache.text, "%Y-%m-%d %H:%M:%S", &tm);
        cache.second = realtime.tv_sec;
    }
    char* p = out;
    std::memcpy(p, cache.text, 19);
    p += 19;
    *p++ = '.';
    digits(p, static_cast<std::uint64_t>(realtime.tv_nsec), 9);
    p += 9;
    std::memcpy(p, " +0000 UTC m=+", 14);
    p += 14;
    if (monotonicNanos < 0)
        monotonicNanos = 0;
    std::uint64_t seconds = static_cast<std::uint64_t>(monotonicNanos) / 1'000'000'000u;
    int width = 5;
    for (std::uint64_t s = seconds / 100000; s > 0; s /= 10)
        ++width;
    digits(p, seconds, width);
    p += width;
    *p++ = '.';
    digits(p, static_cast<std::uint64_t>(monotonicNanos) % 1'000'000'000u, 9);
    p += 9;
    return static_cast<std::size_t>(p - out);
}

} // namespace gb::gateway::upstream
