// The gatebench executable's headless commands, run as a user would: `gatebench run` on the
// built-in baseline and on a file, Ctrl-C, `gatebench compare`, and every usage and runtime
// error with its exit status (2 usage, 1 runtime) and its one clear sentence.

#include "app/run_store.h"
#include "app/scenario_json.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace gb::app;
using namespace std::chrono_literals;

namespace {

const QString kBinDir = QStringLiteral(GB_BIN_DIR);
const QString kGatebench = kBinDir + QStringLiteral("/gatebench");

struct Outcome
{
    int exitCode = -1;
    QString out;
    QString err;
};

Outcome gatebench(const QStringList& args,
                  const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(),
                  int timeoutMs = 60000)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(kGatebench, args);
    Outcome o;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        o.err = QStringLiteral("(timed out)");
        return o;
    }
    o.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    o.out = QString::fromUtf8(p.readAllStandardOutput());
    o.err = QString::fromUtf8(p.readAllStandardError());
    return o;
}

QString storedPath(const QString& out)
{
    const QRegularExpressionMatch m =
        QRegularExpression(
            QStringLiteral("Run \\S+ \\((completed|stopped)\\) stored in (\\S+\\.json)"))
            .match(out);
    return m.hasMatch() ? m.captured(2) : QString();
}

void writeFile(const QString& path, const QByteArray& bytes, bool executable = false)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
    f.close();
    if (executable)
        QVERIFY(f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                 QFileDevice::ExeOwner));
}

} // namespace

class TestGatebenchCli : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QStringList m_runs; // stored run files, for compare

