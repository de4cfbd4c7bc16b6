#pragma once

#include "engine/histogram.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace gb::engine {

/// Failures counted by class, as wrk does; the first message of each class is kept for the report.
enum class ErrorClass
{
    Connect,
    Timeout,
    Read,
    Write,
    Parse,
    Closed,
    Count
};
std::string_view errorClassName(ErrorClass c);

/// min / sum / max of one request phase (hey's "Details"), cheap enough for every request.
struct PhaseStats
{
    std::uint64_t count = 0;
    std::int64_t sumNs = 0;
    std::int64_t minNs = INT64_MAX;
    std::int64_t maxNs = 0;

    void add(std::int64_t ns) noexcept
    {
        ++count;
        sumNs += ns;
        minNs = ns < minNs ? ns : minNs;
        maxNs = ns > maxNs ? ns : maxNs;
    }
    void merge(const PhaseStats& o) noexcept;
    double meanNs() const noexcept { return count ? double(sumNs) / double(count) : 0.0; }
};

/// Everything one worker thread measures between two ticks. Owned by that thread alone while it
/// records; handed over whole (by value) at the tick, so recording needs no lock and no atomic.
struct IntervalStats
{
    static constexpr int kStatusSlots = 600; ///< index = status code; 0 collects anything else

    Histogram latency; ///< completed requests: from intended send (open loop) else actual send
    Histogram service; ///< from actual send; differs from latency only in the open-loop model
    std::uint64_t completed = 0; ///< responses received, whatever their status
    std::uint64_t sent = 0;
    std::uint64_t lateSends = 0;
    std::uint64_t bytesRead = 0; ///< response body bytes
    std::array<std::uint64_t, kStatusSlots> statusCodes{};
    std::array<std::uint64_t, std::size_t(ErrorClass::Count)> errors{};
    std::array<std::string, std::size_t(ErrorClass::Count)> errorSamples;
    PhaseStats dial, write, wait, read;

    void recordStatus(int code) noexcept
    {
        ++statusCodes[std::size_t(code > 0 && code < kStatusSlots ? code : 0)];
    }
    void recordError(ErrorClass c, std::string_view message);
    std::uint64_t errorTotal() const noexcept;
    void merge(const IntervalStats& other);
};

} // namespace gb::engine
