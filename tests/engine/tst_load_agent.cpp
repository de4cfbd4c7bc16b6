// Remote load agents' engine side: the plan's JSON round trip and the agents' shares, the exact
// merge of several generators' snapshots, and `gatebench-load --agent` run as a process against
// the scripted server: a plan in, snapshots and an end line out, stopped by "stop" or a closed
// standard input (the SSH channel gone).

#include "engine/histogram.h"
#include "engine/load_plan.h"
#include "engine/snapshot_json.h"
#include "engine/snapshot_merge.h"
#include "support/test_server.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTest>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>

using namespace gb::engine;
using namespace std::chrono_literals;
using gb::test::TestServer;
using Json = nlohmann::json;

namespace {

LoadConfig sampleConfig(const std::string& url)
{
    LoadConfig c;
    c.request.url = std::get<Url>(parseUrl(url));
    c.request.method = "POST";
    c.request.headers = {{"Authorization", "k1"}, {"X-Two", "a b"}};
    c.request.body = "{\"x\": 1}";
    c.request.contentType = "application/json";
    c.request.keepAlive = false;
    c.connections = 7;
    c.duration = 3s;
    c.warmup = 500ms;
    c.timeout = 2s;
    c.interval = 250ms;
    c.totalRate = 300;
    c.stages = {{1s, 600}, {1s, 90}};
    return c;
}

/// A snapshot of `n` latencies drawn from `rng`, as one generator would send it.
Snapshot generated(int index, int n, std::mt19937& rng)
{
    std::lognormal_distribution<double> ms(0.0, 1.0);
    Histogram h;
    for (int i = 0; i < n; ++i)
        h.record(static_cast<std::int64_t>(ms(rng) * 1e6));
    Snapshot s;
    s.index = index;
    s.elapsedS = index + 1;
    s.intervalS = 1;
    s.requests = static_cast<std::uint64_t>(n);
    s.rps = n;
    s.totalRequests = static_cast<std::uint64_t>(n) * static_cast<std::uint64_t>(index + 1);
    s.statusCodes = {{200, static_cast<std::uint64_t>(n - 3)}, {503, 3}};
    s.errorsByClass = {{"timeout", 2}};
    s.errors = 2;
    s.latency = LatencySummary::from(h);
    s.histogram = h.serialize();
    return s;
}

struct AgentRun
{
    std::vector<Snapshot> snapshots;
    Json end;
    int exitCode = -1;
};

} // namespace

class TestLoadAgent : public QObject
{
    Q_OBJECT

    static AgentRun collect(QProcess& p)
    {
        AgentRun run;
        p.waitForFinished(20000);
        run.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        for (const QByteArray& line : p.readAllStandardOutput().split('\n')) {
            if (line.trimmed().isEmpty())
                continue;
            const Json j = Json::parse(line.toStdString(), nullptr, false);
            if (j.is_object() && j.contains("end"))
                run.end = j["end"];
            else if (auto s = snapshotFromJson(line.toStdString()))
                run.snapshots.push_back(*s);
        }
        return run;
    }

    static void startAgent(QProcess& p, const LoadPlan& plan)
    {
        p.start(QStringLiteral(GB_BIN_DIR "/gatebench-load"), {QStringLiteral("--agent")});
        QVERIFY(p.waitForStarted());
        p.write(QByteArray::fromStdString(loadPlanToJson(plan) + "\n"));
    }

private slots:
    void planRoundTrip()
    {
        LoadPlan plan{sampleConfig("http://127.0.0.1:8080/s/json?x=1"), 1'765'000'000'123};
        std::string error;
        const auto back = loadPlanFromJson(loadPlanToJson(plan), &error);
        QVERIFY2(back, error.c_str());
        QCOMPARE(back->startUnixMs, plan.startUnixMs);
        const LoadConfig& c = back->config;
        QCOMPARE(c.request.url.host, std::string("127.0.0.1"));
        QCOMPARE(c.request.url.port, std::uint16_t(8080));
        QCOMPARE(c.request.url.target, std::string("/s/json?x=1"));
        QCOMPARE(c.request.method, std::string("POST"));
        QVERIFY(c.request.headers == plan.config.request.headers);
        QCOMPARE(c.request.body, plan.config.request.body);
        QCOMPARE(c.request.contentType, std::string("application/json"));
        QVERIFY(!c.request.keepAlive);
        QCOMPARE(c.connections, 7);
        QVERIFY(c.duration == 3s && c.warmup == 500ms && c.timeout == 2s && c.interval == 250ms);
        QCOMPARE(c.totalRate, 300.0);
        QCOMPARE(c.stages.size(), std::size_t(2));
        QCOMPARE(c.stages[1].targetRps, 90.0);
        QVERIFY(c.stages[1].duration == 1s);

        QVERIFY(!loadPlanFromJson("{\"config\": {\"request\": {\"url\": \"ftp://x\"}}}", &error));
        QVERIFY2(error.find("not a load plan") == 0, error.c_str());
        QVERIFY(!loadPlanFromJson("not json", &error));
        QVERIFY(!loadPlanFromJson("{\"config\": {}}", &error));
    }

