#pragma once

#include <cstdio>

namespace gb::engine {

/// gatebench-load --agent, the load generator on a remote host: reads one LoadPlan line
/// (load_plan.h) on `in`, waits for its start instant, runs it and writes one snapshotToJson()
/// line per interval on `out`, then a last line {"end": {"interrupted", "fatal_error",
/// "duration_s", "elapsed_s", "unfinished", "late_start_ms"}}. The run stops early, keeping what
/// it measured, when `in` says "stop" or ends: the SSH channel carrying it is the agent's
/// lifeline, so no agent outlives the workbench that started it. Returns the exit status: 0, 1
/// when the run could not start, 2 for a plan it cannot read.
int runAgent(std::FILE* in, std::FILE* out);

} // namespace gb::engine
