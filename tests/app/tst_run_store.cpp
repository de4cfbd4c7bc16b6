// RunRecord's file form and RunStore: save, list, load, rename, tag, delete, export, a corrupt
// file among good ones, and a store re-opened on the same directory.

#include "app/run_store.h"
#include "engine/histogram.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace gb::app;
using namespace std::chrono_literals;

namespace {

/// One second in which `count` requests took latencyUs each, with one 5xx.
gb::engine::Snapshot second(int index, bool warmup, std::uint64_t count, std::int64_t latencyUs)
{
    gb::engine::Snapshot s;
    s.index = index;
    s.elapsedS = index + 1;
    s.intervalS = 1;
    s.warmup = warmup;
    s.requests = count;
    s.rps = double(count);
    s.errors = 1;
    s.errorsByClass["connect"] = 1;
    s.statusCodes[200] = count - 1;
    s.statusCodes[503] = 1;
    gb::engine::Histogram h;
    h.recordN(latencyUs * 1000, count);
    s.latency = gb::engine::LatencySummary::from(h);
    s.histogram = h.serialize();
    return s;
}

RunRecord makeRun(const QString& name, const QDateTime& started)
{
    RunRecord run;
    run.name = name;
    run.scenario.name = name;
    run.startedAt = started;
    run.finishedAt = started.addSecs(3);
    run.status = RunStatus::Completed;
    run.environment = EnvironmentInfo::current();
    run.series = {second(0, true, 100, 9000), second(1, false, 1000, 100),
                  second(2, false, 1000, 300)};
    for (const auto& s : run.series) {
        HostSample h;
        h.elapsedS = s.elapsedS;
        h.machineCpuPercent = 50;
        h.processes = {{QStringLiteral("load"), 1, true, 80, 1000},
                       {QStringLiteral("upstream"), 2, true, 40.5, 2000}};
        run.hostSamples.append(h);
    }
    run.summary = RunSummary::fromSeries(run.series);
    run.report = QStringLiteral("Summary:\n  Requests/sec:\t1000\n");
    return run;
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

} // namespace

class TestRunStore : public QObject
{
    Q_OBJECT

private slots:
    void summaryMergesHistogramsAndSkipsWarmup()
    {
        const RunRecord run = makeRun(QStringLiteral("x"), QDateTime::currentDateTimeUtc());
        const RunSummary& s = run.summary;
        QCOMPARE(s.requests, std::uint64_t(2000));
        QCOMPARE(s.durationS, 2.0);
        QCOMPARE(s.rps, 1000.0);
        QCOMPARE(s.errors, std::uint64_t(2));
        QCOMPARE(s.statusCodes.value(200), std::uint64_t(1998));
        QCOMPARE(s.statusCodes.value(503), std::uint64_t(2));
        QCOMPARE(s.errorsByClass.value(QStringLiteral("connect")), std::uint64_t(2));
        // Half the requests at 0.1 ms, half at 0.3 ms: p50 is the first, p99 the second (within
        // the histogram's 0.1 % resolution). The 9 ms warm-up second does not count.
        QVERIFY(qAbs(s.latency.p50 - 0.1) < 0.0002);
        QVERIFY(qAbs(s.latency.p99 - 0.3) < 0.0004);
        QVERIFY(qAbs(s.latency.max - 0.3) < 0.0004);
        auto merged = gb::engine::Histogram::deserialize(s.histogram.toStdString());
        QVERIFY(merged);
        QCOMPARE(merged->count(), std::uint64_t(2000));
    }

