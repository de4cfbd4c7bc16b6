// gatebench-upstream as a black box: the real binary started on 127.0.0.1 port 0, spoken to over
// raw sockets. Every route, delays (measured, bounded), faults, pipelining order, 408 for trickled
// headers, command-line errors and the SIGTERM drain.

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

// No raw string literals in this file: moc 6.4 loses the class after one containing braces.

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <map>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace {

const QString kBinary = QStringLiteral(GB_BIN_DIR "/gatebench-upstream");

struct Response
{
    int status = 0;
    std::map<std::string, std::string> headers; // lower-case names
    std::string body;
    std::string header(const std::string& n) const
    {
        auto it = headers.find(n);
        return it == headers.end() ? std::string() : it->second;
    }
};

/// A blocking-with-deadline HTTP/1.1 client over a plain socket; keeps leftover bytes so
/// pipelined responses are read one after the other.
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
        m_connected = ::connect(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        const int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~Client() { close(); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    bool connected() const { return m_connected; }
    void close()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }
    bool send(const std::string& bytes)
    {
        std::size_t off = 0;
        while (off < bytes.size()) {
            const ssize_t n = ::send(m_fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
            if (n <= 0)
                return false;
            off += static_cast<std::size_t>(n);
        }
        return true;
    }
    /// One response; nullopt on timeout, close or malformed framing.
    std::optional<Response> read(int timeoutMs = 5000, bool head = false)
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
        std::size_t lineEnd = headText.find("\r\n");
        const std::string statusLine = headText.substr(0, lineEnd);
        if (statusLine.size() < 12 || statusLine.compare(0, 9, "HTTP/1.1 ") != 0)
            return std::nullopt;
        r.status = std::atoi(statusLine.c_str() + 9);
        std::size_t pos = lineEnd + 2;
        while (pos < headText.size()) {
            const std::size_t e = headText.find("\r\n", pos);
            const std::string line = headText.substr(pos, e - pos);
            const std::size_t colon = line.find(':');
            std::string name = line.substr(0, colon);
            for (char& c : name)
                c = char(std::tolower(static_cast<unsigned char>(c)));
            std::size_t v = colon + 1;
            while (v < line.size() && line[v] == ' ')
                ++v;
            r.headers[name] = line.substr(v);
            pos = e + 2;
        }
        if (head || r.status == 204 || r.status == 304)
            return r;
        if (r.headers.count("content-length")) {
            const std::size_t n = std::stoull(r.headers["content-length"]);
            while (m_buf.size() < n)
                if (!fill(timeoutMs - int(t.elapsed())))
                    return std::nullopt;
            r.body = m_buf.substr(0, n);
            m_buf.erase(0, n);
            return r;
        }
        if (r.header("transfer-encoding") == "chunked") {
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
        m_buf.clear();
        return r;
    }
    /// Reads until the peer closes (or the deadline); tells how it ended.
    struct Ending
    {
        std::string bytes;
        bool eof = false;
        bool reset = false;
        bool timedOut = false;
    };
    Ending readToEnd(int timeoutMs)
    {
        Ending e;
        QElapsedTimer t;
        t.start();
        while (true) {
            const int left = timeoutMs - int(t.elapsed());
            if (left <= 0) {
                e.timedOut = true;
                break;
            }
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, left) <= 0)
                continue;
            char buf[65536];
            const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
            if (n > 0) {
                m_buf.append(buf, std::size_t(n));
                continue;
            }
            if (n == 0)
                e.eof = true;
            else
                e.reset = errno == ECONNRESET;
            break;
        }
        e.bytes = std::move(m_buf);
        m_buf.clear();
        return e;
    }

private:
    bool fill(int timeoutMs)
    {
        if (timeoutMs <= 0)
            return false;
        pollfd p{m_fd, POLLIN, 0};
        if (::poll(&p, 1, timeoutMs) <= 0)
            return false;
        char buf[65536];
        const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
        if (n <= 0)
            return false;
        m_buf.append(buf, std::size_t(n));
        return true;
    }

    int m_fd = -1;
    bool m_connected = false;
    std::string m_buf;
};

