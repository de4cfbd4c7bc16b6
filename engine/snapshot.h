#pragma once

#include "engine/load_config.h"
#include "engine/stats.h"

#include <cstdint>
#include <map>
#include <string>

namespace gb::engine {

/// Latency percentiles in milliseconds, computed from a histogram (never averaged).
struct LatencySummary
{
    double min = 0, mean = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0, p999 = 0, max = 0;
    static LatencySummary from(const Histogram& h);
};

/// One live interval of a run. A plain value: emitted by the engine's coordinator thread and
/// passed by value to whoever listens (the CLI's --live writer, the GUI through a queued signal).
/// Carries the serialized interval histograms so snapshots of several engines merge exactly.
struct Snapshot
{
    int index = 0;
    double elapsedS = 0;             ///< since the run started, at the end of this interval
    double intervalS = 0;            ///< this interval's length
    bool warmup = false;             ///< inside --warmup: shown, but excluded from the totals
    std::uint64_t requests = 0;      ///< completed in this interval
    double rps = 0;                  ///< achieved
    double targetRps = 0;            ///< open loop: the schedule's average over the interval
    std::uint64_t totalRequests = 0; ///< completed since the start, warm-up excluded
    std::uint64_t lateSends = 0;
    std::int64_t inFlight = 0; ///< sent and not answered at the end of the interval
    std::uint64_t errors = 0;  ///< in this interval
    std::uint64_t totalErrors = 0;
    std::map<std::string, std::uint64_t> errorsByClass; ///< this interval
    std::map<int, std::uint64_t> statusCodes;           ///< this interval
    LatencySummary latency;                             ///< this interval
    LatencySummary service;                             ///< open loop only
    std::string histogram;        ///< Histogram::serialize() of this interval's latency
    std::string serviceHistogram; ///< open loop only
};

/// The outcome of a run: totals over the measured window (warm-up excluded). Plain value.
struct RunResult
{
    LoadConfig config;
    double durationS = 0;      ///< measured window (after warm-up)
    double elapsedS = 0;       ///< whole run, warm-up included (hey's "Total")
    IntervalStats totals;      ///< merged intervals after warm-up
    double targetRequests = 0; ///< open loop: what the schedule intended over the measured window
    std::uint64_t unfinished = 0; ///< requests still in flight when the run ended
    bool interrupted = false;     ///< stopped early (Ctrl-C, stop())
    std::string fatalError;       ///< set when the run could not start (e.g. unresolvable host)

    bool openLoop() const { return config.model() == LoadModel::OpenLoop; }
    double rps() const { return durationS > 0 ? double(totals.completed) / durationS : 0; }
    double targetRps() const { return durationS > 0 ? targetRequests / durationS : 0; }
};

} // namespace gb::engine
