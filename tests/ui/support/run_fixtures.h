#pragma once
// Runs made up in memory, with real serialized histograms, for the UI tests: the same shape the
// run controller stores, with figures chosen by the test.

#include "app/run_record.h"
#include "app/scenario.h"
#include "engine/histogram.h"

#include <QDateTime>

namespace gb::test {

/// A run of scenario with latencies spread evenly over [0.5, 1.5] x medianMs, at rps requests
/// per second for seconds (after one warm-up second), started at start.
inline app::RunRecord makeRun(const app::Scenario& scenario, const QString& id, double medianMs,
                              double rps, const QDateTime& start, int seconds = 5)
{
    app::RunRecord run;
    run.id = id;
    run.name = scenario.name;
    run.scenario = scenario;
    run.startedAt = start;
    run.finishedAt = start.addSecs(seconds + 1);
    run.status = app::RunStatus::Completed;
    run.environment.hostName = QStringLiteral("bench-host-7");
    run.environment.cpuModel = QStringLiteral("Test CPU @ 3.0GHz");
    run.environment.cores = 2;
    run.environment.memoryBytes = qint64(8) << 30;
    run.environment.kernel = QStringLiteral("Linux 6.1.0-test");
    run.environment.os = QStringLiteral("Debian GNU/Linux 12 (bookworm)");
    run.environment.gatebenchVersion = QStringLiteral("0.1.0");
    run.environment.qtVersion = QStringLiteral("6.4.2");
    std::uint64_t total = 0;
    for (int i = 0; i <= seconds; ++i) {
        engine::Snapshot s;
        s.index = i;
        s.elapsedS = i + 1;
        s.intervalS = 1;
        s.warmup = i == 0;
        s.requests = std::uint64_t(rps);
        s.rps = rps;
        engine::Histogram h;
        constexpr int kSteps = 1000;
        for (int k = 0; k < kSteps; ++k) {
            const double ms = medianMs * (0.5 + double(k) / kSteps);
            h.recordN(std::int64_t(ms * 1e6), std::max<std::uint64_t>(1, s.requests / kSteps));
        }
        s.histogram = h.serialize();
        s.latency = engine::LatencySummary::from(h);
        s.statusCodes[200] = s.requests;
        if (!s.warmup)
            total += s.requests;
        s.totalRequests = total;
        run.series.push_back(s);

        app::HostSample host;
        host.elapsedS = s.elapsedS;
        host.machineCpuPercent = 40 + i;
        host.processes = {{QStringLiteral("load"), 100, true, 30.0 + i, 1 << 20},
                          {QStringLiteral("upstream"), 101, true, 20.0, 1 << 20}};
        run.hostSamples.append(host);
    }
    run.summary = app::RunSummary::fromSeries(run.series);
    run.report = QStringLiteral("\nSummary:\n  Total:\t%1 secs\n  Requests/sec:\t%2\n")
                     .arg(seconds + 1)
                     .arg(rps, 0, 'f', 4);
    return run;
}

inline app::Scenario namedScenario(const QString& name, int connections = 50)
{
    app::Scenario s;
    s.name = name;
    s.load.connections = connections;
    return s;
}

} // namespace gb::test
