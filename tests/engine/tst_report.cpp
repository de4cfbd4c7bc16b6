#include "engine/report.h"
#include "engine/snapshot_json.h"
#include "engine/url.h"

#include <QRegularExpression>
#include <QStringList>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace gb::engine;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

/// A closed-loop run of 2000 requests over 1.5 s with latencies from 0.2 ms to 1.72 ms, dense at
/// the fast end, so hey's histogram marks get uneven counts.
RunResult syntheticRun()
{
    RunResult r;
    r.config.request.url = std::get<Url>(parseUrl("http://127.0.0.1:8080/json/valid"));
    r.config.connections = 50;
    r.config.requests = 2000;
    r.elapsedS = 1.5;
    r.durationS = 1.5;
    IntervalStats& t = r.totals;
    for (int i = 0; i < 2000; ++i) {
        const std::int64_t k = i % 40;
        const std::int64_t ns = 200'000 + k * k * 1'000;
        t.latency.record(ns);
        t.dial.add(i < 50 ? 150'000 + i * 1'000 : 0);
        t.write.add(20'000 + i % 7 * 1'000);
        t.wait.add(ns - 40'000);
        t.read.add(10'000 + i % 3 * 1'000);
    }
    t.completed = 2000;
    t.sent = 2000;
    t.statusCodes[200] = 1990;
    t.statusCodes[503] = 10;
    t.bytesRead = 2000 * 70;
    return r;
}

RunResult withErrors(RunResult r)
{
    r.totals.recordError(ErrorClass::Connect, "Connection refused");
    r.totals.recordError(ErrorClass::Connect, "Connection refused");
    r.totals.recordError(ErrorClass::Connect, "Connection refused");
    r.totals.recordError(ErrorClass::Timeout, "request timed out (no complete response within -t)");
    return r;
}

RunResult openLoop(RunResult r)
{
    r.config.totalRate = 1400;
    r.targetRequests = 2100;
    r.totals.lateSends = 12;
    for (int i = 0; i < 2000; ++i)
        r.totals.service.record(150'000 + std::int64_t(i % 89) * 2'000);
    return r;
}

QStringList linesOf(const std::string& report)
{
    return QString::fromStdString(report).split('\n');
}

double secs(std::int64_t ns)
{
    return double(ns) / 1e9;
}

QString f4(double v)
{
    return QString::asprintf("%4.4f", v);
}

/// The index of the first line equal to text at or after from; -1 if none.
qsizetype find(const QStringList& lines, const QString& text, qsizetype from = 0)
{
    for (qsizetype i = from; i < lines.size(); ++i)
        if (lines[i] == text)
            return i;
    return -1;
}

} // namespace

class TestReport : public QObject
{
    Q_OBJECT
private slots:
    void heySectionsInOrder()
    {
        const RunResult r = syntheticRun();
        const QStringList lines = linesOf(heyTextReport(r));
        // hey 0.1.4's layout: a blank line, then the sections, each after one blank line; two
        // blank lines follow the histogram (hey's template puts them there).
        QCOMPARE(lines[0], QString());
        QCOMPARE(lines[1], QString("Summary:"));
        const qsizetype histogram = find(lines, "Response time histogram:");
        const qsizetype latency = find(lines, "Latency distribution:");
        const qsizetype details = find(lines, "Details (average, fastest, slowest):");
        const qsizetype status = find(lines, "Status code distribution:");
        QVERIFY(histogram > 1 && latency > histogram && details > latency && status > details);
        QCOMPARE(lines[histogram - 1], QString());
        QCOMPARE(lines[latency - 1], QString());
        QCOMPARE(lines[latency - 2], QString());
        QCOMPARE(lines[details - 1], QString());
        QCOMPARE(lines[status - 1], QString());
        QCOMPARE(find(lines, "Error distribution:"), qsizetype(-1)); // only with errors
        QCOMPARE(lines.filter("Target rate").size(), 0);             // only for open loop
    }

    void heySummaryLines()
    {
        const RunResult r = syntheticRun();
        const Histogram& h = r.totals.latency;
        const QStringList lines = linesOf(heyTextReport(r));
        const QStringList expected = {
            "Summary:",
            "  Total:\t1.5000 secs",
            "  Slowest:\t" + f4(secs(h.max())) + " secs",
            "  Fastest:\t" + f4(secs(h.min())) + " secs",
            "  Average:\t" + f4(h.mean() / 1e9) + " secs",
            "  Requests/sec:\t1333.3333",
            "  ",
            "  Total data:\t140000 bytes",
            "  Size/request:\t70 bytes",
            "",
            "Response time histogram:",
        };
        QCOMPARE(lines.mid(1, expected.size()), expected);
    }

