// The smuggling and limits cases through gatebench-gateway, on raw sockets, with a count of what
// reached the upstream: every refused request must get its status and a closed connection, and
// not one byte may reach the upstream. Bodies that turn out bad or too large only while they
// stream must never reach the upstream as a complete request.

#include "support/gateway_harness.h"

#include <QElapsedTimer>
#include <QTest>

#include <memory>
#include <string>

using namespace gb::test;

// No raw string literals in this file: moc 6.4 loses the class after one containing braces.

namespace {

const std::string kPost = "POST /in HTTP/1.1\r\nHost: a\r\n";

std::string manyHeaders(int n)
{
    std::string s;
    for (int i = 0; i < n; ++i)
        s += "X-H" + std::to_string(i) + ": v\r\n";
    return s;
}

} // namespace

class TestHardening : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<RecordingUpstream> m_rec;
    ChildServer m_gateway;

private slots:
    void initTestCase()
    {
        m_rec = std::make_unique<RecordingUpstream>();
        QVERIFY(m_gateway.start(binaryPath("gatebench-gateway"),
                                {"--listen", "127.0.0.1:0", "--threads", "2", "--target",
                                 "http://127.0.0.1:" + QString::number(m_rec->port()),
                                 "--listen-path", "/"}));
        // The counter works: a valid request does get through.
        const auto r = fetch(m_gateway.port(), getRequest("/ok"));
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QVERIFY(m_rec->waitForRequests(1));
    }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        auto row = [](const char* name, const std::string& bytes, int status) {
            QTest::newRow(name) << QByteArray::fromStdString(bytes) << status;
        };
        row("TE and CL", kPost + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400);
        row("CL and TE", kPost + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
            400);
        row("differing CL", kPost + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400);
        row("list-valued CL", kPost + "Content-Length: 5, 5\r\n\r\nhello", 400);
        row("signed CL", kPost + "Content-Length: +5\r\n\r\nhello", 400);
        row("negative CL", kPost + "Content-Length: -1\r\n\r\n", 400);
        row("TE gzip only", kPost + "Transfer-Encoding: gzip\r\n\r\n", 400);
        row("TE chunked then gzip", kPost + "Transfer-Encoding: chunked, gzip\r\n\r\n", 400);
        row("TE unknown coding", kPost + "Transfer-Encoding: xchunked\r\n\r\n", 501);
        row("TE twice",
            kPost + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "0\r\n\r\n",
            400);
        row("TE on HTTP/1.0",
            "POST /in HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
        row("space before colon", kPost + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400);
        row("obs-fold", "GET /in HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  folded\r\n\r\n", 400);
        row("missing Host", "GET /in HTTP/1.1\r\nX-A: 1\r\n\r\n", 400);
        row("duplicate Host", "GET /in HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
        row("bare LF", "GET /in HTTP/1.1\nHost: a\n\n", 400);
        static const char kNul[] = "GET /in HTTP/1.1\r\nHost: a\r\nX-A: 1\0 2\r\n\r\n";
        row("NUL in a value", std::string(kNul, sizeof kNul - 1), 400);
        row("HTTP/2.0", "GET /in HTTP/2.0\r\nHost: a\r\n\r\n", 505);
        row("request line too long",
            "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n", 414);
        row("headers too large",
            "GET /in HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(20000, 'b') + "\r\n\r\n", 431);
        row("too many headers", "GET /in HTTP/1.1\r\nHost: a\r\n" + manyHeaders(150) + "\r\n", 431);
        row("body over the limit", kPost + "Content-Length: 17000000\r\n\r\nstart", 413);
        row("bad Expect", kPost + "Expect: 200-ok\r\nContent-Length: 1\r\n\r\nx", 417);
    }
    void refused()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        const auto bytesBefore = m_rec->bytes();
        const auto connectionsBefore = m_rec->connections();
        RawClient c(m_gateway.port());
        QVERIFY(c.connected());
        QVERIFY(c.send(request.toStdString()));
        const auto r = c.read(5000);
        QVERIFY2(r, "no response");
        QCOMPARE(r->status, status);
        QCOMPARE(r->header("connection"), std::string("close"));
        const auto end = c.readToEnd(3000);
        QVERIFY(end.eof || end.reset);
        // Give a request that did get through time to arrive before counting.
        QTest::qWait(50);
        QCOMPARE(m_rec->bytes(), bytesBefore);
        QCOMPARE(m_rec->connections(), connectionsBefore);
    }

    void pipelinedSmuggleAttempt()
    {
        // A request hidden in the body of one whose framing is ambiguous must not be answered.
        const auto before = m_rec->bytes();
        RawClient c(m_gateway.port());
        QVERIFY(c.send(kPost + "Content-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" +
                       getRequest("/smuggled")));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 400);
        QVERIFY(!c.read(500)); // nothing more: the connection is closed
        QTest::qWait(50);
        QCOMPARE(m_rec->bytes(), before);
    }

    void badBodiesNeverArriveWhole_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::newRow("bad chunk size")
            << QByteArray::fromStdString(kPost + "Transfer-Encoding: chunked\r\n\r\n"
                                                 "5\r\nhello\r\nzz\r\nxx\r\n0\r\n\r\n")
            << 400;
        QTest::newRow("chunk data overrun")
            << QByteArray::fromStdString(kPost + "Transfer-Encoding: chunked\r\n\r\n"
                                                 "2\r\nhello\r\n0\r\n\r\n")
            << 400;
    }
    void badBodiesNeverArriveWhole()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        const auto before = m_rec->requests().size();
        RawClient c(m_gateway.port());
        QVERIFY(c.send(request.toStdString()));
        const auto end = c.readToEnd(5000);
        QVERIFY(!end.timedOut);
        // Either the core answered the status (the upstream had not answered yet), or the
        // connection was simply cut; never a 2xx.
        if (!end.bytes.empty())
            QVERIFY2(end.bytes.starts_with("HTTP/1.1 " + std::to_string(status)),
                     end.bytes.c_str());
        QTest::qWait(50);
        QCOMPARE(m_rec->requests().size(), before);
    }

    void chunkedBodyOverTheLimit()
    {
        // Only counted while it streams: the upstream sees a request start, never its end.
        const auto before = m_rec->requests().size();
        RawClient c(m_gateway.port());
        QVERIFY(c.send(kPost + "Transfer-Encoding: chunked\r\n\r\n"));
        const std::string chunk = "100000\r\n" + std::string(0x100000, 'x') + "\r\n";
        bool sent = true;
        for (int i = 0; i < 18 && sent; ++i)
            sent = c.send(chunk);
        const auto end = c.readToEnd(10000);
        QVERIFY(!end.timedOut);
        if (!end.bytes.empty())
            QVERIFY2(end.bytes.starts_with("HTTP/1.1 413"), end.bytes.substr(0, 40).c_str());
        // Let what was on its way to the upstream arrive before counting (and before the next
        // test counts bytes).
        std::uint64_t last = 0;
        for (int i = 0; i < 50 && m_rec->bytes() != last; ++i) {
            last = m_rec->bytes();
            QTest::qWait(100);
        }
        QCOMPARE(m_rec->requests().size(), before);
    }

    void trickledHeadIs408()
    {
        // The core's header timeout (10 s by default): the head must be complete in time, however
        // it trickles.
        const auto connectionsBefore = m_rec->connections();
        const auto requestsBefore = m_rec->requests().size();
        RawClient c(m_gateway.port());
        QVERIFY(c.send("GET /in HTTP/1.1\r\n"));
        QElapsedTimer t;
        t.start();
        std::optional<HttpResponse> r;
        while (!r && t.elapsed() < 14000) {
            c.send("X-Slow: 1\r\n");
            r = c.read(1000);
        }
        QVERIFY(r);
        QCOMPARE(r->status, 408);
        QVERIFY(t.elapsed() < 13000);
        QCOMPARE(m_rec->connections(), connectionsBefore);
        QCOMPARE(m_rec->requests().size(), requestsBefore);
    }

    void cleanupTestCase() { QCOMPARE(m_gateway.terminate(), 0); }
};

QTEST_GUILESS_MAIN(TestHardening)
#include "tst_hardening.moc"
