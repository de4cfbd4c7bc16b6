#include "engine/snapshot_merge.h"

#include "engine/histogram.h"

#include <algorithm>

namespace gb::engine {

namespace {

void mergeInto(Histogram& into, std::string_view serialized)
{
    if (serialized.empty())
        return;
    if (const auto h = Histogram::deserialize(serialized))
        into.merge(*h);
}

} // namespace

Snapshot mergeSnapshots(std::span<const Snapshot> parts)
{
    Snapshot out;
    if (parts.empty())
        return out;
    Histogram latency, service;
    bool anyService = false;
    out.index = parts.front().index;
    for (const Snapshot& s : parts) {
        out.elapsedS = std::max(out.elapsedS, s.elapsedS);
        out.intervalS = std::max(out.intervalS, s.intervalS);
        out.warmup = out.warmup || s.warmup;
        out.requests += s.requests;
        out.rps += s.rps;
        out.targetRps += s.targetRps;
        out.totalRequests += s.totalRequests;
        out.lateSends += s.lateSends;
        out.inFlight += s.inFlight;
        out.errors += s.errors;
        out.totalErrors += s.totalErrors;
        for (const auto& [cls, n] : s.errorsByClass)
            out.errorsByClass[cls] += n;
        for (const auto& [code, n] : s.statusCodes)
            out.statusCodes[code] += n;
        mergeInto(latency, s.histogram);
        mergeInto(service, s.serviceHistogram);
        anyService = anyService || !s.serviceHistogram.empty();
    }
    out.latency = LatencySummary::from(latency);
    out.histogram = latency.serialize();
    if (anyService) {
        out.service = LatencySummary::from(service);
        out.serviceHistogram = service.serialize();
    }
    return out;
}

} // namespace gb::engine