    void heyHistogramLines()
    {
        const RunResult r = syntheticRun();
        const Histogram& h = r.totals.latency;
        const QStringList lines = linesOf(heyTextReport(r));
        const qsizetype first = find(lines, "Response time histogram:") + 1;
        // hey: 11 marks, "  %4.3f [%d]\t|" and a bar of ■ scaled to 40 for the fullest mark.
        static const QRegularExpression mark(
            QStringLiteral("^  (\\d+\\.\\d{3}) \\[(\\d+)\\]\\t\\|(\u25A0*)$"));
        std::vector<std::uint64_t> counts;
        std::vector<qsizetype> bars;
        QStringList marks;
        for (qsizetype i = first; i < first + 11; ++i) {
            const auto m = mark.match(lines[i]);
            QVERIFY2(m.hasMatch(), qPrintable(lines[i]));
            marks << m.captured(1);
            counts.push_back(m.captured(2).toULongLong());
            bars.push_back(m.capturedLength(3));
        }
        QCOMPARE(lines[first + 11], QString());
        QCOMPARE(marks.front(), QString::asprintf("%4.3f", secs(h.min())));
        QCOMPARE(marks.back(), QString::asprintf("%4.3f", secs(h.max())));
        std::uint64_t total = 0, most = 0;
        for (const auto c : counts) {
            total += c;
            most = std::max(most, c);
        }
        QCOMPARE(total, r.totals.completed);
        for (std::size_t i = 0; i < counts.size(); ++i) {
            // hey rounds the bar to the nearest mark: (count * 40 + max / 2) / max.
            const qsizetype expected = qsizetype((counts[i] * 40 + most / 2) / most);
            QVERIFY2(bars[i] == expected, qPrintable(lines[first + qsizetype(i)]));
        }
    }

    void heyLatencyDistributionLines()
    {
        const RunResult r = syntheticRun();
        const Histogram& h = r.totals.latency;
        const QStringList lines = linesOf(heyTextReport(r));
        qsizetype i = find(lines, "Latency distribution:") + 1;
        // hey's seven (report.go: pctls), alone in their block; the tail in a block of its own.
        for (const double p : {10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0}) {
            QCOMPARE(lines[i],
                     QString::asprintf("  %g%% in %4.4f secs", p, secs(h.valueAtPercentile(p))));
            ++i;
        }
        QCOMPARE(lines[i++], QString());
        QCOMPARE(lines[i++], QString("Tail latency distribution:"));
        for (const double p : {99.9, 99.99}) {
            QCOMPARE(lines[i],
                     QString::asprintf("  %g%% in %4.4f secs", p, secs(h.valueAtPercentile(p))));
            ++i;
        }
        QCOMPARE(lines[i], QString());
        QCOMPARE(lines[1 + find(lines, "Latency distribution:")],
                 QString("  10% in ") + f4(secs(h.valueAtPercentile(10))) + " secs");
    }

    void heyDetailsLines()
    {
        const RunResult r = syntheticRun();
        const IntervalStats& t = r.totals;
        const QStringList lines = linesOf(heyTextReport(r));
        const qsizetype i = find(lines, "Details (average, fastest, slowest):") + 1;
        auto phase = [](const char* name, const PhaseStats& p) {
            return QString("  ") + name + "\t" + f4(p.meanNs() / 1e9) + " secs, " +
                   f4(secs(p.minNs)) + " secs, " + f4(secs(p.maxNs)) + " secs";
        };
        QCOMPARE(lines[i], phase("DNS+dialup:", t.dial));
        QCOMPARE(lines[i + 1], QString("  DNS-lookup:\t0.0000 secs, 0.0000 secs, 0.0000 secs"));
        QCOMPARE(lines[i + 2], phase("req write:", t.write));
        QCOMPARE(lines[i + 3], phase("resp wait:", t.wait));
        QCOMPARE(lines[i + 4], phase("resp read:", t.read));
        QCOMPARE(lines[i + 5], QString());
    }

    void heyStatusCodeLines()
    {
        const QStringList lines = linesOf(heyTextReport(syntheticRun()));
        const qsizetype i = find(lines, "Status code distribution:") + 1;
        QCOMPARE(lines[i], QString("  [200]\t1990 responses"));
        QCOMPARE(lines[i + 1], QString("  [503]\t10 responses"));
        // The end as hey 0.1.4 prints it (print.go's template, then Println): three blank lines.
        const std::string text = heyTextReport(syntheticRun());
        QVERIFY(text.ends_with("  [503]\t10 responses\n\n\n\n"));
    }

