// `gatebench study` as a user runs it: the exit status follows the thresholds (one that must
// hold, one that must not), the JSON and text reports land where it says, Ctrl-C keeps the
// finished runs and --resume runs the rest, the built-in manual scales itself and says so,
// --pdf either writes the report (pdftotext finds the stages and figures) or says it needs the
// UI module, and every usage error answers with status 2 and one sentence.

#include "app/scenario_json.h"
#include "app/study/study_json.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
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

Outcome gatebench(const QStringList& args, int timeoutMs = 90'000)
{
    QProcess p;
    p.start(kGatebench, args);
    Outcome o;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        o.err = QStringLiteral("(timed out)");
        return o;
    }
    o.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    o.out = QString::fromUtf8(p.readAllStandardOutput());
    o.err = QString::fromUtf8(p.readAllStandardError());
    return o;
}

Scenario light(const QString& name, Duration duration = 1s)
{
    Scenario s;
    s.name = name;
    s.load.connections = 4;
    s.load.model = LoadModelKind::PerWorkerRate;
    s.load.perWorkerRate = 100;
    s.load.duration = duration;
    s.load.warmup = 0s;
    return s;
}

QJsonObject readJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

/// "Study <id> (<status>): report <path>, JSON <path>..." -> the study's directory.
QString studyDirectory(const QString& out)
{
    const auto m =
        QRegularExpression(QStringLiteral("Study \\S+ \\(\\w+\\): report (\\S+)/report\\.txt"))
            .match(out);
    return m.hasMatch() ? m.captured(1) : QString();
}

} // namespace

