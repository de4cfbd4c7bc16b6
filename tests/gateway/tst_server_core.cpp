// The server core's handler API as the proxy will use it, in process: streamed responses (chunked
// and Content-Length, with onWritable backpressure), request bodies read piece by piece (larger
// than the connection buffer), deferred answers through ExchangeRef, onAbort when the client
// leaves, short bodies closing the connection, HEAD and HTTP/1.0 framing, counters, and stop().

#include "gateway/server/server.h"

#include <QElapsedTimer>
#include <QTest>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <map>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

using namespace gb::gateway;

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

struct Response
{
    int status = 0;
    std::map<std::string, std::string> headers;
    std::string body;
    bool closed = false;
};

class Client
{
public:
    explicit Client(quint16 port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        m_ok = ::connect(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }
    ~Client() { ::close(m_fd); }
    bool ok() const { return m_ok; }
    bool send(const std::string& s)
    {
        std::size_t off = 0;
        while (off < s.size()) {
            const ssize_t n = ::send(m_fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
            if (n <= 0)
                return false;
            off += std::size_t(n);
        }
        return true;
    }
    void closeNow()
    {
        ::close(m_fd);
        m_fd = -1;
    }
    std::optional<Response> read(bool head = false, int timeoutMs = 10000)
    {
        QElapsedTimer t;
        t.start();
        std::size_t end;
        while ((end = m_buf.find("\r\n\r\n")) == std::string::npos)
            if (!fill(timeoutMs - int(t.elapsed())))
                return std::nullopt;
        Response r;
        const std::string headText = m_buf.substr(0, end + 2);
        m_buf.erase(0, end + 4);
        r.status = std::atoi(headText.c_str() + 9);
        std::size_t pos = headText.find("\r\n") + 2;
        while (pos < headText.size()) {
            const std::size_t e = headText.find("\r\n", pos);
            const std::string line = headText.substr(pos, e - pos);
            const std::size_t colon = line.find(':');
            std::string name = line.substr(0, colon);
            for (char& c : name)
                c = char(std::tolower(static_cast<unsigned char>(c)));
            r.headers[name] = line.substr(colon + 2);
            pos = e + 2;
        }
        if (head)
            return r;
        if (r.headers.count("content-length")) {
            const std::size_t n = std::stoull(r.headers.at("content-length"));
            while (m_buf.size() < n)
                if (!fill(timeoutMs - int(t.elapsed()))) {
                    r.body = m_buf;
                    r.closed = true;
                    return r; // short: the caller checks
                }
            r.body = m_buf.substr(0, n);
            m_buf.erase(0, n);
            return r;
        }
        if (r.headers.count("transfer-encoding") &&
            r.headers.at("transfer-encoding") == "chunked") {
            while (true) {
                std::size_t le;
                while ((le = m_buf.find("\r\n")) == std::string::npos)
                    if (!fill(timeoutMs - int(t.elapsed())))
                        return std::nullopt;
                const std::size_t size = std::stoull(m_buf.substr(0, le), nullptr, 16);
                while (m_buf.size() < le + 2 + size + 2)
                    if (!fill(timeoutMs - int(t.elapsed())))
                        return std::nullopt;
                r.body += m_buf.substr(le + 2, size);
                m_buf.erase(0, le + 2 + size + 2);
                if (size == 0)
                    return r;
            }
        }
        while (fill(timeoutMs - int(t.elapsed()))) {
        }
        r.body = std::move(m_buf);
        r.closed = true;
        m_buf.clear();
        return r;
    }
    bool closedByPeer(int timeoutMs)
    {
        QElapsedTimer t;
        t.start();
        while (fill(timeoutMs - int(t.elapsed()))) {
        }
        return m_eof;
    }

private:
    bool fill(int timeoutMs)
    {
        if (timeoutMs <= 0 || m_fd < 0)
            return false;
        pollfd p{m_fd, POLLIN, 0};
        if (::poll(&p, 1, timeoutMs) <= 0)
            return false;
        char buf[65536];
        const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
        if (n <= 0) {
            m_eof = true;
            return false;
        }
        m_buf.append(buf, std::size_t(n));
        return true;
    }

    int m_fd = -1;
    bool m_ok = false;
    bool m_eof = false;
    std::string m_buf;
};

std::string get(const std::string& path, const std::string& extra = {})
{
    return "GET " + path + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}

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
        Client c(port());
        QVERIFY(c.send(get("/chunked")));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->headers.at("transfer-encoding"), std::string("chunked"));
        QCOMPARE(r->body, std::string("hello chunked world"));
        QVERIFY(c.send(get("/chunked"))); // the connection stays usable
        QCOMPARE(c.read()->body, std::string("hello chunked world"));
    }
    void chunkedHeadAndHttp10()
    {
        Client head(port());
        QVERIFY(head.send("HEAD /chunked HTTP/1.1\r\nHost: t\r\n\r\n" + get("/later")));
        const auto h = head.read(true);
        QVERIFY(h);
        const auto next = head.read(); // nothing of the body came between
        QVERIFY(next);
        QCOMPARE(next->status, 202);
        Client old(port()); // HTTP/1.0 cannot read chunked: close-delimited
        QVERIFY(old.send("GET /chunked HTTP/1.0\r\n\r\n"));
        const auto o = old.read();
        QVERIFY(o);
        QVERIFY(o->headers.count("transfer-encoding") == 0);
        QCOMPARE(o->body, std::string("hello chunked world"));
        QVERIFY(o->closed);
    }
    void bigStreamsWithBackpressure()
    {
        Client c(port());
        QVERIFY(c.send(get("/big") + get("/big-chunked")));
        const auto a = c.read();
        QVERIFY(a);
        QCOMPARE(a->body.size(), std::size_t(3 * 1024 * 1024 + 7));
        const auto b = c.read();
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
        Client c(port());
        QVERIFY(c.send(req + get("/chunked")));
        const auto r = c.read();
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
        Client c(port());
        QVERIFY(c.send(get("/timer") + get("/later") + get("/chunked")));
        QCOMPARE(c.read()->body, std::string("timer"));
        QCOMPARE(c.read()->status, 202);
        QCOMPARE(c.read()->body, std::string("hello chunked world"));
        QVERIFY(c.send(get("/stale") + get("/after-stale")));
        QCOMPARE(c.read()->body, std::string("first"));
        QCOMPARE(c.read()->body, std::string("expired"));
    }
    void abortWhenClientLeaves()
    {
        const int before = g_aborts.load();
        {
            Client c(port());
            QVERIFY(c.send(get("/wait")));
            QTest::qWait(50);
            c.closeNow();
        }
        QTRY_VERIFY_WITH_TIMEOUT(g_aborts.load() == before + 1, 3000);
    }
    void shortBodyCloses()
    {
        Client c(port());
        QVERIFY(c.send(get("/short")));
        const auto r = c.read(false, 3000);
        QVERIFY(r);
        QCOMPARE(r->body, std::string("12345"));
        QVERIFY(r->closed); // never reused after a cut body
    }
    void countsRequests()
    {
        const auto before = m_server->stats().snapshot();
        Client c(port());
        QVERIFY(c.send(get("/nothing-here")));
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