std::string get(const std::string& target, const std::string& extra = {})
{
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

/// A running gatebench-upstream; stopped (SIGKILL if it must) when destroyed.
class Upstream
{
public:
    explicit Upstream(const QStringList& extra = {})
    {
        m_process.setProgram(kBinary);
        m_process.setArguments(QStringList{"--addr", "127.0.0.1:0", "--threads", "2", "--quiet"} +
                               extra);
        m_process.start();
        if (!m_process.waitForStarted(5000))
            return;
        QElapsedTimer t;
        t.start();
        QByteArray out;
        while (!out.contains('\n') && t.elapsed() < 5000) {
            m_process.waitForReadyRead(100);
            out += m_process.readAllStandardOutput();
        }
        const auto m =
            QRegularExpression("^listening on 127\\.0\\.0\\.1:(\\d+)\n").match(QString(out));
        if (m.hasMatch())
            m_port = quint16(m.captured(1).toUInt());
    }
    ~Upstream()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(5000)) {
                m_process.kill();
                m_process.waitForFinished(2000);
            }
        }
    }
    quint16 port() const { return m_port; }
    QProcess& process() { return m_process; }

private:
    QProcess m_process;
    quint16 m_port = 0;
};

std::optional<Response> fetch(quint16 port, const std::string& request, int timeoutMs = 5000)
{
    Client c(port);
    if (!c.connected() || !c.send(request))
        return std::nullopt;
    return c.read(timeoutMs, request.rfind("HEAD ", 0) == 0);
}

bool allLetters(const std::string& s)
{
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return false;
    return true;
}

} // namespace

class TestUpstream : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<Upstream> m_up;
    quint16 port() const { return m_up->port(); }

