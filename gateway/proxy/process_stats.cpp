#include "gateway/proxy/process_stats.h"

#include <cstdio>
#include <ctime>
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

namespace gb::gateway::proxy {

namespace {

std::uint64_t residentBytes()
{
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f)
        return 0;
    unsigned long long size = 0, resident = 0;
    const int n = std::fscanf(f, "%llu %llu", &size, &resident);
    std::fclose(f);
    return n == 2 ? resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)) : 0;
}

std::uint64_t openFds()
{
    DIR* d = ::opendir("/proc/self/fd");
    if (!d)
        return 0;
    std::uint64_t n = 0;
    while (const dirent* e = ::readdir(d))
        if (e->d_name[0] != '.')
            ++n;
    ::closedir(d);
    return n > 0 ? n - 1 : 0; // the directory stream's own descriptor
}

double startTime()
{
    // Field 22 of /proc/self/stat: start time in clock ticks after boot; boot time from
    // CLOCK_REALTIME - CLOCK_BOOTTIME.
    std::FILE* f = std::fopen("/proc/self/stat", "r");
    if (!f)
        return 0;
    char buf[1024];
    const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = '\0';
    const char* p = buf;
    for (const char* q = buf; *q; ++q)
        if (*q == ')')
            p = q; // comm may contain spaces and parentheses: the last ')' ends it
    unsigned long long ticks = 0;
    int field = 2;
    for (; *p && field < 22; ++p)
        if (*p == ' ')
            ++field;
    if (std::sscanf(p, "%llu", &ticks) != 1)
        return 0;
    timespec real{}, boot{};
    clock_gettime(CLOCK_REALTIME, &real);
    clock_gettime(CLOCK_BOOTTIME, &boot);
    const double bootAt = (real.tv_sec - boot.tv_sec) + (real.tv_nsec - boot.tv_nsec) * 1e-9;
    return bootAt + static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

} // namespace

ProcessStats readProcessStats()
{
    ProcessStats s;
    rusage u{};
    if (::getrusage(RUSAGE_SELF, &u) == 0) {
        // Whole microseconds, divided once: the double nearest the exact value, which /metrics
        // then writes as plain as it is ("0.003647", not "0.0036469999999999996").
        const long long seconds = static_cast<long long>(u.ru_utime.tv_sec) + u.ru_stime.tv_sec;
        const long long us = seconds * 1'000'000 + u.ru_utime.tv_usec + u.ru_stime.tv_usec;
        s.cpuSeconds = static_cast<double>(us) / 1e6;
    }
    s.residentBytes = residentBytes();
    s.openFds = openFds();
    s.startTimeSeconds = startTime();
    return s;
}

} // namespace gb::gateway::proxy
