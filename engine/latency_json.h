#pragma once
// Internal to engine/'s JSON writers (report_json.cpp, snapshot_json.cpp): nlohmann/json stays
// out of the engine's public headers.

#include "engine/snapshot.h"

#include <nlohmann/json.hpp>

namespace gb::engine {

inline nlohmann::json latencyJson(const LatencySummary& l)
{
    return {{"min", l.min}, {"mean", l.mean}, {"p50", l.p50},   {"p90", l.p90},
            {"p95", l.p95}, {"p99", l.p99},   {"p999", l.p999}, {"max", l.max}};
}

} // namespace gb::engine