private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(kBinary), qPrintable(kBinary));
        m_up = std::make_unique<Upstream>(QStringList{"--header-timeout", "400ms"});
        QVERIFY2(m_up->port() != 0, "upstream did not print its address");
    }
    void cleanupTestCase() { m_up.reset(); }

    void jsonValid()
    {
        const auto r = fetch(port(), get("/json/valid"));
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->header("content-type"), std::string("application/json"));
        QCOMPARE(r->body.size(), std::size_t(70)); // the published body's size
        const QRegularExpression go(
            "^\\{\"time\": \"\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{9} \\+0000 UTC "
            "m=\\+\\d{5}\\.\\d{9}\"\\}$");
        QVERIFY2(go.match(QString::fromStdString(r->body)).hasMatch(), r->body.c_str());
        QVERIFY(!QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).isNull());
        QVERIFY(!r->header("date").empty());
    }
    void jsonInvalid()
    {
        const auto r = fetch(port(), get("/json/invalid"));
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QVERIFY(r->body.starts_with("{time\": \""));
        QVERIFY(QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).isNull());
    }
    void headRequest()
    {
        Client c(port());
        QVERIFY(c.send("HEAD /json/valid HTTP/1.1\r\nHost: a\r\n\r\n" + get("/health")));
        const auto head = c.read(5000, true);
        QVERIFY(head);
        QCOMPARE(head->header("content-length"), std::string("70"));
        const auto next = c.read(); // no body bytes came in between
        QVERIFY(next);
        QCOMPARE(next->body, std::string("{\"status\":\"ok\"}"));
    }

    void size_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<qulonglong>("bytes");
        QTest::newRow("10B") << "10B" << 10ull;
        QTest::newRow("1KB") << "1KB" << 1024ull;
        QTest::newRow("1MB") << "1MB" << 1048576ull;
        QTest::newRow("3MB streamed") << "3MB" << 3145728ull;
        QTest::newRow("lower-case") << "2kb" << 2048ull;
        QTest::newRow("zero") << "0B" << 0ull;
    }
    void size()
    {
        QFETCH(QString, spec);
        QFETCH(qulonglong, bytes);
        const auto r = fetch(port(), get("/size/" + spec.toStdString()), 20000);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(qulonglong(r->body.size()), bytes);
        QVERIFY(allLetters(r->body));
    }
    void sizeRejects()
    {
        QCOMPARE(fetch(port(), get("/size/abc"))->status, 400);
        QCOMPARE(fetch(port(), get("/size/2GB"))->status, 400);
    }
    void sizeBodiesDiffer()
    {
        const auto a = fetch(port(), get("/size/64B"));
        const auto b = fetch(port(), get("/size/64B"));
        QVERIFY(a && b);
        QVERIFY(a->body != b->body); // random letters, not one fixed string
    }

    void xmlAndSoap()
    {
        const auto x = fetch(port(), get("/xml"));
        QVERIFY(x);
        QCOMPARE(x->header("content-type"), std::string("application/xml"));
        QVERIFY(x->body.starts_with("<?xml version='1.0' encoding='us-ascii'?>"));
        QVERIFY(x->body.find("<slideshow") != std::string::npos);
        const auto s =
            fetch(port(), "POST /soap HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n<x>");
        QVERIFY(s);
        QCOMPARE(s->status, 200);
        QVERIFY(s->body.find("soap:Envelope") != std::string::npos);
        const auto wrong = fetch(port(), get("/soap"));
        QCOMPARE(wrong->status, 405);
        QCOMPARE(wrong->header("allow"), std::string("POST"));
    }

    void resources()
    {
        auto keys = [](const std::string& body) {
            return QJsonDocument::fromJson(QByteArray::fromStdString(body)).object().keys().size();
        };
        const auto index = fetch(port(), get("/resource"));
        QVERIFY(index);
        QCOMPARE(index->status, 200);
        QCOMPARE(keys(index->body), 10);
        QCOMPARE(keys(fetch(port(), get("/resource/?limit=15"))->body), 15);
        QCOMPARE(keys(fetch(port(), get("/resource?limit=500"))->body), 100);
        QCOMPARE(keys(fetch(port(), get("/resource?limit=x"))->body), 10);
        // Go's encoding/json sorts map keys as strings.
        QVERIFY(fetch(port(), get("/resource?limit=12"))
                    ->body.starts_with("{\"0\":{\"Id\":0,\"Name\":\""));
        QVERIFY(fetch(port(), get("/resource?limit=12"))->body.find(",\"10\":{\"Id\":10,") <
                fetch(port(), get("/resource?limit=12"))->body.find("\"2\":{"));
        const auto one = fetch(port(), get("/resource/42"));
        QCOMPARE(one->status, 200);
        const auto obj = QJsonDocument::fromJson(QByteArray::fromStdString(one->body)).object();
        QCOMPARE(obj["Id"].toInt(), 42);
        QCOMPARE(obj["Name"].toString().size(), 10);
        QCOMPARE(fetch(port(), get("/resource/100"))->status, 404);
        QCOMPARE(fetch(port(), get("/resource/abc"))->status, 404);
    }

    void statusCodes()
    {
        for (int code : {200, 201, 404, 418, 503, 599}) {
            const auto r = fetch(port(), get("/status/" + std::to_string(code)));
            QVERIFY(r);
            QCOMPARE(r->status, code);
        }
        const auto noContent = fetch(port(), get("/status/204"));
        QCOMPARE(noContent->status, 204);
        QVERIFY(noContent->header("content-length").empty());
        QCOMPARE(fetch(port(), get("/status/99"))->status, 400);
    }

    void echo()
    {
        const auto r = fetch(port(), "POST /echo?a=1 HTTP/1.1\r\nHost: h\r\nX-Test: one\r\n"
                                     "X-Test: two\r\nContent-Length: 11\r\n\r\nhello world");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const auto o = QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).object();
        QCOMPARE(o["method"].toString(), QString("POST"));
        QCOMPARE(o["query"].toString(), QString("a=1"));
        QCOMPARE(o["body"].toString(), QString("hello world"));
        QCOMPARE(o["headers"].toObject()["X-Test"].toString(), QString("one, two"));
        // Chunked in, across several chunks, with a body larger than one read.
        const std::string big(100000, 'q');
        std::string chunked = "PUT /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (std::size_t off = 0; off < big.size(); off += 7000) {
            const std::string part = big.substr(off, 7000);
            char hex[16];
            std::snprintf(hex, sizeof hex, "%zx", part.size());
            chunked += std::string(hex) + "\r\n" + part + "\r\n";
        }
        chunked += "0\r\n\r\n";
        const auto c = fetch(port(), chunked);
        QVERIFY(c);
        const auto co = QJsonDocument::fromJson(QByteArray::fromStdString(c->body)).object();
        QCOMPARE(co["method"].toString(), QString("PUT"));
        QCOMPARE(co["body"].toString().size(), qsizetype(big.size()));
    }
    void expectContinue()
    {
        Client c(port());
        QVERIFY(c.send(
            "POST /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
        const auto cont = c.read(5000, true);
        QVERIFY(cont);
        QCOMPARE(cont->status, 100);
        QVERIFY(c.send("body"));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QVERIFY(r->body.find("\"body\":\"body\"") != std::string::npos);
    }

    void healthAndNotFound()
    {
        const auto h = fetch(port(), get("/health"));
        QCOMPARE(h->status, 200);
        QCOMPARE(h->body, std::string("{\"status\":\"ok\"}"));
        QCOMPARE(fetch(port(), get("/nope"))->status, 404);
        QCOMPARE(fetch(port(), "DELETE /json/valid HTTP/1.1\r\nHost: a\r\n\r\n")->status, 405);
    }

    void keepAliveAndPipelining()
    {
        Client c(port());
        // One write, four requests; two of them delayed: the answers must come back in order.
        QVERIFY(c.send(get("/resource/1", "X-Delay: 300ms\r\n") + get("/status/201") +
                       get("/resource/2", "X-Delay: 100ms\r\n") + get("/status/202")));
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
            QVERIFY(c.send(get("/json/valid")));
            const auto r = c.read();
            QVERIFY(r);
            QCOMPARE(r->status, 200);
        }
        // A large batch of pipelined requests in one write, answered in order.
        std::string batch;
        for (int i = 0; i < 200; ++i)
            batch += get("/status/" + std::to_string(200 + i % 100));
        QVERIFY(c.send(batch));
        for (int i = 0; i < 200; ++i) {
            const auto r = c.read();
            QVERIFY(r);
            QCOMPARE(r->status, 200 + i % 100);
        }
    }
    void connectionClose()
    {
        Client c(port());
        QVERIFY(c.send(get("/health", "Connection: close\r\n")));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->header("connection"), std::string("close"));
        QVERIFY(c.readToEnd(3000).eof);
        Client old(port()); // HTTP/1.0 without keep-alive: closed after the answer
        QVERIFY(old.send("GET /health HTTP/1.0\r\n\r\n"));
        QVERIFY(old.readToEnd(3000).eof);
    }

    void delayRoute()
    {
        QElapsedTimer t;
        t.start();
        const auto r = fetch(port(), get("/delay/300ms"));
        const qint64 ms = t.elapsed();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QVERIFY2(ms >= 300 && ms < 1300, qPrintable(QString::number(ms)));
        QCOMPARE(fetch(port(), get("/delay/soon"))->status, 400);
    }
    void xDelay()
    {
        QElapsedTimer t;
        t.start();
        QCOMPARE(fetch(port(), get("/json/valid", "X-Delay: 250ms\r\n"))->status, 200);
        qint64 ms = t.elapsed();
        QVERIFY2(ms >= 250 && ms < 1250, qPrintable(QString::number(ms)));
        t.restart(); // X-Delay-Percent: 0 never delays
        QCOMPARE(fetch(port(), get("/size/10B", "X-Delay: 3s\r\nX-Delay-Percent: 0\r\n"))->status,
                 200);
        QVERIFY(t.elapsed() < 1000);
        QCOMPARE(fetch(port(), get("/json/valid", "X-Delay: later\r\n"))->status, 400);
    }
    void xSlowdown()
    {
        QElapsedTimer t;
        t.start();
        QCOMPARE(
            fetch(port(), get("/json/valid",
                              "X-Slowdown: 250ms\r\nX-Slowdown-From: 2000-01-01T00:00:00Z\r\n"))
                ->status,
            200);
        const qint64 ms = t.elapsed();
        QVERIFY2(ms >= 250 && ms < 1250, qPrintable(QString::number(ms)));
        t.restart(); // from a future instant: no slowdown yet
        QCOMPARE(
            fetch(port(), get("/json/valid",
                              "X-Slowdown: 3s\r\nX-Slowdown-From: 2999-01-01T00:00:00+02:00\r\n"))
                ->status,
            200);
        QVERIFY(t.elapsed() < 1000);
        QCOMPARE(
            fetch(port(), get("/json/valid", "X-Slowdown: 1s\r\nX-Slowdown-From: yesterday\r\n"))
                ->status,
            400);
    }
    void delaysDoNotBlockThreads()
    {
        // 40 delayed requests on 2 threads: with timers they overlap; sleeping threads would
        // need 40 × 400 ms / 2 = 8 s.
        std::vector<std::unique_ptr<Client>> clients;
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < 40; ++i) {
            clients.push_back(std::make_unique<Client>(port()));
            QVERIFY(clients.back()->send(get("/delay/400ms")));
        }
        for (auto& c : clients) {
            const auto r = c->read();
            QVERIFY(r);
            QCOMPARE(r->status, 200);
        }
        QVERIFY2(t.elapsed() < 2500, qPrintable(QString::number(t.elapsed())));
    }

    void faultClose()
    {
        Client c(port());
        QVERIFY(c.send(get("/json/valid", "X-Fault: close\r\n")));
        const auto end = c.readToEnd(3000);
        QVERIFY(end.eof);
        QVERIFY(end.bytes.empty());
    }
    void faultReset()
    {
        Client c(port());
        QVERIFY(c.send(get("/json/valid", "X-Fault: reset\r\n")));
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
        Client c(port());
        QVERIFY(c.send(get("/json/valid", "X-Fault: garbage\r\n")));
        const auto end = c.readToEnd(3000);
        QVERIFY(end.eof);
        QVERIFY(end.bytes.starts_with("HTTP/1.1 2x0 GARBAGE\r\n"));
    }
    void faultHang()
    {
        Client c(port());
        QVERIFY(c.send(get("/json/valid", "X-Fault: hang\r\n")));
        const auto end = c.readToEnd(500);
        QVERIFY(end.timedOut);
        QVERIFY(end.bytes.empty());
        QCOMPARE(fetch(port(), get("/json/valid", "X-Fault: explode\r\n"))->status, 400);
    }

    void headerTimeout408()
    {
        // A client trickling its head must get 408 after the header timeout (400 ms here), even
        // though every byte arrives well within it.
        Client c(port());
        const std::string head = get("/json/valid", "X-Padding: " + std::string(100, 'p') + "\r\n");
        QElapsedTimer t;
        t.start();
        std::size_t sent = 0;
        while (sent < head.size() - 2 && t.elapsed() < 3000) {
            if (!c.send(head.substr(sent, 1)))
                break;
            ++sent;
            QTest::qWait(20);
            pollfd p{-1, 0, 0};
            (void)p;
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
        Client c(port());
        QVERIFY(c.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" +
                       get("/health")));
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
        QProcess p;
        p.start(kBinary, {"--bogus"});
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 2);
        const QString err = QString(p.readAllStandardError()).trimmed();
        QVERIFY(err.startsWith("gatebench-upstream: unknown flag: --bogus"));
        QVERIFY(!err.contains('\n'));
        p.start(kBinary, {"--addr", "no-port"});
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 2);
        // The port the shared instance holds is in use.
        p.start(kBinary, {"--addr", "127.0.0.1:" + QString::number(port())});
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(QString(p.readAllStandardError()).contains("in use"));
    }

    void sigtermDrains()
    {
        Upstream up;
        QVERIFY(up.port() != 0);
        Client inFlight(up.port());
        // /health is answered in the same dispatch pass as the delayed request behind it, so
        // once its answer is here the delayed request is in flight.
        QVERIFY(inFlight.send(get("/health") + get("/delay/800ms")));
        const auto first = inFlight.read();
        QVERIFY(first);
        QCOMPARE(first->status, 200);
        Client idle(up.port());
        QVERIFY(idle.send(get("/health")));
        QVERIFY(idle.read());
        QElapsedTimer t;
        t.start();
        ::kill(pid_t(up.process().processId()), SIGTERM);
        // New connections are refused at once.
        bool refused = false;
        while (!refused && t.elapsed() < 2000) {
            Client probe(up.port());
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

QTEST_GUILESS_MAIN(TestUpstream)
#include "tst_upstream.moc"
