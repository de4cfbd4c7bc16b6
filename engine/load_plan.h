#pragma once

// What a remote load agent is told to do (gatebench-load --agent): a LoadConfig and the instant
// to start on, as one line of JSON on its standard input.

#include "engine/load_config.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gb::engine {

struct LoadPlan
{
    LoadConfig config;
    /// Start on this instant of the agent's own clock (Unix ms), so that several agents'
    /// schedules line up; 0: at once.
    std::int64_t startUnixMs = 0;
};

/// One line of JSON (no newline): {"config": {...}, "start_unix_ms": N}. Pure; any thread.
std::string loadPlanToJson(const LoadPlan& plan);
/// Parses loadPlanToJson()'s form; nullopt with error set (one sentence) when it is not one.
[[nodiscard]] std::optional<LoadPlan> loadPlanFromJson(std::string_view text,
                                                       std::string* error = nullptr);

/// Agent `index` of `count`'s share of config: connections split as evenly as they go (the
/// first ones take the remainder), the open-loop rate and stages divided by count, -n split as
/// connections are, the CSV and threads left to the agent. Together the shares make config.
LoadConfig agentShare(const LoadConfig& config, int index, int count);

} // namespace gb::engine
