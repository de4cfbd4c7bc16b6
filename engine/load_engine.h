#pragma once

#include "engine/load_config.h"
#include "engine/snapshot.h"

#include <cstdio>
#include <functional>
#include <memory>

namespace gb::engine {

/// Runs one load test. run() blocks the calling thread, which becomes the coordinator: it owns
/// the worker threads, collects their interval statistics on every tick, merges them into
/// snapshots and totals, and returns the result. Callbacks are invoked on that thread.
/// stop() may be called from any thread (a signal thread, the GUI): run() then returns promptly
/// with everything measured so far. Free of Asio in its interface so the GUI can include it.
class LoadEngine
{
public:
    using SnapshotHandler = std::function<void(const Snapshot&)>;

    explicit LoadEngine(LoadConfig config);
    ~LoadEngine();
    LoadEngine(const LoadEngine&) = delete;
    LoadEngine& operator=(const LoadEngine&) = delete;

    /// hey's -o csv: one row per request to out (written from the worker threads, in blocks).
    void setCsvOutput(std::FILE* out);
    RunResult run(const SnapshotHandler& onSnapshot = {});
    void stop();

    /// Threads the run will use: config.threads, or one per core this process may run on
    /// (sched_getaffinity, so `taskset -c 1` means one), at most one per connection and, with
    /// -n, one per request.
    static int effectiveThreads(const LoadConfig& config);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace gb::engine