    void fileRoundTrip()
    {
        RunRecord run = makeRun(
            QStringLiteral("round trip"),
            QDateTime::fromString(QStringLiteral("2025-01-02T03:04:05.678Z"), Qt::ISODateWithMs));
        run.id = RunRecord::makeId(run.startedAt);
        QVERIFY(QRegularExpression(QStringLiteral("^20250102-030405-[0-9a-f]{4}$"))
                    .match(run.id)
                    .hasMatch());
        run.tags = {QStringLiteral("a"), QStringLiteral("b")};
        const QByteArray text = runToText(run);
        QVERIFY(text.startsWith("{\n  \"version\": 2,\n  \"id\": \"" + run.id.toUtf8()));
        // The series holds the engine's snapshot objects, as `gatebench-load --live` writes them.
        QVERIFY(text.contains("\"elapsed_s\": 2,"));
        auto back = runFromText(text);
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->id, run.id);
        QCOMPARE(back->tags, run.tags);
        QCOMPARE(back->startedAt, run.startedAt);
        QCOMPARE(back->finishedAt, run.finishedAt);
        QCOMPARE(back->scenario, run.scenario);
        QCOMPARE(back->environment, run.environment);
        QCOMPARE(back->hostSamples, run.hostSamples);
        QCOMPARE(back->report, run.report);
        QCOMPARE(back->series.size(), run.series.size());
        for (std::size_t i = 0; i < run.series.size(); ++i) {
            QCOMPARE(back->series[i].histogram, run.series[i].histogram);
            QCOMPARE(back->series[i].statusCodes, run.series[i].statusCodes);
            QCOMPARE(back->series[i].errorsByClass, run.series[i].errorsByClass);
            QCOMPARE(back->series[i].warmup, run.series[i].warmup);
            QCOMPARE(back->series[i].latency.p99, run.series[i].latency.p99);
        }
        QCOMPARE(back->summary.latency.p99, run.summary.latency.p99);
        QCOMPARE(back->summary.statusCodes, run.summary.statusCodes);
        // The stored summary equals the one recomputed from the stored series.
        QCOMPARE(RunSummary::fromSeries(back->series).histogram, run.summary.histogram);
        QCOMPARE(runToText(back.value()), text);
    }

    void version1FilesStillLoad()
    {
        // Version 1 spelled the snapshots' members in camelCase; such a file loads the same.
        const RunRecord run = makeRun(QStringLiteral("old"), QDateTime::currentDateTimeUtc());
        QJsonObject o = runToJson(run);
        o.insert(QStringLiteral("version"), 1);
        QJsonArray series;
        for (const QJsonValue& v : o.value(QStringLiteral("series")).toArray()) {
            QJsonObject camel;
            const QJsonObject snake = v.toObject();
            for (auto it = snake.begin(); it != snake.end(); ++it) {
                QString key;
                bool upper = false;
                for (const QChar c : it.key()) {
                    if (c == QLatin1Char('_'))
                        upper = true;
                    else
                        key += upper ? c.toUpper() : c;
                    upper = upper && c == QLatin1Char('_');
                }
                camel.insert(key, it.value());
            }
            series.append(camel);
        }
        o.insert(QStringLiteral("series"), series);
        o.insert(QStringLiteral("id"), QStringLiteral("x"));
        const QByteArray v1 = QJsonDocument(o).toJson();
        QVERIFY(v1.contains("\"elapsedS\""));
        auto back = runFromText(v1);
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->series.size(), run.series.size());
        QCOMPARE(back->series[1].elapsedS, run.series[1].elapsedS);
        QCOMPARE(back->series[1].histogram, run.series[1].histogram);
        QCOMPARE(back->series[1].errorsByClass, run.series[1].errorsByClass);
        QCOMPARE(back->series[1].latency.p99, run.series[1].latency.p99);

