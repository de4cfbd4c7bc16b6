// What merging load agents costs the workbench (issue 12): per interval and agent, the snapshot
// line that arrives over SSH is parsed (engine::snapshotFromJson, its histogram included) and
// the interval's snapshots are merged (engine::mergeSnapshots). Snapshots as an agent sends them
// at RATE req/s with lognormal latencies; CPU time of this process (CLOCK_PROCESS_CPUTIME_ID),
// so another process on the core does not count.
// Usage: bench_agent_merge [AGENTS=4] [INTERVALS=300] [RATE=20000]

#include "engine/histogram.h"
#include "engine/snapshot_json.h"
#include "engine/snapshot_merge.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

using namespace gb::engine;

namespace {

double cpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

std::string agentLine(int index, int requests, std::mt19937& rng)
{
    std::lognormal_distribution<double> ms(-0.5, 0.8);
    Histogram latency, service;
    for (int i = 0; i < requests; ++i) {
        const auto ns = static_cast<std::int64_t>(ms(rng) * 1e6);
        latency.record(ns);
        service.record(ns * 9 / 10);
    }
    Snapshot s;
    s.index = index;
    s.elapsedS = index + 1;
    s.intervalS = 1;
    s.requests = static_cast<std::uint64_t>(requests);
    s.rps = requests;
    s.targetRps = requests;
    s.statusCodes = {{200, static_cast<std::uint64_t>(requests)}};
    s.latency = LatencySummary::from(latency);
    s.service = LatencySummary::from(service);
    s.histogram = latency.serialize();
    s.serviceHistogram = service.serialize();
    return snapshotToJson(s);
}

} // namespace

int main(int argc, char** argv)
{
    const int agents = argc > 1 ? std::atoi(argv[1]) : 4;
    const int intervals = argc > 2 ? std::atoi(argv[2]) : 300;
    const int rate = argc > 3 ? std::atoi(argv[3]) : 20000;
    std::mt19937 rng(12);
    std::vector<std::vector<std::string>> lines(static_cast<std::size_t>(intervals));
    std::size_t bytes = 0;
    for (int i = 0; i < intervals; ++i)
        for (int a = 0; a < agents; ++a) {
            lines[std::size_t(i)].push_back(agentLine(i, rate / agents, rng));
            bytes += lines[std::size_t(i)].back().size();
        }

    double parse = 0, merge = 0;
    std::uint64_t total = 0;
    for (const auto& interval : lines) {
        const double t0 = cpuSeconds();
        std::vector<Snapshot> parts;
        for (const std::string& line : interval)
            parts.push_back(*snapshotFromJson(line));
        const double t1 = cpuSeconds();
        const Snapshot merged = mergeSnapshots(parts);
        const double t2 = cpuSeconds();
        parse += t1 - t0;
        merge += t2 - t1;
        total += merged.requests;
    }
    const double perSnapshot = (parse + merge) / (double(intervals) * agents) * 1e6;
    std::printf("%d agents x %d intervals at %d req/s in all: %.1f us CPU per snapshot per agent "
                "(parse %.1f us, merge %.1f us), %.0f bytes per snapshot line; %.3f %% of a core "
                "at one snapshot per agent per second (%llu requests merged)\n",
                agents, intervals, rate, perSnapshot, parse / (double(intervals) * agents) * 1e6,
                merge / (double(intervals) * agents) * 1e6, double(bytes) / (intervals * agents),
                perSnapshot * agents / 1e4, static_cast<unsigned long long>(total));
    return 0;
}
