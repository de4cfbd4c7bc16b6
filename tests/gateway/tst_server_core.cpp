// The server core's handler API as the proxy will use it, in process: streamed responses (chunked
// and Content-Length, with onWritable backpressure), request bodies read piece by piece (larger
// than the connection buffer), deferred answers through ExchangeRef, onAbort when the client
// leaves, short bodies closing the connection, HEAD and HTTP/1.0 framing, counters, and stop().

#include "gateway/server/server.h"
#include "support/gateway_harness.h"

#include <QTest>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <optional>
#include <string>

using namespace gb::gateway;
using gb::test::getRequest;
using gb::test::RawClient;

namespace {

std::atomic<int> g_aborts{0};

/// Streams `total` bytes in 64 KiB copies, waiting for onWritable whenever writeBody says so.
class BigWriter final : public ExchangeListener
{
public:
    explicit BigWriter(std::size_t total)
        : m_left(total)
    {}
    void start(Exchange& ex, bool chunked)
    {
        ex.setListener(this);
        ex.writeHead(200, {}, chunked ? std::nullopt : std::optional<std::uint64_t>(m_left));
        onWritable(ex);
    }
    void onWritable(Exchange& ex) override
    {
        static const std::string block(65536, 'x');
        while (m_left > 0) {
            const std::size_t n = std::min(m_left, block.size());
            m_left -= n;
            if (!ex.writeBody(std::string_view(block).substr(0, n)) && m_left > 0)
                return;
        }
        ex.finish();
        delete this;
    }
    void onAbort() override { delete this; }

private:
    std::size_t m_left;
};

/// Reads the whole request body piece by piece; answers with its length and a checksum.
class Upload final : public ExchangeListener
{
public:
    void start(Exchange& ex)
    {
        ex.setListener(this);
        ex.readBody();
    }
    void onBody(Exchange& ex, std::string_view data, bool last) override
    {
        m_bytes += data.size();
        ++m_pieces;
        for (unsigned char c : data)
            m_sum = m_sum * 31 + c;
        if (!last) {
            ex.readBody();
            return;
        }
        const std::string body =
            std::to_string(m_bytes) + " " + std::to_string(m_sum) + " " + std::to_string(m_pieces);
        ex.respond(200, {}, body);
        delete this;
    }
    void onAbort() override { delete this; }

private:
    std::uint64_t m_bytes = 0;
    std::uint64_t m_sum = 0;
    int m_pieces = 0;
};

/// Never answers; counts its abort.
class Waiter final : public ExchangeListener
{
public:
    void onAbort() override
    {
        ++g_aborts;
        delete this;
    }
};

class TestHandler final : public Handler
{
public:
    explicit TestHandler(WorkerContext& w)
        : m_worker(w)
    {}
    void onRequest(Exchange& ex) override
    {
        const std::string_view path = ex.request().path;
        if (path == "/chunked") {
            ex.writeHead(200, {}, std::nullopt);
            ex.writeBody("hello ");
            ex.writeBody("chunked ");
            ex.writeBody("world");
            ex.finish();
        } else if (path == "/big") {
            (new BigWriter(3 * 1024 * 1024 + 7))->start(ex, false);
        } else if (path == "/big-chunked") {
            (new BigWriter(2 * 1024 * 1024 + 3))->start(ex, true);
        } else if (path == "/upload") {
            (new Upload)->start(ex);
        } else if (path == "/later") {
            // Answer from another turn of the event loop, through a handle.
            ExchangeRef ref(ex);
            boost::asio::post(m_worker.ioContext, [ref] {
                if (Exchange* e = ref.get())
                    e->respond(202, {}, "later");
            });
        } else if (path == "/timer") {
            auto timer = std::make_shared<boost::asio::steady_timer>(m_worker.ioContext);
            timer->expires_after(std::chrono::milliseconds(100));
            timer->async_wait([timer, ref = ExchangeRef(ex)](const boost::system::error_code&) {
                if (Exchange* e = ref.get())
                    e->respond(200, {}, "timer");
            });
        } else if (path == "/wait") {
            ex.setListener(new Waiter);
        } else if (path == "/aborts") {
            const std::string n = std::to_string(g_aborts.load());
            ex.respond(200, {}, n);
        } else if (path == "/short") {
            ex.writeHead(200, {}, 10);
            ex.writeBody("12345");
            ex.finish();
        } else if (path == "/stale") {
            // A ref kept past the end of its exchange must not answer the next request.
            m_stale = ExchangeRef(ex);
            ex.respond(200, {}, "first");
        } else if (path == "/after-stale") {
            const bool expired = !m_stale;
            ex.respond(200, {}, expired ? "expired" : "alive");
        } else {
            ex.respond(404, {}, "none");
        }
    }

private:
    WorkerContext& m_worker;
    ExchangeRef m_stale;
};

std::uint64_t checksum(const std::string& s)
{
    std::uint64_t sum = 0;
    for (unsigned char c : s)
        sum = sum * 31 + c;
    return sum;
}

} // namespace

class TestServerCore : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<Server> m_server;
    quint16 port() const { return m_server->port(); }

