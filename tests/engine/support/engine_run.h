// Running the load engine in a test: one bounded run with a watchdog, and what it measured.
#pragma once

#include "engine/load_engine.h"

#include <QByteArray>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace gb::test {

class TestServer;

/// One bounded run: the result, every live snapshot, and whether the watchdog had to stop it.
struct Outcome
{
    engine::RunResult result;
    std::vector<engine::Snapshot> snapshots;
    bool watchdogFired = false;
    double wallS = 0;
};

/// Runs the engine on this thread with a watchdog that stops it after limit, so a hang fails
/// the test instead of stalling the suite. csv, when given, receives hey's per-response CSV.
Outcome runEngine(const engine::LoadConfig& config, std::chrono::milliseconds limit,
                  std::FILE* csv = nullptr);

/// A closed-loop config aimed at server's path, with a 5 s request timeout.
engine::LoadConfig configFor(const TestServer& server, const std::string& path, int connections,
                             std::uint64_t requests, int threads = 1);

std::uint64_t errorsOf(const engine::RunResult& r, engine::ErrorClass c);

/// A one-line account of a result for failure messages.
QByteArray describe(const Outcome& o);

} // namespace gb::test

/// QVERIFY2 with describe(o) as the message.
#define VERIFY_OUTCOME(cond, o) QVERIFY2(cond, gb::test::describe(o).constData())