        // A series member of the wrong type is named, not read as zero.
        QJsonArray bad = o.value(QStringLiteral("series")).toArray();
        QJsonObject first = bad.first().toObject();
        first.insert(QStringLiteral("requests"), QStringLiteral("many"));
        bad.replace(0, first);
        o.insert(QStringLiteral("series"), bad);
        const auto refused = runFromText(QJsonDocument(o).toJson());
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().startsWith(QStringLiteral("series[0]: ")),
                 qPrintable(refused.error()));
    }

    void saveListRenameTagDelete()
    {
        QTemporaryDir dir;
        const QString runsDir = dir.filePath(QStringLiteral("runs")); // created on first save
        const RunStore store(runsDir);
        QVERIFY(store.list().isEmpty());

        RunRecord older =
            makeRun(QStringLiteral("older"), QDateTime::currentDateTimeUtc().addSecs(-60));
        RunRecord newer = makeRun(QStringLiteral("newer"), QDateTime::currentDateTimeUtc());
        QCOMPARE(store.save(older), QString());
        QCOMPARE(store.save(newer), QString());
        QVERIFY(!older.id.isEmpty());
        QCOMPARE(older.filePath, store.filePathOf(older.id));
        QVERIFY(QFile::exists(older.filePath));

        QList<RunListEntry> list = store.list();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].id, newer.id); // newest first
        QCOMPARE(list[1].name, QStringLiteral("older"));
        QCOMPARE(list[1].scenarioName, QStringLiteral("older"));
        QCOMPARE(list[1].rps, older.summary.rps);
        QCOMPARE(list[1].p99Ms, older.summary.latency.p99);

        QCOMPARE(store.rename(older.id, QStringLiteral("renamed")), QString());
        QCOMPARE(store.setTags(older.id, {QStringLiteral(" keep "), QStringLiteral("keep"),
                                          QString(), QStringLiteral("x")}),
                 QString());
        auto loaded = store.load(older.id);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error()));
        QCOMPARE(loaded->name, QStringLiteral("renamed"));
        QCOMPARE(loaded->tags, (QStringList{QStringLiteral("keep"), QStringLiteral("x")}));
        QCOMPARE(loaded->series.size(), older.series.size()); // rename keeps the data

        // A new store on the same directory (a restart) sees the same runs.
        const RunStore reopened(runsDir);
        list = reopened.list();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[1].name, QStringLiteral("renamed"));

        QCOMPARE(reopened.remove(newer.id), QString());
        QCOMPARE(store.list().size(), 1);
        QVERIFY(store.remove(newer.id).contains(QStringLiteral("there is no run")));
        QVERIFY(!store.load(newer.id).ok());
        // Ids are file names: nothing outside the directory can be reached through them.
        QVERIFY(
            store.load(QStringLiteral("../x")).error().contains(QStringLiteral("is not a run id")));
        QVERIFY(store.remove(QStringLiteral("../x")).contains(QStringLiteral("is not a run id")));
        QCOMPARE(QDir(runsDir).entryList(QDir::Files),
                 QStringList{older.id + QStringLiteral(".json")});
    }

    void corruptFilesAreSkippedWithAWarning()
    {
        QTemporaryDir dir;
        const RunStore store(dir.path());
        RunRecord good = makeRun(QStringLiteral("good"), QDateTime::currentDateTimeUtc());
        QCOMPARE(store.save(good), QString());
        writeFile(dir.filePath(QStringLiteral("truncated.json")), runToText(good).left(500));
        writeFile(dir.filePath(QStringLiteral("other.json")), "{\"hello\": 1}");
        writeFile(dir.filePath(QStringLiteral("empty.json")), "");
        writeFile(dir.filePath(QStringLiteral("notes.txt")), "not a run, not looked at");

        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral(
                                 "skipping unreadable run: .*empty\\.json: line 1, column 1")));
        QTest::ignoreMessage(
            QtWarningMsg,
            QRegularExpression(QStringLiteral(
                "skipping unreadable run: .*other\\.json: this is not a GateBench run")));
        QTest::ignoreMessage(
            QtWarningMsg,
            QRegularExpression(QStringLiteral(
                "skipping unreadable run: .*truncated\\.json: line \\d+, column \\d+")));
        const QList<RunListEntry> list = store.list();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.first().id, good.id);
    }

    void saveFailsClearly()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("file")), "x");
        const RunStore store(dir.filePath(QStringLiteral("file/runs")));
        RunRecord run = makeRun(QStringLiteral("x"), QDateTime::currentDateTimeUtc());
        QVERIFY(store.save(run).contains(QStringLiteral("cannot be created")));
    }

    void exports()
    {
        QTemporaryDir dir;
        RunRecord run = makeRun(QStringLiteral("export"), QDateTime::currentDateTimeUtc());
        run.id = QStringLiteral("r1");
        QCOMPARE(exportRunJson(run, dir.filePath(QStringLiteral("r.json"))), QString());
        auto back = loadRunFile(dir.filePath(QStringLiteral("r.json")));
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->id, QStringLiteral("r1"));

        QCOMPARE(exportRunCsv(run, dir.filePath(QStringLiteral("r.csv"))), QString());
        QFile csv(dir.filePath(QStringLiteral("r.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 4); // header + 3 seconds
        QCOMPARE(
            lines[0],
            QByteArray(
                "elapsed_s,interval_s,warmup,requests,rps,target_rps,errors,in_flight,late_sends,"
                "p50_ms,p90_ms,p99_ms,p999_ms,max_ms,cpu_machine_pct,cpu_load_pct,rss_load_bytes,"
                "cpu_upstream_pct,rss_upstream_bytes"));
        QVERIFY2(lines[1].startsWith("1.000,1.000,1,100,100.000,"), lines[1].constData());
        QVERIFY2(lines[2].endsWith(",50.000,80.000,1000,40.500,2000"), lines[2].constData());
    }
};

QTEST_GUILESS_MAIN(TestRunStore)
#include "tst_run_store.moc"