class TestStudyCli : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QStringList m_thresholdStudies; ///< the directories of exitStatusFollowsThresholds' studies
    QStringList dirs() const
    {
        return {QStringLiteral("--runs-dir"), m_dir.filePath(QStringLiteral("runs")),
                QStringLiteral("--studies-dir"), m_dir.filePath(QStringLiteral("studies"))};
    }
    QString writeStudy(const QString& file, const Study& study)
    {
        const QString path = m_dir.filePath(file);
        const QString error = saveStudyFile(study, path);
        return error.isEmpty() ? path : QString();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(QFile::exists(kGatebench));
        QVERIFY2(QFile::exists(kBinDir + QStringLiteral("/gatebench-upstream")),
                 "gatebench-upstream is not built in " GB_BIN_DIR);
    }

    void exitStatusFollowsThresholds_data()
    {
        QTest::addColumn<double>("minRps");
        QTest::addColumn<int>("exitCode");
        // 4 workers x 100 requests/s: 1 request/s is surely reached, 10^9 surely not.
        QTest::newRow("every threshold holds") << 1.0 << 0;
        QTest::newRow("one does not") << 1e9 << 1;
    }
    void exitStatusFollowsThresholds()
    {
        QFETCH(double, minRps);
        QFETCH(int, exitCode);
        Study study;
        study.name = QStringLiteral("thresholds");
        StudyStage base;
        base.name = QStringLiteral("Baseline");
        base.scenario = light(QStringLiteral("base"));
        base.repeats = 1;
        base.thresholds.maxP99Ms = 10'000; // holds on any machine
        base.thresholds.minRps = minRps;
        study.stages = {base};
        const QString file = writeStudy(QStringLiteral("thresholds.json"), study);
        QVERIFY(!file.isEmpty());
        const QString json = m_dir.filePath(QStringLiteral("thresholds-%1.json").arg(exitCode));

        const Outcome o = gatebench(
            QStringList{QStringLiteral("study"), file, QStringLiteral("--json"), json} + dirs());
        QVERIFY2(o.exitCode == exitCode, qPrintable(o.err + o.out));
        QVERIFY(o.out.contains(QStringLiteral("GateBench study: thresholds")));
        QVERIFY(o.out.contains(QStringLiteral("p99 \u2264 10000.00 ms")));
        const QString dir = studyDirectory(o.out);
        QVERIFY2(!dir.isEmpty(), qPrintable(o.out));
        m_thresholdStudies.append(dir);
        QVERIFY(QFile::exists(dir + QStringLiteral("/report.txt")));
        QVERIFY(QFile::exists(dir + QStringLiteral("/study.json")));
        QVERIFY(o.out.contains(QStringLiteral("JSON ") + json));

        const QJsonObject result = readJson(json);
        QCOMPARE(result.value(QStringLiteral("passed")).toBool(), exitCode == 0);
        const QJsonArray checks =
            result.value(QStringLiteral("stages"))[0][QStringLiteral("thresholds")].toArray();
        QCOMPARE(checks.size(), 2);
        QCOMPARE(checks[0][QStringLiteral("passed")].toBool(), true);
        QCOMPARE(checks[1][QStringLiteral("passed")].toBool(), exitCode == 0);
        if (exitCode != 0)
            QVERIFY2(
                o.err.contains(QStringLiteral("Stage \"Baseline\": threshold throughput \u2265 "
                                              "1,000,000,000 rps does not hold")),
                qPrintable(o.err));
        // The measured figure in the JSON is the stored run's.
        const QJsonObject runSummary =
            result.value(QStringLiteral("stages"))[0][QStringLiteral("runs")][0].toObject();
        QCOMPARE(checks[1][QStringLiteral("measured")].toDouble(),
                 runSummary.value(QStringLiteral("rps")).toDouble());
    }

    void compareTwoStudies()
    {
        QCOMPARE(m_thresholdStudies.size(), 2);
        const QString pdf = m_dir.filePath(QStringLiteral("comparison.pdf"));
        const QString compare = QStringLiteral("compare");
        const QString studies = QStringLiteral("--studies");
        const Outcome o = gatebench({compare, studies, m_thresholdStudies[0], m_thresholdStudies[1],
                                     QStringLiteral("--pdf"), pdf});
        QVERIFY2(o.exitCode == 0, qPrintable(o.err + o.out));
        QVERIFY(o.out.contains(QStringLiteral("GateBench study comparison: thresholds and "
                                              "thresholds")));
        QVERIFY(o.out.contains(QStringLiteral("Stage by stage")));
        QVERIFY(o.out.contains(QStringLiteral("p99 A (ms)")));
        // The two studies differ in their throughput threshold only, not in the settings run.
        QVERIFY(o.out.contains(QStringLiteral("ran with the same settings in A and B")));
        QVERIFY(QFileInfo(pdf).size() > 10'000);

        const Outcome one = gatebench({compare, studies, m_thresholdStudies[0]});
        QCOMPARE(one.exitCode, 2);
        QVERIFY2(one.err.contains(QStringLiteral("--studies compares two study directories")),
                 qPrintable(one.err));
        const Outcome json = gatebench({compare, studies, m_thresholdStudies[0],
                                        m_thresholdStudies[1], QStringLiteral("--json"), pdf});
        QCOMPARE(json.exitCode, 2);
        const QString missing = m_dir.filePath(QStringLiteral("no-study"));
        const Outcome unreadable = gatebench({compare, studies, m_thresholdStudies[0], missing});
        QCOMPARE(unreadable.exitCode, 1);
        QVERIFY2(
            unreadable.err.contains(QStringLiteral("the study in %1 cannot be read").arg(missing)),
            qPrintable(unreadable.err));
        QCOMPARE(unreadable.err.count(QLatin1Char('\n')), 1);
    }

    void ctrlCThenResume()
    {
        Study study;
        study.name = QStringLiteral("interrupted");
        StudyStage base;
        base.name = QStringLiteral("Baseline");
        base.scenario = light(QStringLiteral("base"), 2s);
        base.repeats = 3;
        study.stages = {base};
        const QString file = writeStudy(QStringLiteral("interrupted.json"), study);

        QProcess p;
        p.start(kGatebench, QStringList{QStringLiteral("study"), file} + dirs());
        QByteArray err;
        // Interrupt while the second run measures: the first is kept, the second is not.
        QTRY_VERIFY_WITH_TIMEOUT(
            (err += p.readAllStandardError()).contains("interrupted / Baseline #2..."), 60'000);
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(30'000));
        err += p.readAllStandardError();
        QCOMPARE(p.exitCode(), 1);
        const QRegularExpressionMatch resume =
            QRegularExpression(QStringLiteral("resume with: gatebench study --resume (\\S+)"))
                .match(QString::fromUtf8(err));
        QVERIFY2(resume.hasMatch(), err.constData());
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        QVERIFY(out.contains(QStringLiteral("cancelled, 1 of 3 runs measured")));

        const Outcome o = gatebench(
            QStringList{QStringLiteral("study"), QStringLiteral("--resume"), resume.captured(1)} +
            dirs());
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        // Only runs 2 and 3 ran.
        QVERIFY(!o.err.contains(QStringLiteral("interrupted / Baseline #1...")));
        QVERIFY(o.err.contains(QStringLiteral("interrupted / Baseline #2...")));
        QVERIFY(o.err.contains(QStringLiteral("interrupted / Baseline #3...")));
        QVERIFY(o.out.contains(QStringLiteral("finished, 3 of 3 runs measured")));
        QVERIFY(o.out.contains(QStringLiteral("Average of 3 runs")));
    }

    void builtinManualScalesAndReports()
    {
        // The `make run` path, shortened: calibration, then 1 run of 1 s per stage.
        const QString json = m_dir.filePath(QStringLiteral("manual.json"));
        const Outcome o =
            gatebench(QStringList{QStringLiteral("study"), QStringLiteral("--builtin"),
                                  QStringLiteral("manual"), QStringLiteral("--repeats"),
                                  QStringLiteral("1"), QStringLiteral("--duration"),
                                  QStringLiteral("1s"), QStringLiteral("--json"), json} +
                          dirs(),
                      120'000);
        QVERIFY2(o.exitCode == 0 || o.exitCode == 1, qPrintable(o.err));
        QVERIFY2(o.out.contains(QStringLiteral("Scaled for one machine: ")), qPrintable(o.out));
        QVERIFY(o.out.contains(QStringLiteral(" for 1 s instead of 75,000 rps for 5 min")));
        for (const char* stage :
             {"Stage 1: Baseline", "Stage 2: Transparent proxy", "Stage 3: Full load"})
            QVERIFY(o.out.contains(QLatin1String(stage)));
        const QJsonObject result = readJson(json);
        QVERIFY(result.value(QStringLiteral("scalingNote"))
                    .toString()
                    .startsWith(QStringLiteral("Scaled for one machine: ")));
        const QJsonArray stages = result.value(QStringLiteral("stages")).toArray();
        QCOMPARE(stages.size(), 3);
        QCOMPARE(stages[0][QStringLiteral("measuredRuns")].toInt(), 1);
        // A stage that could not run says why, in the JSON too, and carries no figures; the
        // exit status says the study did not pass.
        for (const QJsonValue& s : stages)
            if (!s[QStringLiteral("failure")].isNull()) {
                QVERIFY(!s.toObject().contains(QStringLiteral("average")));
                QCOMPARE(o.exitCode, 1);
                QVERIFY(o.err.contains(QStringLiteral("Stage \"%1\" failed: ")
                                           .arg(s[QStringLiteral("name")].toString())));
            }
    }

    void pdfReportOrAClearNo()
    {
        Study study;
        study.name = QStringLiteral("pdf");
        StudyStage base;
        base.name = QStringLiteral("Baseline");
        base.scenario = light(QStringLiteral("base"));
        base.repeats = 1;
        StudyStage delayed = base;
        delayed.name = QStringLiteral("Delayed");
        delayed.scenario.name = QStringLiteral("delayed");
        delayed.scenario.upstream.xDelay = Duration(2ms);
        study.stages = {base, delayed};
        const QString file = writeStudy(QStringLiteral("pdf.json"), study);
        const QString pdf = m_dir.filePath(QStringLiteral("study.pdf"));
        const Outcome o = gatebench(
            QStringList{QStringLiteral("study"), file, QStringLiteral("--pdf"), pdf} + dirs());
        if (o.exitCode == 2) {
            QVERIFY2(o.err.contains(QStringLiteral("PDF export needs the UI module")),
                     qPrintable(o.err));
            QVERIFY(!QFile::exists(pdf));
            QSKIP("this gatebench has no UI module: --pdf says so (checked)");
        }
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        QVERIFY(o.out.contains(QStringLiteral("PDF ") + pdf));
        const QString pdftotext = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
        if (pdftotext.isEmpty())
            QSKIP("pdftotext (poppler-utils) is not installed");
        QProcess text;
        text.start(pdftotext, {QStringLiteral("-layout"), pdf, QStringLiteral("-")});
        QVERIFY(text.waitForFinished(30'000));
        const QString content = QString::fromUtf8(text.readAllStandardOutput());
        QVERIFY2(content.contains(QStringLiteral("GateBench study: pdf")), qPrintable(content));
        QVERIFY(content.contains(QStringLiteral("Stage 2: Delayed")));
        QVERIFY(content.contains(QStringLiteral("Average of 1 run")));
        // A figure of the stored run, as the table prints it.
        const QJsonObject result = readJson(studyDirectory(o.out) + QStringLiteral("/study.json"));
        const double p99 = result
                               .value(QStringLiteral(
                                   "stages"))[1][QStringLiteral("average")][QStringLiteral("p99Ms")]
                               .toDouble();
        QVERIFY2(content.contains(QString::number(p99, 'f', 2)), qPrintable(content));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const QString study = QStringLiteral("study");
        const QString builtin = QStringLiteral("--builtin");
        const QString manual = QStringLiteral("manual");
        const QString invalid = m_dir.filePath(QStringLiteral("invalid.json"));
        QFile f(invalid);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"version": 1, "name": "x", "stages": []})");
        f.close();
        QTest::newRow("no study") << QStringList{study} << 2
                                  << "give one study: a FILE, --builtin manual or --resume DIR";
        QTest::newRow("two studies")
            << QStringList{study, invalid, builtin, manual} << 2 << "give one study";
        QTest::newRow("missing hosts file")
            << QStringList{study, builtin, manual, QStringLiteral("--hosts"),
                           QStringLiteral("no-such-hosts.json")}
            << 1 << "no-such-hosts.json: cannot be read";
        QTest::newRow("unknown built-in") << QStringList{study, builtin, QStringLiteral("turbo")}
                                          << 2 << "there is no built-in study \"turbo\"";
        QTest::newRow("bad repeats")
            << QStringList{study, builtin, manual, QStringLiteral("--repeats"), QStringLiteral("0")}
            << 2 << "--repeats \"0\" is not a whole number from 1 to 100";
        QTest::newRow("bad duration")
            << QStringList{study, builtin, manual, QStringLiteral("--duration"),
                           QStringLiteral("soon")}
            << 2 << "--duration \"soon\" is not a duration above 0";
        QTest::newRow("resume with overrides")
            << QStringList{study, QStringLiteral("--resume"), QStringLiteral("x"),
                           QStringLiteral("--repeats"), QStringLiteral("2")}
            << 2 << "--repeats and --duration cannot change it";
        QTest::newRow("unknown flag") << QStringList{study, builtin, manual, QStringLiteral("--x")}
                                      << 2 << "Unknown option 'x'";
        QTest::newRow("missing file")
            << QStringList{study, m_dir.filePath(QStringLiteral("nope.json"))} << 1
            << "nope.json: cannot be read";
        QTest::newRow("invalid study")
            << QStringList{study, invalid} << 1 << invalid + ": stages: The study needs a stage";
        QTest::newRow("resume nothing") << QStringList{study, QStringLiteral("--resume"),
                                                       m_dir.filePath(QStringLiteral("none"))}
                                        << 1 << "The study cannot be resumed: ";
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Outcome o = gatebench(args + dirs());
        QCOMPARE(o.exitCode, exitCode);
        QVERIFY2(o.err.contains(message), qPrintable(o.err));
        QCOMPARE(o.err.count(QLatin1Char('\n')), 1); // one sentence
    }
};

QTEST_GUILESS_MAIN(TestStudyCli)
#include "tst_study_cli.moc"
