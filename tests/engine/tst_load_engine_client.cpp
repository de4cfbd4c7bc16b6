// The load engine's HTTP client against scripted servers: framing, errors, TLS, timeouts.

#include "engine/load_engine.h"
#include "engine/url.h"
#include "support/engine_run.h"
#include "support/test_server.h"
#include "support/tls_test_server.h"

#include <QTest>

#include <chrono>
#include <string>
#include <vector>

using namespace gb::engine;
using gb::test::configFor;
using gb::test::errorsOf;
using gb::test::Outcome;
using gb::test::runEngine;
using gb::test::TestServer;
using namespace std::chrono_literals;

class TestLoadEngineClient : public QObject
{
    Q_OBJECT
private slots:
    void keepAliveReusesConnections_data()
    {
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("connections");
        QTest::addColumn<int>("requests");
        QTest::newRow("1 thread, 1 connection") << 1 << 1 << 100;
        QTest::newRow("1 thread, 4 connections") << 1 << 4 << 400;
        QTest::newRow("2 threads, 4 connections") << 2 << 4 << 1000;
        QTest::newRow("2 threads, uneven split") << 2 << 3 << 301;
    }
    void keepAliveReusesConnections()
    {
        QFETCH(int, threads);
        QFETCH(int, connections);
        QFETCH(int, requests);
        TestServer server;
        const Outcome o =
            runEngine(configFor(server, "/ok", connections, std::uint64_t(requests), threads), 10s);
        const IntervalStats& t = o.result.totals;
        VERIFY_OUTCOME(!o.watchdogFired && t.errorTotal() == 0, o);
        QCOMPARE(t.completed, std::uint64_t(requests));
        QCOMPARE(t.sent, std::uint64_t(requests));
        QCOMPARE(t.statusCodes[200], std::uint64_t(requests));
        QCOMPARE(t.bytesRead, std::uint64_t(requests) * 5);
        QCOMPARE(t.latency.count(), std::uint64_t(requests));
        QCOMPARE(t.wait.count, std::uint64_t(requests));
        QCOMPARE(o.result.unfinished, 0u);
        QVERIFY(!o.result.interrupted);
        QCOMPARE(server.requests(), std::uint64_t(requests));
        QCOMPARE(server.connections(), std::uint64_t(connections));
        QCOMPARE(server.closeRequests(), 0u);
        // Each connection's first request pays the dial; a reused one adds nothing to it.
        QVERIFY(t.dial.maxNs > 0);
        QCOMPARE(t.dial.minNs, 0);
    }

    void disableKeepAliveOpensOnePerRequest()
    {
        TestServer server;
        LoadConfig c = configFor(server, "/ok/20", 3, 60, 2);
        c.request.keepAlive = false;
        const Outcome o = runEngine(c, 10s);
        VERIFY_OUTCOME(o.result.totals.completed == 60 && o.result.totals.errorTotal() == 0, o);
        QCOMPARE(o.result.totals.bytesRead, 60u * 20);
        QCOMPARE(server.connections(), 60u);
        QCOMPARE(server.closeRequests(), 60u);
        QVERIFY(server.lastRequestHead().find("\r\nConnection: close") != std::string::npos);
    }