    void errorDistributionOnlyWithErrors()
    {
        const QStringList lines = linesOf(heyTextReport(withErrors(syntheticRun())));
        const qsizetype status = find(lines, "Status code distribution:");
        const qsizetype errors = find(lines, "Error distribution:");
        QVERIFY(errors > status + 3);
        QCOMPARE(lines[errors - 1], QString());
        // hey: "  [count]\tmessage", one line per kind of error.
        QCOMPARE(lines[errors + 1], QString("  [3]\tconnect: Connection refused"));
        QCOMPARE(lines[errors + 2],
                 QString("  [1]\ttimeout: request timed out (no complete response within -t)"));
        QCOMPARE(lines[errors + 3], QString());
        // hey ends an error list with one blank line.
        QVERIFY(heyTextReport(withErrors(syntheticRun()))
                    .ends_with("(no complete response within -t)\n\n"));
    }

    void noResponsesAtAll()
    {
        // Every request failed: hey prints NaN averages and empty sections; ours prints zeros.
        RunResult r;
        r.config.request.url = std::get<Url>(parseUrl("http://127.0.0.1:1/"));
        r.elapsedS = 0.25;
        r.durationS = 0.25;
        r.totals.sent = 4;
        for (int i = 0; i < 4; ++i)
            r.totals.recordError(ErrorClass::Connect, "Connection refused");
        const std::string text = heyTextReport(r);
        QVERIFY(text.find("nan") == std::string::npos && text.find("NaN") == std::string::npos);
        const QStringList lines = linesOf(text);
        QCOMPARE(lines[find(lines, "Summary:") + 5], QString("  Requests/sec:\t0.0000"));
        QCOMPARE(lines[find(lines, "Error distribution:") + 1],
                 QString("  [4]\tconnect: Connection refused"));
        QCOMPARE(lines.filter("Total data").size(), 0); // as hey: only when there was data
        QVERIFY(find(lines, "Response time histogram:") >= 0);
        QVERIFY(find(lines, "Latency distribution:") >= 0);

        const json j = json::parse(jsonReport(r));
        QCOMPARE(j["requests"].get<std::uint64_t>(), 0u);
        QCOMPARE(j["latency_ms"]["p99"].get<double>(), 0.0);
        QCOMPARE(j["errors"]["connect"].get<std::uint64_t>(), 4u);
    }

    void openLoopAddsTargetAndServiceTime()
    {
        const RunResult r = openLoop(syntheticRun());
        QVERIFY(r.openLoop());
        const QStringList lines = linesOf(heyTextReport(r));
        const qsizetype rps = find(lines, "  Requests/sec:\t1333.3333");
        QVERIFY(rps > 0);
        QCOMPARE(lines[rps + 1], QString("  Target rate:\t1400.0000"));
        QVERIFY(lines[rps + 2].startsWith("  Late sends:\t12 "));
        const qsizetype service = find(lines, "Service time distribution (from the actual send):");
        QVERIFY(service > find(lines, "Latency distribution:") &&
                service < find(lines, "Details (average, fastest, slowest):"));
        QCOMPARE(lines[service + 1],
                 QString::asprintf("  50%% in %4.4f secs",
                                   secs(r.totals.service.valueAtPercentile(50))));
    }

    void interruptedIsSaid()
    {
        RunResult r = syntheticRun();
        r.interrupted = true;
        r.unfinished = 7;
        // Said apart from the report (gatebench-load prints it on stderr): stdout stays hey's.
        QVERIFY(heyTextReport(r).find("Interrupted") == std::string::npos);
        const std::string notes = runNotes(r);
        QVERIFY(notes.find("Interrupted") != std::string::npos);
        QVERIFY(notes.find("7 requests were still in flight") != std::string::npos);
        QVERIFY(runNotes(syntheticRun()).empty());
    }

    void jsonHasTheRequiredKeys()
    {
        const RunResult r = withErrors(syntheticRun());
        const json j = json::parse(jsonReport(r));
        for (const char* key : {"requests", "duration_s", "rps", "latency_ms", "status_codes",
                                "errors", "bytes_read", "config"})
            QVERIFY2(j.contains(key), key);
        QCOMPARE(j["requests"].get<std::uint64_t>(), 2000u);
        QCOMPARE(j["duration_s"].get<double>(), 1.5);
        QCOMPARE(j["rps"].get<double>(), 2000 / 1.5);
        QCOMPARE(j["bytes_read"].get<std::uint64_t>(), 140000u);
        const Histogram& h = r.totals.latency;
        const json& l = j["latency_ms"];
        QCOMPARE(l.size(), std::size_t{8});
        QCOMPARE(l["min"].get<double>(), double(h.min()) / 1e6);
        QCOMPARE(l["mean"].get<double>(), h.mean() / 1e6);
        QCOMPARE(l["p50"].get<double>(), double(h.valueAtPercentile(50)) / 1e6);
        QCOMPARE(l["p90"].get<double>(), double(h.valueAtPercentile(90)) / 1e6);
        QCOMPARE(l["p95"].get<double>(), double(h.valueAtPercentile(95)) / 1e6);
        QCOMPARE(l["p99"].get<double>(), double(h.valueAtPercentile(99)) / 1e6);
        QCOMPARE(l["p999"].get<double>(), double(h.valueAtPercentile(99.9)) / 1e6);
        QCOMPARE(l["max"].get<double>(), double(h.max()) / 1e6);
        QVERIFY2(j["status_codes"] == json({{"200", 1990}, {"503", 10}}),
                 j["status_codes"].dump().c_str());
        QVERIFY2(j["errors"] == json({{"connect", 3}, {"timeout", 1}}), j["errors"].dump().c_str());
        const json& c = j["config"];
        QCOMPARE(c["url"].get<std::string>(), std::string("http://127.0.0.1:8080/json/valid"));
        QCOMPARE(c["connections"].get<int>(), 50);
        QCOMPARE(c["requests"].get<std::uint64_t>(), 2000u);
        QCOMPARE(c["model"].get<std::string>(), std::string("closed-loop"));
        // Closed loop: no open-loop keys.
        QVERIFY(!j.contains("target_rps") && !j.contains("late_sends") &&
                !j.contains("service_ms"));
        // The total histogram travels along, so reports can be merged exactly later.
        const auto restored = Histogram::deserialize(j["histogram"].get<std::string>());
        QVERIFY(restored.has_value());
        QCOMPARE(*restored, h);
    }

