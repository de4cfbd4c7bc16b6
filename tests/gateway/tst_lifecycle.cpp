// gatebench-gateway over time: hot reloads under load lose no request and leave in-flight ones
// their API, SIGHUP reloads, and SIGTERM drains (the in-flight request completes, new
// connections are refused, exit 0).

#include "support/gateway_harness.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <csignal>
#include <future>
#include <string>
#include <thread>
#include <vector>

using namespace gb::test;

// No raw string literals in this file: moc 6.4 loses the class after one containing braces.

namespace {

constexpr const char* kSecret = "lifecycle-secret";

std::string reloadRequest()
{
    return "GET /tyk/reload?block=true HTTP/1.1\r\nHost: a\r\nx-tyk-authorization: " +
           std::string(kSecret) + "\r\n\r\n";
}

} // namespace

class TestLifecycle : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    ChildServer m_upstream;
    std::string m_upUrl;

    QString path(const QString& name) const { return m_dir.filePath(name); }

    bool writeConf()
    {
        return QDir(m_dir.path()).mkpath("apps") &&
               writeTextFile(path("apps/up.json"), apiJson("up", "/up/", m_upUrl)) &&
               writeTextFile(path("tyk.conf"), tykConf("apps", kSecret, 5.0));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(startUpstream(m_upstream));
        m_upUrl = "http://127.0.0.1:" + std::to_string(m_upstream.port());
        QVERIFY(writeConf());
    }

    void reloadUnderLoad()
    {
        ChildServer gw;
        QVERIFY2(startGateway(gw, path("tyk.conf")), qPrintable(gw.errors()));
        const std::uint16_t port = gw.port();

        std::atomic<bool> stop{false};
        std::atomic<int> ok{0};
        std::atomic<int> failed{0};
        std::vector<std::thread> clients;
        for (int i = 0; i < 4; ++i) {
            // Half keep their connection, half open one per request.
            const bool keepAlive = i % 2 == 0;
            clients.emplace_back([&, keepAlive] {
                std::unique_ptr<RawClient> c;
                while (!stop) {
                    if (!c || !keepAlive)
                        c = std::make_unique<RawClient>(port);
                    const bool sent = c->send(getRequest("/up/json/valid"));
                    const auto r = sent ? c->read(5000) : std::nullopt;
                    if (r && r->status == 200 && r->body.size() == 70)
                        ++ok;
                    else {
                        ++failed;
                        c.reset();
                    }
                }
            });
        }

        // 20 reloads, each adding or removing an API, while the clients run.
        int reloadsOk = 0;
        for (int i = 0; i < 20; ++i) {
            const QString extra = path("apps/extra.json");
            if (i % 2 == 0)
                writeTextFile(extra, apiJson("extra", "/extra/", m_upUrl));
            else
                QFile::remove(extra);
            const auto r = fetch(port, reloadRequest(), 10000);
            reloadsOk += r && r->status == 200;
            QTest::qWait(25);
        }
        stop = true;
        for (auto& t : clients)
            t.join();
        QCOMPARE(reloadsOk, 20);
        QCOMPARE(failed.load(), 0);
        QVERIFY2(ok.load() > 100, qPrintable(QString::number(ok.load())));
        QCOMPARE(gw.terminate(), 0);
    }

    void inFlightKeepsItsApi()
    {
        QVERIFY(writeTextFile(path("apps/slow.json"), apiJson("slow", "/slow/", m_upUrl)));
        ChildServer gw;
        QVERIFY2(startGateway(gw, path("tyk.conf")), qPrintable(gw.errors()));
        RawClient inFlight(gw.port());
        QVERIFY(inFlight.send(getRequest("/slow/delay/700ms")));
        QTest::qWait(100);
        QVERIFY(QFile::remove(path("apps/slow.json")));
        const auto reload = fetch(gw.port(), reloadRequest());
        QVERIFY(reload);
        QCOMPARE(reload->status, 200);
        QCOMPARE(fetch(gw.port(), getRequest("/slow/json/valid"))->status, 404);
        const auto r = inFlight.read(5000);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(gw.terminate(), 0);
    }

    void sighupReloads()
    {
        ChildServer gw;
        QVERIFY2(startGateway(gw, path("tyk.conf")), qPrintable(gw.errors()));
        QCOMPARE(fetch(gw.port(), getRequest("/hup/json/valid"))->status, 404);
        QVERIFY(writeTextFile(path("apps/hup.json"), apiJson("hup", "/hup/", m_upUrl)));
        ::kill(static_cast<pid_t>(gw.process().processId()), SIGHUP);
        QElapsedTimer t;
        t.start();
        int status = 0;
        while (t.elapsed() < 5000 &&
               (status = fetch(gw.port(), getRequest("/hup/json/valid"))->status) != 200)
            QTest::qWait(20);
        QCOMPARE(status, 200);
        QVERIFY(QFile::remove(path("apps/hup.json")));
        QCOMPARE(gw.terminate(), 0);
    }

    void sigtermDrains()
    {
        ChildServer gw;
        QVERIFY2(startGateway(gw, path("tyk.conf")), qPrintable(gw.errors()));
        const std::uint16_t port = gw.port();
        RawClient idle(port); // an idle keep-alive connection is simply closed
        QVERIFY(idle.send(getRequest("/up/json/valid")));
        QVERIFY(idle.read());
        RawClient inFlight(port);
        QVERIFY(inFlight.send(getRequest("/up/delay/1s")));
        QTest::qWait(200);
        ::kill(static_cast<pid_t>(gw.process().processId()), SIGTERM);
        QTest::qWait(200);
        RawClient late(port);
        QVERIFY2(!late.connected() || !late.send(getRequest("/up/json/valid")) || !late.read(1000),
                 "a new connection was served after SIGTERM");
        QVERIFY(idle.readToEnd(3000).eof);
        const auto r = inFlight.read(5000);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->header("connection"), std::string("close"));
        QVERIFY(gw.process().waitForFinished(5000));
        QCOMPARE(gw.process().exitStatus(), QProcess::NormalExit);
        QCOMPARE(gw.process().exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestLifecycle)
#include "tst_lifecycle.moc"