private slots:
    void initTestCase()
    {
        ServerConfig c;
        c.host = "127.0.0.1";
        c.threads = 2;
        c.logErrors = false;
        m_server = std::make_unique<Server>(
            c, [](WorkerContext& w) { return std::make_unique<TestHandler>(w); });
        m_server->start();
        QVERIFY(port() != 0);
        QCOMPARE(m_server->threadCount(), 2);
        QVERIFY(QString::fromStdString(m_server->localAddress()).startsWith("127.0.0.1:"));
    }
    void cleanupTestCase()
    {
        m_server->stop();
        m_server->wait();
    }

    void chunkedResponse()
    {
        RawClient c(port());
        QVERIFY(c.send(getRequest("/chunked")));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->headers.at("transfer-encoding"), std::string("chunked"));
        QCOMPARE(r->body, std::string("hello chunked world"));
        QVERIFY(c.send(getRequest("/chunked"))); // the connection stays usable
        QCOMPARE(c.read()->body, std::string("hello chunked world"));
    }
    void chunkedHeadAndHttp10()
    {
        RawClient head(port());
        QVERIFY(head.send("HEAD /chunked HTTP/1.1\r\nHost: t\r\n\r\n" + getRequest("/later")));
        const auto h = head.read(5000, true);
        QVERIFY(h);
        const auto next = head.read(); // nothing of the body came between
        QVERIFY(next);
        QCOMPARE(next->status, 202);
        RawClient old(port()); // HTTP/1.0 cannot read chunked: close-delimited
        QVERIFY(old.send("GET /chunked HTTP/1.0\r\n\r\n"));
        const auto o = old.read();
        QVERIFY(o);
        QVERIFY(o->headers.count("transfer-encoding") == 0);
        QCOMPARE(o->body, std::string("hello chunked world"));
        QVERIFY(old.readToEnd(1000).eof); // the body ended with the connection
    }
    void bigStreamsWithBackpressure()
    {
        RawClient c(port());
        QVERIFY(c.send(getRequest("/big") + getRequest("/big-chunked")));
        const auto a = c.read(10000);
        QVERIFY(a);
        QCOMPARE(a->body.size(), std::size_t(3 * 1024 * 1024 + 7));
        const auto b = c.read(10000);
        QVERIFY(b);
        QCOMPARE(b->body.size(), std::size_t(2 * 1024 * 1024 + 3));
    }
    void uploadStreams_data()
    {
        QTest::addColumn<bool>("chunked");
        QTest::newRow("content-length") << false;
        QTest::newRow("chunked") << true;
    }
    void uploadStreams()
    {
        QFETCH(bool, chunked);
        std::string body(1024 * 1024 + 17, '\0');
        for (std::size_t i = 0; i < body.size(); ++i)
            body[i] = char('a' + (i * 7) % 26);
        std::string req = "POST /upload HTTP/1.1\r\nHost: t\r\n";
        if (chunked) {
            req += "Transfer-Encoding: chunked\r\n\r\n";
            for (std::size_t off = 0; off < body.size(); off += 10000) {
                const std::string part = body.substr(off, 10000);
                char hex[16];
                std::snprintf(hex, sizeof hex, "%zx", part.size());
                req += std::string(hex) + "\r\n" + part + "\r\n";
            }
            req += "0\r\n\r\n";
        } else {
            req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        }
        RawClient c(port());
        QVERIFY(c.send(req + getRequest("/chunked")));
        const auto r = c.read(10000);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const auto fields = QString::fromStdString(r->body).split(' ');
        QCOMPARE(fields.size(), 3);
        QCOMPARE(fields[0].toULongLong(), qulonglong(body.size()));
        QCOMPARE(fields[1].toULongLong(), qulonglong(checksum(body)));
        QVERIFY(fields[2].toInt() > 1); // it did stream through, in pieces
        QCOMPARE(c.read()->body, std::string("hello chunked world")); // pipelined after it
    }
    void deferredAnswers()
    {
        RawClient c(port());
        QVERIFY(c.send(getRequest("/timer") + getRequest("/later") + getRequest("/chunked")));
        QCOMPARE(c.read()->body, std::string("timer"));
        QCOMPARE(c.read()->status, 202);
        QCOMPARE(c.read()->body, std::string("hello chunked world"));
        QVERIFY(c.send(getRequest("/stale") + getRequest("/after-stale")));
        QCOMPARE(c.read()->body, std::string("first"));
        QCOMPARE(c.read()->body, std::string("expired"));
    }
    void abortWhenClientLeaves()
    {
        const int before = g_aborts.load();
        {
            RawClient c(port());
            QVERIFY(c.send(getRequest("/wait")));
            QTest::qWait(50);
            c.close();
        }
        QTRY_VERIFY_WITH_TIMEOUT(g_aborts.load() == before + 1, 3000);
    }
    void shortBodyCloses()
    {
        RawClient c(port());
        QVERIFY(c.send(getRequest("/short")));
        const auto end = c.readToEnd(3000);
        QVERIFY(end.bytes.ends_with("\r\n\r\n12345"));
        QVERIFY(end.eof); // never reused after a cut body
    }
    void countsRequests()
    {
        const auto before = m_server->stats().snapshot();
        RawClient c(port());
        QVERIFY(c.send(getRequest("/nothing-here")));
        QCOMPARE(c.read()->status, 404);
        QVERIFY(c.send("GET / HTTP/1.1\r\n\r\n")); // no Host
        QCOMPARE(c.read()->status, 400);
        const auto after = m_server->stats().snapshot();
        QCOMPARE(after.responsesByStatus[404], before.responsesByStatus[404] + 1);
        QCOMPARE(after.responsesByStatus[400], before.responsesByStatus[400] + 1);
        QVERIFY(after.requests >= before.requests + 1);
        QCOMPARE(after.parseErrors[std::size_t(gb::http::ParseError::MissingHost)],
                 before.parseErrors[std::size_t(gb::http::ParseError::MissingHost)] + 1);
        QVERIFY(after.openConnections >= 1);
    }
};

QTEST_GUILESS_MAIN(TestServerCore)
#include "tst_server_core.moc"