private slots:
    void initTestCase()
    {
        QVERIFY(QFile::exists(kGatebench));
        QVERIFY2(QFile::exists(kBinDir + QStringLiteral("/gatebench-upstream")),
                 "gatebench-upstream is not built in " GB_BIN_DIR);
    }

    void noArgumentsPrintsUsage()
    {
        // With no arguments gatebench opens its window; with no display to open it on, it
        // prints the usage instead.
        QProcessEnvironment noDisplay = QProcessEnvironment::systemEnvironment();
        for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
            noDisplay.remove(QString::fromLatin1(name));
        const Outcome o = gatebench({}, noDisplay);
        QCOMPARE(o.exitCode, 2);
        QVERIFY(o.err.startsWith(QStringLiteral("usage: gatebench")));
        QVERIFY(o.err.contains(QStringLiteral("run (FILE | --builtin baseline|keyless|full)")));
        const Outcome help = gatebench({QStringLiteral("help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains(QStringLiteral("compare RUN.json...")));
    }

    void runBuiltinBaseline()
    {
        const QString runs = m_dir.filePath(QStringLiteral("runs"));
        const QString json = m_dir.filePath(QStringLiteral("copy.json"));
        for (int i = 0; i < 2; ++i) {
            const Outcome o = gatebench({QStringLiteral("run"), QStringLiteral("--builtin"),
                                         QStringLiteral("baseline"), QStringLiteral("--duration"),
                                         QStringLiteral("2s"), QStringLiteral("--connections"),
                                         QStringLiteral("10"), QStringLiteral("--runs-dir"), runs,
                                         QStringLiteral("--json"), json});
            QVERIFY2(o.exitCode == 0, qPrintable(o.err));
            // hey's report, then where the run went.
            QVERIFY2(o.out.startsWith(QStringLiteral("\nSummary:\n  Total:")), qPrintable(o.out));
            QVERIFY(o.out.contains(QStringLiteral("Requests/sec:")));
            QVERIFY(o.out.contains(QStringLiteral("Latency distribution:")));
            QVERIFY(o.out.contains(QStringLiteral("[200]")));
            const QString path = storedPath(o.out);
            QVERIFY2(path.startsWith(runs + QLatin1Char('/')), qPrintable(o.out));
            auto stored = loadRunFile(path);
            QVERIFY2(stored.ok(), qPrintable(stored.error()));
            QCOMPARE(stored->status, RunStatus::Completed);
            QCOMPARE(stored->scenario.name, QStringLiteral("baseline"));
            QCOMPARE(stored->scenario.load.connections, 10);
            QCOMPARE(stored->scenario.load.duration, Duration(2s));
            QVERIFY(qAbs(stored->summary.durationS - 2.0) < 0.2);
            QVERIFY(stored->summary.requests > 0);
            auto copy = loadRunFile(json);
            QVERIFY2(copy.ok(), qPrintable(copy.error()));
            QCOMPARE(copy->id, stored->id);
            m_runs.append(path);
        }
        QCOMPARE(RunStore(runs).list().size(), 2);
    }

    void runScenarioFileWithRate()
    {
        Scenario s;
        s.name = QStringLiteral("size 1KB");
        s.upstream.route = QStringLiteral("/size/1KB");
        s.load.connections = 5;
        s.load.duration = 1s;
        const QString file = m_dir.filePath(QStringLiteral("size.json"));
        QCOMPARE(saveScenarioFile(s, file), QString());
        const Outcome o =
            gatebench({QStringLiteral("run"), file, QStringLiteral("--rate"), QStringLiteral("500"),
                       QStringLiteral("--runs-dir"), m_dir.filePath(QStringLiteral("runs"))});
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        const QString path = storedPath(o.out);
        auto stored = loadRunFile(path);
        QVERIFY2(stored.ok(), qPrintable(stored.error()));
        QCOMPARE(stored->scenario.load.model, LoadModelKind::TotalRate);
        QCOMPARE(stored->scenario.load.totalRate, 500.0);
        QVERIFY(qAbs(stored->summary.targetRps - 500) < 1);
        QVERIFY(o.out.contains(QStringLiteral("Size/request:\t1024 bytes")));
        m_runs.append(path);
    }

    void compareRuns()
    {
        QVERIFY(m_runs.size() == 3);
        const QString json = m_dir.filePath(QStringLiteral("comparison.json"));
        const Outcome o = gatebench(QStringList{QStringLiteral("compare")} + m_runs +
                                    QStringList{QStringLiteral("--baseline"), QStringLiteral("1"),
                                                QStringLiteral("--json"), json});
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        QVERIFY2(o.out.contains(QStringLiteral("Group 1: baseline (baseline), 2 runs")),
                 qPrintable(o.out));
        QVERIFY(o.out.contains(QStringLiteral("Group 2: size 1KB, 1 run")));
        QVERIFY(o.out.contains(QStringLiteral("Average of 2 runs")));
        QVERIFY(o.out.contains(QStringLiteral("Delta vs baseline: ")));
        QVERIFY(o.out.contains(QStringLiteral("upstream.route")));
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject c = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(c.value(QStringLiteral("groups")).toArray().size(), 2);

        // The averages printed are those of the stored runs.
        auto r1 = loadRunFile(m_runs[0]), r2 = loadRunFile(m_runs[1]);
        const double average = (r1->summary.rps + r2->summary.rps) / 2;
        QCOMPARE(c.value(QStringLiteral("groups"))
                     .toArray()[0]
                     .toObject()
                     .value(QStringLiteral("average"))
                     .toObject()
                     .value(QStringLiteral("rps"))
                     .toDouble(),
                 average);

        const Outcome second =
            gatebench(QStringList{QStringLiteral("compare"), QStringLiteral("--baseline"),
                                  QStringLiteral("2")} +
                      m_runs);
        QCOMPARE(second.exitCode, 0);
        QVERIFY(second.out.contains(QStringLiteral("Group 2: size 1KB (baseline), 1 run")));
        QVERIFY(second.out.contains(QStringLiteral("Delta vs size 1KB: ")));
    }

    void ctrlCStopsAndKeepsTheRun()
    {
        QProcess p;
        p.start(kGatebench,
                {QStringLiteral("run"), QStringLiteral("--builtin"), QStringLiteral("baseline"),
                 QStringLiteral("--duration"), QStringLiteral("60s"),
                 QStringLiteral("--connections"), QStringLiteral("4"), QStringLiteral("--runs-dir"),
                 m_dir.filePath(QStringLiteral("stopped"))});
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT((err += p.readAllStandardError()).contains("Running baseline"),
                                 20000);
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(15000));
        QCOMPARE(p.exitCode(), 0);
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        QVERIFY2(out.contains(QStringLiteral("(stopped) stored in")), qPrintable(out));
        auto stored = loadRunFile(storedPath(out));
        QVERIFY2(stored.ok(), qPrintable(stored.error()));
        QCOMPARE(stored->status, RunStatus::Stopped);
        QVERIFY(!stored->series.empty());       // at least the interval cut short
        QVERIFY(stored->series.front().warmup); // stopped inside the 2 s warm-up
    }

    void errors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const QString broken = m_dir.filePath(QStringLiteral("broken.json"));
        writeFile(broken, "{\n  \"version\": 1,\n  \"load\": {\"connections\": }\n}\n");
        const QString invalid = m_dir.filePath(QStringLiteral("invalid.json"));
        writeFile(invalid, "{\"version\": 1, \"name\": \"x\", \"load\": {\"connections\": 0}}");
        const QString notARun = m_dir.filePath(QStringLiteral("not-a-run.json"));
        writeFile(notARun, "{\"version\": 1}");
        const QString run = QStringLiteral("run");
        const QString compare = QStringLiteral("compare");
        QTest::newRow("unknown command")
            << QStringList{QStringLiteral("fly")} << 2 << "gatebench: unknown command \"fly\"";
        QTest::newRow("run without scenario")
            << QStringList{run} << 2 << "gatebench run: give one scenario";
        QTest::newRow("run with two scenarios")
            << QStringList{run, broken, QStringLiteral("--builtin"), QStringLiteral("full")} << 2
            << "gatebench run: give one scenario";
        QTest::newRow("unknown built-in")
            << QStringList{run, QStringLiteral("--builtin"), QStringLiteral("turbo")} << 2
            << "there is no built-in scenario \"turbo\" (choose baseline, keyless, full)";
        QTest::newRow("bad duration")
            << QStringList{run, QStringLiteral("--builtin"), QStringLiteral("baseline"),
                           QStringLiteral("--duration"), QStringLiteral("soon")}
            << 2 << "--duration \"soon\" is not a duration above 0";
        QTest::newRow("bad connections")
            << QStringList{run, QStringLiteral("--builtin"), QStringLiteral("baseline"),
                           QStringLiteral("--connections"), QStringLiteral("0")}
            << 2 << "--connections \"0\" is not a whole number above 0";
        QTest::newRow("bad rate") << QStringList{run, QStringLiteral("--builtin"),
                                                 QStringLiteral("baseline"),
                                                 QStringLiteral("--rate=-5")}
                                  << 2 << "--rate \"-5\" is not a number";
        QTest::newRow("unknown flag")
            << QStringList{run, QStringLiteral("--builtin"), QStringLiteral("baseline"),
                           QStringLiteral("--turbo")}
            << 2 << "Unknown option 'turbo'";
        QTest::newRow("missing file")
            << QStringList{run, m_dir.filePath(QStringLiteral("nope.json"))} << 1
            << "nope.json: cannot be read";
        QTest::newRow("broken file")
            << QStringList{run, broken} << 1
            << broken + ": line 3, column 27: "; // the "}" where the value belongs
        QTest::newRow("invalid scenario")
            << QStringList{run, invalid} << 1
            << invalid + ": load.connections: Connections must be between 1 and 100000";
        QTest::newRow("compare nothing")
            << QStringList{compare} << 2 << "give one or more RUN.json files";
        QTest::newRow("compare not a run")
            << QStringList{compare, notARun} << 1 << notARun + ": this is not a GateBench run";
        QTest::newRow("compare bad baseline")
            << QStringList{compare, QStringLiteral("--baseline"), QStringLiteral("x"), notARun} << 2
            << "--baseline \"x\" is not a group number";
        if (!m_runs.isEmpty())
            QTest::newRow("compare baseline out of range")
                << QStringList{compare, QStringLiteral("--baseline"), QStringLiteral("3"),
                               m_runs.first()}
                << 2 << "--baseline 3: the runs form 1 group (one per scenario)";
    }
    void errors()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Outcome o = gatebench(args);
        QCOMPARE(o.exitCode, exitCode);
        QVERIFY2(o.err.contains(message), qPrintable(o.err));
        QCOMPARE(o.err.count(QLatin1Char('\n')), 1); // one line
    }

    void gatewayScenariosSayWhatIsMissing()
    {
        // A bin directory with the upstream but no gateway, then with a gateway too old for
        // the full scenario: each fails at once with the reason, before anything starts.
        QTemporaryDir bin;
        QVERIFY(QFile::link(kBinDir + QStringLiteral("/gatebench-upstream"),
                            bin.filePath(QStringLiteral("gatebench-upstream"))));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GATEBENCH_BIN_DIR"), bin.path());
        env.insert(QStringLiteral("GATEBENCH_RUNS_DIR"),
                   m_dir.filePath(QStringLiteral("gateway-runs")));
        Outcome o = gatebench(
            {QStringLiteral("run"), QStringLiteral("--builtin"), QStringLiteral("keyless")}, env);
        QCOMPARE(o.exitCode, 1);
        QVERIFY2(o.err.contains(QStringLiteral("gatebench run: Scenario \"keyless\" cannot run: "
                                               "gatebench-gateway was not found in ")),
                 qPrintable(o.err));

        writeFile(bin.filePath(QStringLiteral("gatebench-gateway")),
                  "#!/bin/sh\necho 'Usage: gatebench-gateway --listen ADDR --target URL'\n", true);
        o = gatebench({QStringLiteral("run"), QStringLiteral("--builtin"), QStringLiteral("full")},
                      env);
        QCOMPARE(o.exitCode, 1);
        QVERIFY2(o.err.contains(QStringLiteral("the gatebench-gateway found cannot run the full "
                                               "scenario: its --help does not list --conf")),
                 qPrintable(o.err));
        QVERIFY(!QDir(m_dir.filePath(QStringLiteral("gateway-runs"))).exists()); // nothing stored
    }
};

QTEST_GUILESS_MAIN(TestGatebenchCli)
#include "tst_gatebench_cli.moc"
