#include "support/test_server.h"
#include "support/tool_run.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/types.h>

using gb::test::TestServer;
using namespace std::chrono_literals;

namespace {

gb::test::ToolRun runLoad(const QStringList& args, int timeoutMs = 15000)
{
    return gb::test::runTool(QStringLiteral(GB_BIN_DIR "/gatebench-load"), args, timeoutMs);
}

QByteArray describe(const gb::test::ToolRun& r)
{
    return r.describe();
}

} // namespace

class TestGatebenchLoad : public QObject
{
    Q_OBJECT
private slots:
    void usageErrorsExitTwoWithOneLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown flag") << QStringList{"-bogus", "http://127.0.0.1:1/"}
                                      << "flag provided but not defined: -bogus";
        QTest::newRow("bad URL") << QStringList{"ftp://127.0.0.1/"} << "unsupported URL scheme";
        QTest::newRow("not a URL") << QStringList{"-n", "10", "localhost"} << "has no scheme";
        QTest::newRow("bad duration")
            << QStringList{"-z", "10", "http://127.0.0.1:1/"} << "for flag -z";
        QTest::newRow("missing URL") << QStringList{"-n", "10"} << "missing URL";
        QTest::newRow("-h2") << QStringList{"-h2", "http://127.0.0.1:1/"}
                             << "HTTP/2 is not supported";
        QTest::newRow("header with newline")
            << QStringList{"-H", "A: b\nC: d", "http://127.0.0.1:1/"} << "for flag -H";
    }
    void usageErrorsExitTwoWithOneLine()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const gb::test::ToolRun r = runLoad(args);
        QVERIFY2(r.finished && r.exitCode == 2, describe(r).constData());
        QVERIFY(r.out.isEmpty());
        // Exactly one line, naming the program and what is wrong.
        QVERIFY2(r.err.endsWith('\n') && r.err.count('\n') == 1, r.err.constData());
        QVERIFY2(r.err.startsWith("gatebench-load: ") && r.err.contains(message.toUtf8()),
                 r.err.constData());
    }

    void unresolvableHostExitsOne()
    {
        const gb::test::ToolRun r =
            runLoad({"-n", "10", "-c", "1", "http://does-not-exist.invalid/"});
        QVERIFY2(r.finished && r.exitCode == 1, describe(r).constData());
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.count('\n') == 1 && r.err.contains("does-not-exist.invalid"),
                 r.err.constData());
    }

    void helpExitsZero()
    {
        // On stderr, where hey's flag.Usage writes it (hey.go); -h is hey's deprecated header
        // flag, refused (tst_cli_options).
        const gb::test::ToolRun r = runLoad({"--help"});
        QVERIFY2(r.finished && r.exitCode == 0, describe(r).constData());
        QVERIFY(r.err.startsWith("Usage: gatebench-load"));
        QVERIFY(r.err.contains("Differences from hey"));
        QVERIFY(r.out.isEmpty());
    }

    void shortRunPrintsHeyReport()
    {
        TestServer server;
        const gb::test::ToolRun r = runLoad({"-n", "50", "-c", "2", server.url("/ok/70").c_str()});
        QVERIFY2(r.finished && r.exitCode == 0, describe(r).constData());
        QVERIFY2(r.err.isEmpty(),
                 r.err.constData()); // no progress line when stderr is not a terminal
        const QString out = QString::fromUtf8(r.out);
        QVERIFY(out.startsWith("\nSummary:\n  Total:\t"));
        for (const char* section :
             {"\nResponse time histogram:\n", "\nLatency distribution:\n",
              "\nDetails (average, fastest, slowest):\n", "\nStatus code distribution:\n"})
            QVERIFY2(out.contains(section), section);
        QVERIFY(out.contains("  [200]\t50 responses\n"));
        QVERIFY(out.contains("  Total data:\t3500 bytes\n"));
        QVERIFY(out.contains("  Size/request:\t70 bytes\n"));
        QVERIFY(!out.contains("Error distribution:"));
        QCOMPARE(server.requests(), 50u);
        QCOMPARE(server.connections(), 2u);
    }

    void failuresAreCountedNotFatal()
    {
        const std::string url =
            "http://127.0.0.1:" + std::to_string(TestServer::refusedPort()) + "/";
        const gb::test::ToolRun r = runLoad({"-n", "20", "-c", "2", url.c_str()});
        QVERIFY2(r.finished && r.exitCode == 0, describe(r).constData());
        QVERIFY(r.out.contains("\nError distribution:\n  [20]\tconnect: "));
    }

    void jsonToStdout()
    {
        TestServer server;
        const gb::test::ToolRun r =
            runLoad({"--json", "-", "-n", "20", "-c", "2", server.url("/ok").c_str()});
        QVERIFY2(r.finished && r.exitCode == 0, describe(r).constData());
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
        QVERIFY2(error.error == QJsonParseError::NoError,
                 qPrintable(error.errorString())); // the text report is left out
        const QJsonObject j = doc.object();
        QCOMPARE(j["requests"].toInt(), 20);
        QCOMPARE(j["status_codes"].toObject()["200"].toInt(), 20);
        QCOMPARE(j["bytes_read"].toInt(), 100);
        QVERIFY(j["latency_ms"].toObject()["p99"].toDouble() > 0);
        QCOMPARE(j["config"].toObject()["connections"].toInt(), 2);
    }

    void jsonAndLiveToFiles()
    {
        TestServer server;
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString json = dir.filePath("report.json"), live = dir.filePath("live.jsonl");
        const gb::test::ToolRun r =
            runLoad({"--json", json, "--live", live, "--interval", "100ms", "-z", "500ms", "-c",
                     "2", "--rate", "200", server.url("/ok").c_str()});
        QVERIFY2(r.finished && r.exitCode == 0, describe(r).constData());
        QVERIFY(r.out.contains("\nSummary:\n")); // the text report still goes to stdout
        QVERIFY(r.out.contains("  Target rate:\t"));

        QFile reportFile(json);
        QVERIFY(reportFile.open(QIODevice::ReadOnly));
        const QJsonObject report = QJsonDocument::fromJson(reportFile.readAll()).object();
        QVERIFY(report.contains("target_rps") && report.contains("late_sends") &&
                report.contains("service_ms"));

        QFile liveFile(live);
        QVERIFY(liveFile.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = liveFile.readAll().trimmed().split('\n');
        QVERIFY2(lines.size() >= 4 && lines.size() <= 7, QByteArray::number(lines.size()));
        qint64 sum = 0;
        for (const QByteArray& line : lines) {
            QJsonParseError error;
            const QJsonObject s = QJsonDocument::fromJson(line, &error).object();
            QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
            QVERIFY(s.contains("histogram") && s.contains("target_rps"));
            sum += s["requests"].toInteger();
        }
        QCOMPARE(sum, report["requests"].toInteger());
    }

    void csvOneRowPerRequest()
    {
        TestServer server;
        const gb::test::ToolRun r =
            runLoad({"-o", "csv", "-n", "30", "-c", "3", server.url("/ok").c_str()});
        QVERIFY2(r.finished && r.exitCode == 0, describe(r).constData());
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 31);
        QCOMPARE(lines[0], QByteArray("response-time,DNS+dialup,DNS,Request-write,Response-delay,"
                                      "Response-read,status-code,offset"));
        static const QRegularExpression row(
            QStringLiteral("^(\\d+\\.\\d{4},){6}200,\\d+\\.\\d{4}$"));
        for (qsizetype i = 1; i < lines.size(); ++i)
            QVERIFY2(row.match(QString::fromLatin1(lines[i])).hasMatch(), lines[i].constData());
        QVERIFY(!r.out.contains("Summary:"));
    }

    void signalPrintsWhatWasMeasured()
    {
        TestServer server;
        QProcess p;
        p.start(QStringLiteral(GB_BIN_DIR "/gatebench-load"),
                {"-z", "60s", "-c", "2", server.url("/ok").c_str()});
        QVERIFY(p.waitForStarted(5000));
        QVERIFY(TestServer::waitFor([&] { return server.requests() >= 200; }, 10s));
        p.terminate(); // SIGTERM, handled like Ctrl-C
        QVERIFY(p.waitForFinished(3000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        const QByteArray out = p.readAllStandardOutput();
        QVERIFY(out.contains("\nSummary:\n"));
        QVERIFY(out.contains("  [200]\t"));
        // The note goes to stderr, so that stdout is hey's report alone.
        QVERIFY(!out.contains("Interrupted"));
        QVERIFY(p.readAllStandardError().contains(
            "Interrupted: the report covers what was measured so far."));
    }

    void secondSignalKeepsTheReport()
    {
        // A wrapper forwarding Ctrl-C to the process group, or `timeout` signalled itself, sends
        // two SIGINTs a few microseconds apart. hey prints its report and exits 0 (hey.go: one
        // signal.Notify, Stop once); so must we, every time: the binary before this test lost
        // the report in 2-3 of 10 tries (exit 130).
        TestServer server;
        for (int attempt = 0; attempt < 10; ++attempt) {
            QProcess p;
            p.start(QStringLiteral(GB_BIN_DIR "/gatebench-load"),
                    {"-z", "60s", "-c", "2", server.url("/ok").c_str()});
            QVERIFY(p.waitForStarted(5000));
            const std::uint64_t before = server.requests();
            QVERIFY(TestServer::waitFor([&] { return server.requests() >= before + 50; }, 10s));
            ::kill(pid_t(p.processId()), SIGINT);
            ::kill(pid_t(p.processId()), SIGINT);
            if (attempt % 2 == 1)
                ::kill(pid_t(p.processId()), SIGINT); // and a third, for good measure
            QVERIFY(p.waitForFinished(5000));
            QCOMPARE(p.exitStatus(), QProcess::NormalExit);
            QCOMPARE(p.exitCode(), 0);
            const QByteArray out = p.readAllStandardOutput();
            QCOMPARE(out.count("\nSummary:\n"), 1);
            QCOMPARE(out.count("\nStatus code distribution:"), 1);
            QVERIFY2(out.contains("  [200]\t"), out.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestGatebenchLoad)
#include "tst_gatebench_load.moc"