    void bodiesCountedExactly_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("bodyBytes");
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("newConnectionEach"); // the response cannot be followed by another
        QTest::newRow("content-length") << "/ok/1" << 1 << 200 << false;
        QTest::newRow("content-length, many reads") << "/ok/200000" << 200000 << 200 << false;
        QTest::newRow("chunked") << "/chunked/5000" << 5000 << 200 << false;
        QTest::newRow("chunked, one byte") << "/chunked/1" << 1 << 200 << false;
        QTest::newRow("chunked, many reads") << "/chunked/100000" << 100000 << 200 << false;
        QTest::newRow("close-delimited") << "/eof/3000" << 3000 << 200 << true;
        QTest::newRow("close-delimited, empty") << "/eof/0" << 0 << 200 << true;
        QTest::newRow("close-delimited, many reads") << "/eof/100000" << 100000 << 200 << true;
        QTest::newRow("Connection: close") << "/close/700" << 700 << 200 << true;
        QTest::newRow("100 Continue first") << "/continue" << 5 << 200 << false;
        QTest::newRow("head line split between reads") << "/split/20" << 5 << 200 << false;
        QTest::newRow("204") << "/status/204" << 0 << 204 << false;
        QTest::newRow("503 is a response, not an error") << "/status/503" << 0 << 503 << false;
        QTest::newRow("404") << "/nothing-here" << 0 << 404 << false;
    }
    void bodiesCountedExactly()
    {
        QFETCH(QString, path);
        QFETCH(int, bodyBytes);
        QFETCH(int, status);
        QFETCH(bool, newConnectionEach);
        TestServer server;
        constexpr int kRequests = 40, kConnections = 4;
        const Outcome o =
            runEngine(configFor(server, path.toStdString(), kConnections, kRequests, 2), 10s);
        const IntervalStats& t = o.result.totals;
        VERIFY_OUTCOME(t.completed == kRequests && t.errorTotal() == 0, o);
        QCOMPARE(t.bytesRead, std::uint64_t(kRequests) * std::uint64_t(bodyBytes));
        QCOMPARE(t.statusCodes[std::size_t(status)], std::uint64_t(kRequests));
        QCOMPARE(server.requests(), std::uint64_t(kRequests));
        QCOMPARE(server.connections(), std::uint64_t(newConnectionEach ? kRequests : kConnections));
    }

    void headHasNoBody_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("content-length") << "/ok/1234";
        QTest::newRow("chunked") << "/chunked/1234";
    }
    void headHasNoBody()
    {
        QFETCH(QString, path);
        TestServer server;
        LoadConfig c = configFor(server, path.toStdString(), 2, 30);
        c.request.method = "HEAD";
        const Outcome o = runEngine(c, 10s);
        VERIFY_OUTCOME(o.result.totals.completed == 30 && o.result.totals.errorTotal() == 0, o);
        QCOMPARE(o.result.totals.bytesRead, 0u);
        // Had the client waited for the announced body, every request would have timed out;
        // had it read the next response as a body, the connections would not have been reused.
        QCOMPARE(server.connections(), 2u);
        QVERIFY(server.lastRequestHead().rfind("HEAD ", 0) == 0);
    }

    void timeoutReplacesConnection()
    {
        TestServer server;
        LoadConfig c = configFor(server, "/hang", 1, 2);
        c.timeout = 300ms;
        const Outcome o = runEngine(c, 10s);
        VERIFY_OUTCOME(
            errorsOf(o.result, ErrorClass::Timeout) == 2 && o.result.totals.errorTotal() == 2, o);
        QCOMPARE(o.result.totals.completed, 0u);
        QCOMPARE(o.result.unfinished, 0u);
        QCOMPARE(server.connections(), 2u); // the timed-out connection was closed and replaced
        QCOMPARE(server.requests(), 2u);
        const auto requests = server.requestTimes();
        const auto accepts = server.acceptTimes();
        QCOMPARE(accepts.size(), std::size_t{2});
        // The replacement dials once the sweep notices: not before the timeout (counted from the
        // send, which lies between the first accept and the server reading the request), and
        // within one sweep period (timeout/10) more, plus scheduling slack on a shared machine.
        const double notBefore = std::chrono::duration<double>(accepts[1] - accepts[0]).count();
        const double notAfter = std::chrono::duration<double>(accepts[1] - requests[0]).count();
        QVERIFY2(notBefore >= 0.3, QByteArray::number(notBefore));
        QVERIFY2(notAfter < 0.3 + 0.03 + 0.25, QByteArray::number(notAfter));
        VERIFY_OUTCOME(o.wallS > 0.6 && o.wallS < 2.0, o);
    }

    void timeoutWhileOthersAnswer()
    {
        // A slow answer beyond -t is a timeout; a fast one on the same server is not.
        TestServer server;
        LoadConfig c = configFor(server, "/slow/400", 2, 4);
        c.timeout = 150ms;
        const Outcome o = runEngine(c, 10s);
        VERIFY_OUTCOME(
            errorsOf(o.result, ErrorClass::Timeout) == 4 && o.result.totals.completed == 0, o);
        QCOMPARE(server.connections(), 4u);

        LoadConfig fast = configFor(server, "/slow/20", 2, 4);
        fast.timeout = 150ms;
        const Outcome f = runEngine(fast, 10s);
        VERIFY_OUTCOME(f.result.totals.completed == 4 && f.result.totals.errorTotal() == 0, f);
    }

    void resetMidResponse()
    {
        TestServer server;
        const Outcome o = runEngine(configFor(server, "/reset", 2, 20, 2), 10s);
        const std::uint64_t readOrClosed =
            errorsOf(o.result, ErrorClass::Read) + errorsOf(o.result, ErrorClass::Closed);
        VERIFY_OUTCOME(readOrClosed == 20 && o.result.totals.errorTotal() == 20, o);
        QCOMPARE(o.result.totals.completed, 0u);
        QCOMPARE(server.connections(), 20u);
        QCOMPARE(o.result.totals.bytesRead, 0u); // a partial body is not a response
    }

    void keepAliveClosedByServerIsClosedError()
    {
        // The server closes each connection after one response without saying so: the request
        // sent next on it meets EOF before any byte. wrk counts that as "closed"; so do we.
        TestServer server;
        const Outcome o = runEngine(configFor(server, "/drop/5", 1, 10), 10s);
        const IntervalStats& t = o.result.totals;
        const std::uint64_t closed = errorsOf(o.result, ErrorClass::Closed);
        VERIFY_OUTCOME(t.completed + closed == 10 && t.errorTotal() == closed, o);
        VERIFY_OUTCOME(closed >= 4 && t.completed >= 5, o);
        QCOMPARE(t.bytesRead, t.completed * 5);
        QCOMPARE(server.connections(), t.completed); // each response cost one connection
    }

    void largeRequestBodyIsWrittenWhole()
    {
        // Bigger than a socket buffer, so the write completes asynchronously.
        TestServer server;
        LoadConfig c = configFor(server, "/ok", 2, 6, 2);
        c.request.method = "POST";
        c.request.body.assign(8 << 20, 'b');
        const Outcome o = runEngine(c, 20s);
        VERIFY_OUTCOME(o.result.totals.completed == 6 && o.result.totals.errorTotal() == 0, o);
        QCOMPARE(server.requests(), 6u);
        QCOMPARE(server.connections(),
                 2u); // the body was framed exactly: the connections were reused
        QVERIFY(o.result.totals.write.maxNs > 0);
    }

    void https_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("bodyBytes");
        QTest::addColumn<bool>("newConnectionEach");
        QTest::newRow("keep-alive") << "/ok/100" << 100 << false;
        QTest::newRow("close-delimited, close_notify") << "/eof/300" << 300 << true;
        // Many servers just close: OpenSSL calls that a truncation, the body still ends there.
        QTest::newRow("close-delimited, no close_notify") << "/cut/300" << 300 << true;
    }
    void https()
    {
        QFETCH(QString, path);
        QFETCH(int, bodyBytes);
        QFETCH(bool, newConnectionEach);
        gb::test::TlsTestServer server;
        LoadConfig c;
        c.request.url = std::get<Url>(parseUrl(server.url(path.toStdString())));
        c.connections = 2;
        c.threads = 1;
        c.requests = 20;
        const Outcome o = runEngine(c, 10s);
        VERIFY_OUTCOME(o.result.totals.completed == 20 && o.result.totals.errorTotal() == 0, o);
        QCOMPARE(o.result.totals.bytesRead, 20u * std::uint64_t(bodyBytes));
        QCOMPARE(server.requests(), 20u);
        QCOMPARE(server.handshakes(), newConnectionEach ? 20u : 2u);
        QVERIFY(o.result.totals.dial.maxNs > 0); // the handshake is part of the dial
    }

    void garbageIsParseError()
    {
        TestServer server;
        const Outcome o = runEngine(configFor(server, "/garbage", 2, 10), 10s);
        VERIFY_OUTCOME(
            errorsOf(o.result, ErrorClass::Parse) == 10 && o.result.totals.errorTotal() == 10, o);
        QCOMPARE(o.result.totals.completed, 0u);
        QVERIFY(o.result.totals.errorSamples[std::size_t(ErrorClass::Parse)].find("status line") !=
                std::string::npos);
        QCOMPARE(server.connections(), 10u);
    }

    void refusedCountsConnectErrorsAndEnds_data()
    {
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("connections");
        QTest::addColumn<int>("requests");
        QTest::newRow("1 connection") << 1 << 1 << 10;
        QTest::newRow("2 threads, 4 connections") << 2 << 4 << 50;
    }
    void refusedCountsConnectErrorsAndEnds()
    {
        QFETCH(int, threads);
        QFETCH(int, connections);
        QFETCH(int, requests);
        LoadConfig c;
        c.request.url = std::get<Url>(
            parseUrl("http://127.0.0.1:" + std::to_string(TestServer::refusedPort()) + "/"));
        c.connections = connections;
        c.threads = threads;
        c.requests = std::uint64_t(requests);
        const Outcome o = runEngine(c, 10s);
        VERIFY_OUTCOME(!o.watchdogFired, o);
        VERIFY_OUTCOME(errorsOf(o.result, ErrorClass::Connect) == std::uint64_t(requests), o);
        QCOMPARE(o.result.totals.errorTotal(), std::uint64_t(requests));
        QCOMPARE(o.result.totals.completed, 0u);
        QVERIFY(o.result.fatalError.empty());
    }

    void slowServerAnswersConcurrently()
    {
        TestServer server;
        const Outcome o = runEngine(configFor(server, "/slow/200", 4, 8, 2), 10s);
        VERIFY_OUTCOME(o.result.totals.completed == 8 && o.result.totals.errorTotal() == 0, o);
        const Histogram& h = o.result.totals.latency;
        QVERIFY2(h.min() >= 200'000'000, QByteArray::number(qlonglong(h.min())));
        QVERIFY2(h.max() < 450'000'000, QByteArray::number(qlonglong(h.max())));
        // Two rounds of four concurrent 200 ms answers; in series they would take 1.6 s.
        VERIFY_OUTCOME(o.wallS >= 0.4 && o.wallS < 1.0, o);
        // The wait for the first byte holds the delay; the rest is small.
        QVERIFY(o.result.totals.wait.minNs >= 190'000'000);
    }

    void unresolvableHostIsFatal()
    {
        LoadConfig c;
        c.request.url = std::get<Url>(parseUrl("http://does-not-exist.invalid/"));
        c.requests = 10;
        c.connections = 1;
        const Outcome o = runEngine(c, 10s);
        QVERIFY(!o.result.fatalError.empty());
        QVERIFY(o.result.fatalError.find("does-not-exist.invalid") != std::string::npos);
        QCOMPARE(o.result.totals.completed, 0u);
    }
};

QTEST_GUILESS_MAIN(TestLoadEngineClient)
#include "tst_load_engine_client.moc"