    void jsonOpenLoopKeys()
    {
        const RunResult r = openLoop(syntheticRun());
        const json j = json::parse(jsonReport(r));
        QCOMPARE(j["target_rps"].get<double>(), 1400.0);
        QCOMPARE(j["late_sends"].get<std::uint64_t>(), 12u);
        const json& s = j["service_ms"];
        for (const char* key : {"min", "mean", "p50", "p90", "p95", "p99", "p999", "max"})
            QVERIFY2(s.contains(key), key);
        QCOMPARE(s["p99"].get<double>(), double(r.totals.service.valueAtPercentile(99)) / 1e6);
        QCOMPARE(j["config"]["model"].get<std::string>(), std::string("open-loop"));
        QCOMPARE(j["config"]["rate"].get<double>(), 1400.0);
    }

    void snapshotJsonIsOneLineAndReadsBack()
    {
        Snapshot s;
        s.index = 3;
        s.elapsedS = 4.0;
        s.intervalS = 1.0;
        s.requests = 1500;
        s.rps = 1500;
        s.targetRps = 1500;
        s.totalRequests = 6000;
        s.statusCodes[200] = 1499;
        s.statusCodes[502] = 1;
        s.errorsByClass["timeout"] = 2;
        s.errors = 2;
        Histogram h;
        h.record(300'000);
        h.record(900'000);
        s.histogram = h.serialize();
        s.latency = LatencySummary::from(h);
        const std::string line = snapshotToJson(s);
        QVERIFY(line.find('\n') == std::string::npos);
        const json j = json::parse(line);
        QCOMPARE(j["index"].get<int>(), 3);
        QCOMPARE(j["requests"].get<std::uint64_t>(), 1500u);
        QCOMPARE(j["total_requests"].get<std::uint64_t>(), 6000u);
        QVERIFY2(j["status_codes"] == json({{"200", 1499}, {"502", 1}}),
                 j["status_codes"].dump().c_str());
        QVERIFY2(j["errors_by_class"] == json({{"timeout", 2}}),
                 j["errors_by_class"].dump().c_str());
        QCOMPARE(j["latency_ms"]["max"].get<double>(), 0.9);
        QCOMPARE(*Histogram::deserialize(j["histogram"].get<std::string>()), h);
        QVERIFY(!j.contains("service_histogram"));

        // The same line read back, as the run store and a remote generator's reader do.
        std::string error;
        const auto back = snapshotFromJson(line, &error);
        QVERIFY2(back, error.c_str());
        QCOMPARE(back->index, 3);
        QCOMPARE(back->elapsedS, 4.0);
        QCOMPARE(back->totalRequests, 6000u);
        QCOMPARE(back->statusCodes, s.statusCodes);
        QCOMPARE(back->errorsByClass, s.errorsByClass);
        QCOMPARE(back->latency.max, s.latency.max);
        QCOMPARE(back->histogram, s.histogram);
        QVERIFY(back->serviceHistogram.empty());
        QVERIFY(!snapshotFromJson("[1, 2]", &error));
        QVERIFY(!error.empty());
        QVERIFY(!snapshotFromJson(R"({"requests": "many"})"));
        QVERIFY(!snapshotFromJson("{\"index\": 1"));

        const std::string progress = progressLine(s, LoadConfig{});
        QVERIFY(progress.rfind("\r", 0) == 0 && progress.find('\n') == std::string::npos);
        QVERIFY(progress.find("1500 req/s") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestReport)
#include "tst_report.moc"
