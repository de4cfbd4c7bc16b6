// gatebench-upstream as a black box: keep-alive, pipelining, faults, timeouts, CLI, SIGTERM.

#include "support/gateway_harness.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTest>

// No raw string literals in this file: moc 6.4 loses the class after one containing braces.

#include <csignal>
#include <memory>
#include <string>

using gb::test::binaryPath;
using gb::test::ChildServer;
using gb::test::fetch;
using gb::test::getRequest;
using gb::test::RawClient;

class TestUpstreamConnections : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<ChildServer> m_up;
    std::uint16_t port() const { return m_up->port(); }

private slots:
    void initTestCase()
    {
        const QString binary = binaryPath("gatebench-upstream");
        QVERIFY2(QFile::exists(binary), qPrintable(binary));
        m_up = std::make_unique<ChildServer>();
        QVERIFY2(m_up->start(binary, {"--addr", "127.0.0.1:0", "--threads", "2", "--quiet",
                                      "--header-timeout", "400ms"}),
                 "upstream did not print its address");
    }
    void cleanupTestCase() { m_up.reset(); }

    void keepAliveAndPipelining()
    {
        RawClient c(port());
        // One write, four requests; two of them delayed: the answers must come back in order.
        QVERIFY(c.send(getRequest("/resource/1", "X-Delay: 300ms\r\n") + getRequest("/status/201") +
                       getRequest("/resource/2", "X-Delay: 100ms\r\n") +
                       getRequest("/status/202")));
        const auto a = c.read();
        const auto b = c.read();
        const auto d = c.read();
        const auto e = c.read();
        QVERIFY(a && b && d && e);
        QCOMPARE(a->status, 200);
        QVERIFY(a->body.starts_with("{\"Id\":1,"));
        QCOMPARE(b->status, 201);
        QCOMPARE(d->status, 200);
        QVERIFY(d->body.starts_with("{\"Id\":2,"));
        QCOMPARE(e->status, 202);
        // Still usable afterwards (keep-alive), many times over.
        for (int i = 0; i < 50; ++i) {
            QVERIFY(c.send(getRequest("/json/valid")));
            const auto r = c.read();
            QVERIFY(r);
            QCOMPARE(r->status, 200);
        }
        // A large batch of pipelined requests in one write, answered in order.
        std::string batch;
        for (int i = 0; i < 200; ++i)
            batch += getRequest("/status/" + std::to_string(200 + i % 100));
        QVERIFY(c.send(batch));
        for (int i = 0; i < 200; ++i) {
            const auto r = c.read();
            QVERIFY(r);
            QCOMPARE(r->status, 200 + i % 100);
        }
    }
    void connectionClose()
    {
        RawClient c(port());
        QVERIFY(c.send(getRequest("/health", "Connection: close\r\n")));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->header("connection"), std::string("close"));
        QVERIFY(c.readToEnd(3000).eof);
        RawClient old(port()); // HTTP/1.0 without keep-alive: closed after the answer
        QVERIFY(old.send("GET /health HTTP/1.0\r\n\r\n"));
        QVERIFY(old.readToEnd(3000).eof);
    }

    void finWithTheRequest()
    {
        // A client that half-closes right after its request (printf ... | nc -N): the FIN can
        // arrive in the same readable edge as the request (here always: one segment). It is
        // answered and the connection then closes at once; it must not linger until the idle
        // timeout.
        for (int i = 0; i < 5; ++i) {
            RawClient c(port());
            QVERIFY(c.sendAndHalfClose(getRequest("/json/valid")));
            const auto end = c.readToEnd(3000);
            QVERIFY2(end.eof, "the connection stayed open after the answer to a FIN");
            QVERIFY(end.bytes.starts_with("HTTP/1.1 200"));
        }
        // A request still being worked on when the FIN comes is abandoned, as nginx does.
        for (int i = 0; i < 5; ++i) {
            RawClient c(port());
            QVERIFY(c.sendAndHalfClose(getRequest("/delay/2s")));
            const auto end = c.readToEnd(1500);
            QVERIFY2(end.eof, "the FIN did not end the exchange");
            QVERIFY(end.bytes.empty());
        }
    }

    void faultClose()
    {
        RawClient c(port());
        QVERIFY(c.send(getRequest("/json/valid", "X-Fault: close\r\n")));
        const auto end = c.readToEnd(3000);
        QVERIFY(end.eof);
        QVERIFY(end.bytes.empty());
    }
    void faultReset()
    {
        RawClient c(port());
        QVERIFY(c.send(getRequest("/json/valid", "X-Fault: reset\r\n")));
        const auto end = c.readToEnd(3000);
        QVERIFY(!end.timedOut);
        QVERIFY(end.reset);
        QVERIFY(end.bytes.starts_with("HTTP/1.1 200 OK\r\n"));
        const auto bodyAt = end.bytes.find("\r\n\r\n") + 4;
        const auto declared =
            std::stoull(end.bytes.substr(end.bytes.find("Content-Length: ") + 16));
        QVERIFY(end.bytes.size() > bodyAt);            // part of the body came
        QVERIFY(end.bytes.size() - bodyAt < declared); // but not all of it
    }
    void faultGarbage()
    {
        RawClient c(port());
        QVERIFY(c.send(getRequest("/json/valid", "X-Fault: garbage\r\n")));
        const auto end = c.readToEnd(3000);
        QVERIFY(end.eof);
        QVERIFY(end.bytes.starts_with("HTTP/1.1 2x0 GARBAGE\r\n"));
    }
    void faultHang()
    {
        RawClient c(port());
        QVERIFY(c.send(getRequest("/json/valid", "X-Fault: hang\r\n")));
        const auto end = c.readToEnd(500);
        QVERIFY(end.timedOut);
        QVERIFY(end.bytes.empty());
        QCOMPARE(fetch(port(), getRequest("/json/valid", "X-Fault: explode\r\n"))->status, 400);
    }

    void headerTimeout408()
    {
        // A client trickling its head must get 408 after the header timeout (400 ms here), even
        // though every byte arrives well within it.
        RawClient c(port());
        const std::string head =
            getRequest("/json/valid", "X-Padding: " + std::string(100, 'p') + "\r\n");
        QElapsedTimer t;
        t.start();
        std::size_t sent = 0;
        while (sent < head.size() - 2 && t.elapsed() < 3000) {
            if (!c.send(head.substr(sent, 1)))
                break;
            ++sent;
            QTest::qWait(20);
        }
        const auto r = c.read(3000);
        QVERIFY(r);
        QCOMPARE(r->status, 408);
        QVERIFY2(t.elapsed() >= 400 && t.elapsed() < 3000,
                 qPrintable(QString::number(t.elapsed())));
        QVERIFY(sent < head.size() - 2); // it was cut off before finishing
        QCOMPARE(r->header("connection"), std::string("close"));
    }
    void rejectsSmugglingOnTheWire()
    {
        RawClient c(port());
        QVERIFY(c.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" +
                       getRequest("/health")));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 400);
        QCOMPARE(r->header("connection"), std::string("close"));
        const auto end = c.readToEnd(3000);
        QVERIFY(end.eof);
        QVERIFY(end.bytes.empty()); // the smuggled /health was never answered
        QCOMPARE(
            fetch(port(), "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
                ->status,
            501);
        QCOMPARE(fetch(port(), "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n")
                     ->status,
                 414);
        QCOMPARE(
            fetch(port(), "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(17000, 'b') + "\r\n\r\n")
                ->status,
            431);
        QCOMPARE(
            fetch(port(), "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999\r\n\r\n")
                ->status,
            413);
    }

    void commandLineErrors()
    {
        const QString binary = binaryPath("gatebench-upstream");
        QProcess p;
        p.start(binary, {"--bogus"});
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 2);
        const QString err = QString(p.readAllStandardError()).trimmed();
        QVERIFY2(err == "gatebench-upstream: flag provided but not defined: --bogus",
                 qPrintable(err));
        QVERIFY(!err.contains('\n'));
        p.start(binary, {"--addr", "no-port"});
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 2);
        // The port the shared instance holds is in use.
        p.start(binary, {"--addr", "127.0.0.1:" + QString::number(port())});
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(QString(p.readAllStandardError()).contains("in use"));
    }

    void sigtermDrains()
    {
        ChildServer up;
        QVERIFY(gb::test::startUpstream(up));
        RawClient inFlight(up.port());
        // /health is answered in the same dispatch pass as the delayed request behind it, so
        // once its answer is here the delayed request is in flight.
        QVERIFY(inFlight.send(getRequest("/health") + getRequest("/delay/800ms")));
        const auto first = inFlight.read();
        QVERIFY(first);
        QCOMPARE(first->status, 200);
        RawClient idle(up.port());
        QVERIFY(idle.send(getRequest("/health")));
        QVERIFY(idle.read());
        QElapsedTimer t;
        t.start();
        ::kill(pid_t(up.process().processId()), SIGTERM);
        // New connections are refused at once.
        bool refused = false;
        while (!refused && t.elapsed() < 2000) {
            RawClient probe(up.port());
            refused = !probe.connected();
            if (!refused)
                QTest::qWait(10);
        }
        QVERIFY(refused);
        QVERIFY2(t.elapsed() < 1500, qPrintable(QString::number(t.elapsed())));
        // The idle keep-alive connection is closed; the in-flight request completes.
        QVERIFY(idle.readToEnd(2000).eof);
        const auto delayed = inFlight.read(3000);
        QVERIFY(delayed);
        QCOMPARE(delayed->status, 200);
        QCOMPARE(delayed->header("connection"), std::string("close"));
        QVERIFY(up.process().waitForFinished(5000));
        QCOMPARE(up.process().exitStatus(), QProcess::NormalExit);
        QCOMPARE(up.process().exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestUpstreamConnections)
#include "tst_upstream_connections.moc"