    void sharesAddUpToThePlan()
    {
        const LoadConfig c = sampleConfig("http://127.0.0.1:1/");
        for (int count : {1, 2, 3, 7}) {
            int connections = 0;
            double rate = 0, stage = 0;
            for (int i = 0; i < count; ++i) {
                const LoadConfig s = agentShare(c, i, count);
                connections += s.connections;
                rate += s.totalRate;
                stage += s.stages[0].targetRps;
                QVERIFY(s.duration == c.duration);
            }
            QCOMPARE(connections, std::max(7, count));
            QVERIFY(std::abs(rate - 300) < 1e-9);
            QVERIFY(std::abs(stage - 600) < 1e-9);
        }
    }

    void mergeIsExact()
    {
        std::mt19937 rng(7);
        const std::vector<Snapshot> parts = {generated(4, 5000, rng), generated(4, 3000, rng),
                                             generated(4, 1, rng)};
        const Snapshot merged = mergeSnapshots(parts);
        QCOMPARE(merged.index, 4);
        QCOMPARE(merged.requests, std::uint64_t(8001));
        QCOMPARE(merged.statusCodes.at(200), std::uint64_t(8001 - 9));
        QCOMPARE(merged.statusCodes.at(503), std::uint64_t(9));
        QCOMPARE(merged.errorsByClass.at("timeout"), std::uint64_t(6));
        QCOMPARE(merged.totalRequests, std::uint64_t(8001 * 5));
        // The merged percentiles are those of all the samples together, not an average.
        Histogram all;
        for (const Snapshot& s : parts)
            all.merge(*Histogram::deserialize(s.histogram));
        QCOMPARE(merged.latency.p99, LatencySummary::from(all).p99);
        QCOMPARE(merged.latency.max, LatencySummary::from(all).max);
        QVERIFY(*Histogram::deserialize(merged.histogram) == all);
        const double averaged = (parts[0].latency.p99 + parts[1].latency.p99) / 2;
        QVERIFY(merged.latency.p99 != averaged);
        QCOMPARE(mergeSnapshots({}).requests, std::uint64_t(0));
    }

    void agentStopsWhenItsInputCloses()
    {
        TestServer server;
        LoadConfig c;
        c.request.url = std::get<Url>(parseUrl(server.url("/ok")));
        c.connections = 2;
        c.totalRate = 100;
        c.duration = 30s;
        QProcess p;
        startAgent(p, {c, 0});
        QTest::qWait(1300);
        p.closeWriteChannel(); // as when the SSH channel carrying it goes away
        const AgentRun run = collect(p);
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.end["interrupted"].get<bool>(), true);
        QVERIFY(!run.snapshots.empty()); // what it measured is still reported
        QVERIFY(run.end["elapsed_s"].get<double>() < 5);
    }

    void agentStartsOnItsInstantAndEndsItself()
    {
        TestServer server;
        LoadConfig c;
        c.request.url = std::get<Url>(parseUrl(server.url("/ok")));
        c.connections = 4;
        c.totalRate = 200;
        c.duration = 2s;
        const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        QProcess p;
        QElapsedTimer started;
        started.start();
        startAgent(p, {c, now + 500});
        const AgentRun run = collect(p); // stdin stays open: the run ends by its duration
        QCOMPARE(run.exitCode, 0);
        QVERIFY(started.elapsed() >= 2400);
        QCOMPARE(run.end["interrupted"].get<bool>(), false);
        QVERIFY(run.end["late_start_ms"].get<std::int64_t>() < 100);
        QCOMPARE(run.snapshots.size(), std::size_t(2));
        std::uint64_t requests = 0;
        for (const Snapshot& s : run.snapshots)
            requests += s.requests;
        QVERIFY2(requests >= 396 && requests <= 404, std::to_string(requests).c_str());
        // A request still in flight when the duration ends is not counted (the end line says how
        // many); it may or may not have reached the server before the agent closed its connection.
        const std::uint64_t unfinished = run.end["unfinished"].get<std::uint64_t>();
        QVERIFY2(server.requests() >= requests && server.requests() <= requests + unfinished,
                 qPrintable(QStringLiteral("server %1, counted %2, unfinished %3")
                                .arg(server.requests())
                                .arg(requests)
                                .arg(unfinished)));
    }

    void agentStopsOnAStopLine()
    {
        TestServer server;
        LoadConfig c;
        c.request.url = std::get<Url>(parseUrl(server.url("/ok")));
        c.connections = 2;
        c.totalRate = 100;
        c.duration = 30s;
        QProcess p;
        startAgent(p, {c, 0});
        QTest::qWait(1300);
        p.write("stop\n");
        const AgentRun run = collect(p);
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.end["interrupted"].get<bool>(), true);
        QVERIFY(!run.snapshots.empty());
        QVERIFY(run.end["elapsed_s"].get<double>() < 5);
    }

    void agentRefusesABadPlan()
    {
        QProcess p;
        p.start(QStringLiteral(GB_BIN_DIR "/gatebench-load"), {QStringLiteral("--agent")});
        QVERIFY(p.waitForStarted());
        p.write("{\"config\": 5}\n");
        const AgentRun run = collect(p);
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.end["fatal_error"].get<std::string>().find("not a load plan") == 0);
    }
};

QTEST_GUILESS_MAIN(TestLoadAgent)
#include "tst_load_agent.moc"
