#pragma once

#include "engine/request.h"

#include <chrono>
#include <cstdint>
#include <vector>

namespace gb::engine {

using Nanos = std::chrono::nanoseconds;

/// One piece of a piecewise-linear target rate: ramp linearly from the previous stage's target
/// (0 before the first stage) to targetRps over duration. A zero duration jumps.
struct Stage
{
    Nanos duration{0};
    double targetRps = 0;
};

/// How requests are paced.
enum class LoadModel
{
    ClosedLoop,    ///< each connection sends its next request when the previous one answered
    PerWorkerRate, ///< hey's -q: each connection at most perWorkerRate requests/s, closed loop
    OpenLoop,      ///< --rate/--stages: sends on a schedule independent of responses (wrk2's model)
};

/// A whole load run, as the CLI flags or the workbench describe it. Plain value type.
struct LoadConfig
{
    RequestSpec request;
    int connections = 50;       ///< -c
    int threads = 0;            ///< 0: one per core this process may run on, at most connections
    std::uint64_t requests = 0; ///< -n; 0: until duration
    Nanos duration{0};          ///< -z; 0: until requests (or the stages' end)
    Nanos warmup{0};            ///< measured but excluded from the statistics
    Nanos timeout{std::chrono::seconds(20)}; ///< -t per request; 0: none
    Nanos interval{std::chrono::seconds(1)}; ///< live snapshot period
    double perWorkerRate = 0;                ///< -q
    double totalRate = 0;                    ///< --rate
    std::vector<Stage> stages;               ///< --stages (with totalRate as the starting rate)
    /// Open loop: a send later than this after its intended time counts as late.
    Nanos lateThreshold{std::chrono::milliseconds(1)};

    LoadModel model() const
    {
        if (totalRate > 0 || !stages.empty())
            return LoadModel::OpenLoop;
        return perWorkerRate > 0 ? LoadModel::PerWorkerRate : LoadModel::ClosedLoop;
    }
};

} // namespace gb::engine
