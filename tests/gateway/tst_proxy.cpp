// gatebench-gateway as a black box: the real binary with a tyk.conf and an app_path of several
// APIs, in front of gatebench-upstream and of a recording upstream inside the test. Routing and
// path stripping, header rewriting both ways, bodies streamed both ways, upstream failures
// mapped to their codes, a broken API file, the admin API, /metrics, the control port and
// close_connections.

#include "support/gateway_harness.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <random>
#include <string>

using namespace gb::test;

// No raw string literals in this file: moc 6.4 loses the class after one containing braces.

namespace {

constexpr const char* kSecret = "test-secret-1234";
constexpr std::string_view kProxyError =
    "{\n    \"error\": \"There was a problem proxying the request\"\n}";
constexpr std::string_view kTimeoutError =
    "{\n    \"error\": \"Upstream service reached hard timeout.\"\n}";

std::string letters(std::size_t n, unsigned seed)
{
    std::minstd_rand rng(seed);
    std::string s(n, 'a');
    for (char& c : s)
        c = static_cast<char>('a' + rng() % 26);
    return s;
}

QJsonObject json(const std::string& body)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(body)).object();
}

/// The request line of a recorded upstream request.
std::string requestLine(const std::string& request)
{
    return request.substr(0, request.find("\r\n"));
}

/// The value of a header in a recorded request ("" if absent); name as written.
std::string recordedHeader(const std::string& request, const std::string& name)
{
    const std::string key = "\r\n" + name + ": ";
    const auto at = request.find(key);
    if (at == std::string::npos)
        return {};
    const auto end = request.find("\r\n", at + key.size());
    return request.substr(at + key.size(), end - at - key.size());
}

bool recordedHas(const std::string& request, const std::string& lowerName)
{
    std::string lower = request.substr(0, request.find("\r\n\r\n") + 2);
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower.find("\r\n" + lowerName + ":") != std::string::npos;
}

} // namespace

class TestProxy : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    ChildServer m_upstream;
    std::unique_ptr<RecordingUpstream> m_rec;
    ChildServer m_gateway;
    std::uint16_t m_deadPort = 0;

    std::uint16_t port() const { return m_gateway.port(); }
    QString path(const QString& name) const { return m_dir.filePath(name); }
    std::string recUrl(const std::string& suffix = {}) const
    {
        return "http://127.0.0.1:" + std::to_string(m_rec->port()) + suffix;
    }
    /// The last request the recording upstream got, after a request through the gateway.
    std::string lastRecorded()
    {
        const auto all = m_rec->requests();
        return all.empty() ? std::string() : all.back();
    }
    std::optional<HttpResponse> admin(const std::string& target, const std::string& secret,
                                      const std::string& method = "GET")
    {
        return fetch(port(), method + " " + target + " HTTP/1.1\r\nHost: a\r\n" +
                                 (secret.empty() ? std::string()
                                                 : "x-tyk-authorization: " + secret + "\r\n") +
                                 "Content-Length: 0\r\n\r\n");
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(binaryPath("gatebench-gateway")), "build gatebench-gateway");
        QVERIFY(startUpstream(m_upstream));
        m_rec = std::make_unique<RecordingUpstream>();
        m_deadPort = unusedPort();
        const std::string up = "http://127.0.0.1:" + std::to_string(m_upstream.port());
        QVERIFY(QDir(m_dir.path()).mkdir("apps"));
        QVERIFY(writeTextFile(path("apps/rec.json"), apiJson("rec", "/rec/", recUrl())));
        QVERIFY(writeTextFile(path("apps/rec-deep.json"),
                              apiJson("rec-deep", "/rec/deep/", recUrl("/base?fixed=1"))));
        QVERIFY(writeTextFile(path("apps/keep.json"),
                              apiJson("keep", "/keep", recUrl("/prefix"), false)));
        QVERIFY(writeTextFile(path("apps/up.json"), apiJson("up", "/up/", up)));
        QVERIFY(writeTextFile(
            path("apps/dead.json"),
            apiJson("dead", "/dead/", "http://127.0.0.1:" + std::to_string(m_deadPort))));
        // Line 3 is missing a comma: skipped with its position, the rest is served.
        QVERIFY(writeTextFile(path("apps/broken.json"),
                              "{\n  \"api_id\": \"broken\",\n  \"name\": \"b\"\n  \"x\": 1\n}\n"));
        QVERIFY(writeTextFile(path("tyk.conf"), tykConf("apps", kSecret, 1.0)));
        QVERIFY2(startGateway(m_gateway, path("tyk.conf")), qPrintable(m_gateway.errors()));
    }

    void brokenFileIsReportedAndSkipped()
    {
        const QString errors = m_gateway.errors();
        QVERIFY2(QRegularExpression("broken\\.json:\\d+:\\d+: ").match(errors).hasMatch(),
                 qPrintable(errors));
        const auto r = admin("/tyk/apis", kSecret);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const auto list = QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).array();
        QCOMPARE(list.size(), 5);
    }

    void routing_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("upstreamLine");
        QTest::newRow("stripped") << "/rec/a/b?x=1"
                                  << "GET /a/b?x=1 HTTP/1.1";
        QTest::newRow("bare listen path") << "/rec/"
                                          << "GET / HTTP/1.1";
        QTest::newRow("longest prefix") << "/rec/deep/z"
                                        << "GET /base/z?fixed=1 HTTP/1.1";
        QTest::newRow("queries joined") << "/rec/deep/z?q=2"
                                        << "GET /base/z?fixed=1&q=2 HTTP/1.1";
        QTest::newRow("not stripped") << "/keep/x"
                                      << "GET /prefix/keep/x HTTP/1.1";
        QTest::newRow("exact, not stripped") << "/keep"
                                             << "GET /prefix/keep HTTP/1.1";
        QTest::newRow("absolute-form") << "http://elsewhere/rec/abs"
                                       << "GET /abs HTTP/1.1";
    }
    void routing()
    {
        QFETCH(QString, target);
        QFETCH(QString, upstreamLine);
        const auto before = m_rec->requests().size();
        const auto r = fetch(port(), getRequest(target.toStdString()));
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->body, std::string("ok"));
        QVERIFY(m_rec->waitForRequests(before + 1));
        QCOMPARE(QString::fromStdString(requestLine(lastRecorded())), upstreamLine);
    }

    void noRoute_data()
    {
        QTest::addColumn<QString>("target");
        QTest::newRow("unknown") << "/nothing/here";
        QTest::newRow("strict segment") << "/keepx";
        QTest::newRow("trailing-slash listen path") << "/rec";
    }
    void noRoute()
    {
        QFETCH(QString, target);
        const auto before = m_rec->bytes();
        const auto r = fetch(port(), getRequest(target.toStdString()));
        QVERIFY(r);
        QCOMPARE(r->status, 404);
        QCOMPARE(r->body, std::string("Not Found")); // Tyk's router: Go's status text
        QCOMPARE(r->header("content-type"), std::string("text/plain; charset=utf-8"));
        QCOMPARE(m_rec->bytes(), before);
    }

    void requestHeaders()
    {
        const std::string request = "GET /rec/h HTTP/1.1\r\n"
                                    "Host: gateway.example\r\n"
                                    "Connection: keep-alive, X-Hop\r\n"
                                    "X-Hop: must go\r\n"
                                    "Keep-Alive: timeout=5\r\n"
                                    "Proxy-Connection: keep-alive\r\n"
                                    "Proxy-Authorization: Basic eDp5\r\n"
                                    "TE: trailers\r\n"
                                    "Upgrade: h2c\r\n"
                                    "X-Forwarded-For: 10.1.1.1\r\n"
                                    "Authorization: Bearer kept\r\n"
                                    "X-Keep: 1\r\n\r\n";
        const auto before = m_rec->requests().size();
        const auto r = fetch(port(), request);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QVERIFY(m_rec->waitForRequests(before + 1));
        const std::string got = lastRecorded();
        QCOMPARE(recordedHeader(got, "Host"), "127.0.0.1:" + std::to_string(m_rec->port()));
        QCOMPARE(recordedHeader(got, "X-Forwarded-For"), std::string("10.1.1.1, 127.0.0.1"));
        QCOMPARE(recordedHeader(got, "Authorization"), std::string("Bearer kept"));
        QCOMPARE(recordedHeader(got, "X-Keep"), std::string("1"));
        for (const char* gone : {"connection", "x-hop", "keep-alive", "proxy-connection",
                                 "proxy-authorization", "te", "upgrade"})
            QVERIFY2(!recordedHas(got, gone), gone);
    }

    void responseHeaders()
    {
        m_rec->setResponse("HTTP/1.1 201 Created\r\n"
                           "Date: Mon, 01 Jan 2001 00:00:00 GMT\r\n"
                           "Connection: X-Resp\r\n"
                           "X-Resp: hop\r\n"
                           "Keep-Alive: timeout=5\r\n"
                           "Set-Cookie: a=1\r\n"
                           "Set-Cookie: b=2\r\n"
                           "X-Ok: yes\r\n"
                           "Content-Length: 4\r\n\r\nmade");
        const auto r = fetch(port(), getRequest("/rec/r"));
        m_rec->setResponse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        QVERIFY(r);
        QCOMPARE(r->status, 201);
        QCOMPARE(r->body, std::string("made"));
        QCOMPARE(r->header("x-ok"), std::string("yes"));
        QCOMPARE(r->header("set-cookie"), std::string("a=1, b=2")); // both fields kept
        QVERIFY(r->header("x-resp").empty());
        QVERIFY(r->header("keep-alive").empty());
        QVERIFY(r->header("connection").empty());
        QVERIFY(r->header("date") != "Mon, 01 Jan 2001 00:00:00 GMT"); // the gateway's own
        QVERIFY(!r->header("date").empty());
    }

    void requestBodyContentLength()
    {
        const std::string body = letters(1 << 20, 1);
        RawClient c(port());
        QVERIFY(c.send("POST /up/echo HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\n"
                       "Content-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n"));
        QVERIFY(c.send(body));
        const auto r = c.read(20000);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const auto o = json(r->body);
        QCOMPARE(o["body"].toString().size(), qsizetype(body.size()));
        QVERIFY(o["body"].toString().toStdString() == body);
        QCOMPARE(o["headers"].toObject()["Content-Length"].toString(),
                 QString::number(body.size()));
    }

    void requestBodyChunked()
    {
        const std::string body = letters(1 << 20, 2);
        RawClient c(port());
        QVERIFY(c.send("POST /up/echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"));
        for (std::size_t at = 0; at < body.size(); at += 65536) {
            char size[16];
            std::snprintf(size, sizeof size, "%x\r\n", 65536);
            QVERIFY(c.send(size + body.substr(at, 65536) + "\r\n"));
        }
        QVERIFY(c.send("0\r\n\r\n"));
        const auto r = c.read(20000);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const auto o = json(r->body);
        QVERIFY(o["body"].toString().toStdString() == body);
        QCOMPARE(o["headers"].toObject()["Transfer-Encoding"].toString(), QString("chunked"));
    }

    void responseBodyLength()
    {
        RawClient c(port());
        QVERIFY(c.send(getRequest("/up/size/1MB")));
        const auto r = c.read(20000);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->header("content-length"), std::string("1048576"));
        QCOMPARE(r->body.size(), std::size_t(1048576));
        // The connection stays usable.
        QVERIFY(c.send(getRequest("/up/json/valid")));
        const auto next = c.read();
        QVERIFY(next);
        QCOMPARE(next->body.size(), std::size_t(70));
    }

    void responseBodyChunked()
    {
        const std::string body = letters(1 << 20, 3);
        std::string response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (std::size_t at = 0; at < body.size(); at += 100000) {
            const std::string piece = body.substr(at, 100000);
            char size[16];
            std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
            response += size + piece + "\r\n";
        }
        response += "0\r\n\r\n";
        m_rec->setResponse(response);
        RawClient c(port());
        QVERIFY(c.send(getRequest("/rec/chunked")));
        const auto r = c.read(20000);
        m_rec->setResponse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QVERIFY(r->chunked);
        QVERIFY(r->body == body);
        QVERIFY(c.send(getRequest("/rec/after")));
        const auto next = c.read();
        QVERIFY(next);
        QCOMPARE(next->body, std::string("ok"));
    }

    void headAndPipelining()
    {
        RawClient c(port());
        QVERIFY(c.send("HEAD /up/json/valid HTTP/1.1\r\nHost: a\r\n\r\n" +
                       getRequest("/up/status/418") + getRequest("/rec/third")));
        const auto head = c.read(5000, true);
        QVERIFY(head);
        QCOMPARE(head->status, 200);
        QCOMPARE(head->header("content-length"), std::string("70"));
        const auto second = c.read();
        QVERIFY(second);
        QCOMPARE(second->status, 418);
        const auto third = c.read();
        QVERIFY(third);
        QCOMPARE(third->body, std::string("ok"));
    }

    void refusedIs502Fast()
    {
        QElapsedTimer t;
        t.start();
        const auto r = fetch(port(), getRequest("/dead/x"));
        const qint64 ms = t.elapsed();
        QVERIFY(r);
        QCOMPARE(r->status, 502);
        QCOMPARE(r->body, std::string(kProxyError));
        QCOMPARE(r->header("content-type"), std::string("application/json"));
        QVERIFY2(ms < 100, qPrintable(QString::number(ms) + " ms"));
    }

    void slowUpstreamIs504()
    {
        QElapsedTimer t;
        t.start();
        const auto r = fetch(port(), getRequest("/up/delay/5s"), 10000);
        const qint64 ms = t.elapsed();
        QVERIFY(r);
        QCOMPARE(r->status, 504);
        QCOMPARE(r->body, std::string(kTimeoutError));
        QVERIFY2(ms >= 950 && ms < 2500, qPrintable(QString::number(ms) + " ms"));
    }

    void faults_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<int>("status");
        QTest::newRow("closed before answering") << "close" << 502;
        QTest::newRow("garbage status line") << "garbage" << 502;
        QTest::newRow("never answers") << "hang" << 504;
    }
    void faults()
    {
        QFETCH(QString, fault);
        QFETCH(int, status);
        const auto r = fetch(
            port(), getRequest("/up/json/valid", "X-Fault: " + fault.toStdString() + "\r\n"), 5000);
        QVERIFY(r);
        QCOMPARE(r->status, status);
        QCOMPARE(r->body, std::string(status == 504 ? kTimeoutError : kProxyError));
        // The gateway is fine afterwards.
        const auto ok = fetch(port(), getRequest("/up/json/valid"));
        QVERIFY(ok);
        QCOMPARE(ok->status, 200);
    }

    void cutMidBodyClosesClient()
    {
        // The upstream declares 65536 bytes, sends 4096 and resets: the client must see its
        // connection end, never a response it could take as whole.
        RawClient c(port());
        QVERIFY(c.send(getRequest("/up/json/valid", "X-Fault: reset\r\n")));
        const auto end = c.readToEnd(5000);
        QVERIFY(!end.timedOut);
        QVERIFY(end.eof || end.reset);
        const auto headEnd = end.bytes.find("\r\n\r\n");
        QVERIFY(headEnd != std::string::npos);
        QVERIFY(end.bytes.starts_with("HTTP/1.1 200 "));
        QVERIFY(end.bytes.find("Content-Length: 65536") != std::string::npos);
        QVERIFY(end.bytes.size() - headEnd - 4 < 65536);
    }

    void stalePooledConnectionIsRetried()
    {
        m_rec->setOneRequestPerConnection(true);
        // Each worker may own its own pool: enough rounds that a pooled connection is reused.
        for (int i = 0; i < 6; ++i) {
            RawClient c(port());
            QVERIFY(c.send(getRequest("/rec/retry")));
            const auto r = c.read();
            QVERIFY(r);
            QCOMPARE(r->status, 200);
        }
        // Not idempotent: never sent twice, so a stale connection is a 502.
        int refused = 0;
        for (int i = 0; i < 6; ++i) {
            const auto r = fetch(port(), "POST /rec/once HTTP/1.1\r\nHost: a\r\n"
                                         "Content-Length: 1\r\n\r\nx");
            QVERIFY(r);
            QVERIFY(r->status == 200 || r->status == 502);
            refused += r->status == 502;
        }
        m_rec->setOneRequestPerConnection(false);
        QVERIFY(refused > 0);
        const auto metrics = admin("/metrics", {});
        QVERIFY(metrics);
        const auto m = QRegularExpression("gateway_upstream_retries_total (\\d+)")
                           .match(QString::fromStdString(metrics->body));
        QVERIFY(m.hasMatch());
        QVERIFY(m.captured(1).toInt() >= 1);
    }

    void idleClosedConnectionsAreDropped()
    {
        // The upstream closes each connection after answering, without saying so: the pooled
        // connection must be noticed closed and dropped while idle, not tried (and retried).
        auto retries = [&] {
            const auto m = QRegularExpression("gateway_upstream_retries_total (\\d+)")
                               .match(QString::fromStdString(admin("/metrics", {})->body));
            return m.captured(1).toInt();
        };
        const int before = retries();
        m_rec->setCloseAfterResponse(true);
        for (int i = 0; i < 6; ++i) {
            const auto r = fetch(port(), getRequest("/rec/idle"));
            QVERIFY(r);
            QCOMPARE(r->status, 200);
            QTest::qWait(50);
        }
        m_rec->setCloseAfterResponse(false);
        QCOMPARE(retries(), before);
    }

    void adminSecret_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("secret");
        QTest::newRow("apis, none") << "/tyk/apis"
                                    << "";
        QTest::newRow("apis, wrong") << "/tyk/apis"
                                     << "nope";
        QTest::newRow("apis, prefix of it") << "/tyk/apis"
                                            << "test-secret";
        QTest::newRow("reload, wrong") << "/tyk/reload"
                                       << "x";
        QTest::newRow("unknown, none") << "/tyk/nothing"
                                       << "";
        QTest::newRow("keys, none") << "/tyk/keys/abc"
                                    << "";
    }
    void adminSecret()
    {
        QFETCH(QString, target);
        QFETCH(QString, secret);
        const auto r = admin(target.toStdString(), secret.toStdString());
        QVERIFY(r);
        QCOMPARE(r->status, 403);
        QCOMPARE(r->body, std::string("{\"status\":\"error\",\"message\":\"Attempted "
                                      "administrative access with invalid or missing key!\"}"));
    }

    void adminApi()
    {
        const auto hello = admin("/hello", {});
        QVERIFY(hello);
        QCOMPARE(hello->status, 200);
        QCOMPARE(json(hello->body)["status"].toString(), QString("pass"));
        QCOMPARE(json(hello->body)["description"].toString(), QString("Tyk GW"));

        const auto one = admin("/tyk/apis/rec-deep", kSecret);
        QVERIFY(one);
        QCOMPARE(one->status, 200);
        QCOMPARE(json(one->body)["api_id"].toString(), QString("rec-deep"));
        QCOMPARE(json(one->body)["proxy"].toObject()["listen_path"].toString(),
                 QString("/rec/deep/"));
        const auto missing = admin("/tyk/apis/none", kSecret);
        QCOMPARE(missing->status, 404);
        QCOMPARE(json(missing->body)["message"].toString(), QString("API not found"));
        QCOMPARE(admin("/tyk/reload", kSecret, "POST")->status, 405); // tst_api_admin: bodies
        QCOMPARE(admin("/tyk/nothing", kSecret)->status, 404);
    }

    void reload()
    {
        QCOMPARE(fetch(port(), getRequest("/late/x"))->status, 404);
        QVERIFY(writeTextFile(path("apps/late.json"), apiJson("late", "/late/", recUrl())));
        const auto r = admin("/tyk/reload?block=true", kSecret);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->body, std::string("{\"status\":\"ok\",\"message\":\"\"}"));
        QCOMPARE(fetch(port(), getRequest("/late/x"))->status, 200);

        // Tyk's plain /tyk/reload answers at once and reloads in the background.
        QVERIFY(QFile::remove(path("apps/late.json")));
        QCOMPARE(admin("/tyk/reload/", kSecret)->status, 200);
        QElapsedTimer t;
        t.start();
        int status = 0;
        while (t.elapsed() < 5000 && (status = fetch(port(), getRequest("/late/x"))->status) != 404)
            QTest::qWait(20);
        QCOMPARE(status, 404);
    }

    void metrics()
    {
        QVERIFY(fetch(port(), getRequest("/rec/m")));
        const auto r = admin("/metrics", {});
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->header("content-type"), std::string("text/plain; version=0.0.4"));
        const QString text = QString::fromStdString(r->body);
        for (const char* series :
             {"gateway_up 1\n", "gateway_requests_total{api_id=\"rec\",status=\"200\"} ",
              "gateway_requests_total{api_id=\"dead\",status=\"502\"} ",
              "gateway_requests_total{api_id=\"up\",status=\"504\"} ",
              "gateway_upstream_errors_total{kind=\"connect_refused\"} ",
              "gateway_upstream_errors_total{kind=\"truncated\"} ",
              "gateway_open_connections{listener=\"main\"} ", "process_cpu_seconds_total ",
              "process_resident_memory_bytes ", "gateway_unmatched_requests_total "})
            QVERIFY2(text.contains(series), series);
        const auto m = QRegularExpression("connect_refused\"} (\\d+)").match(text);
        QVERIFY(m.hasMatch() && m.captured(1).toInt() >= 1);
    }

    void controlPort()
    {
        const std::uint16_t control = unusedPort();
        QVERIFY(writeTextFile(
            path("control.conf"),
            tykConf("apps", kSecret, 1.0, "\"control_api_port\": " + std::to_string(control))));
        ChildServer gw;
        QVERIFY2(startGateway(gw, path("control.conf"), 1, 1), qPrintable(gw.errors()));
        QCOMPARE(gw.controlPort(), control);
        const std::string apis =
            "GET /tyk/apis HTTP/1.1\r\nHost: a\r\nx-tyk-authorization: " + std::string(kSecret) +
            "\r\n\r\n";
        const auto onControl = fetch(control, apis);
        QVERIFY(onControl);
        QCOMPARE(onControl->status, 200);
        QCOMPARE(fetch(control, getRequest("/hello"))->status, 200);
        QCOMPARE(fetch(control, getRequest("/rec/x"))->status, 404); // no APIs there
        const auto onMain = fetch(gw.port(), apis);
        QVERIFY(onMain);
        QCOMPARE(onMain->status, 404); // not an API, and the admin API is elsewhere
        QCOMPARE(fetch(gw.port(), getRequest("/rec/x"))->status, 200);
    }

    void closeConnections()
    {
        QVERIFY(writeTextFile(path("close.conf"),
                              tykConf("apps", kSecret, 1.0, "\"close_connections\": true")));
        ChildServer gw;
        QVERIFY2(startGateway(gw, path("close.conf"), 1), qPrintable(gw.errors()));
        RawClient c(gw.port());
        const auto before = m_rec->requests().size();
        QVERIFY(c.send(getRequest("/rec/close")));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->header("connection"), std::string("close"));
        QVERIFY(c.readToEnd(3000).eof);
        QVERIFY(m_rec->waitForRequests(before + 1));
        QCOMPARE(recordedHeader(lastRecorded(), "Connection"), std::string("close"));
    }

    void cleanupTestCase() { QCOMPARE(m_gateway.terminate(), 0); }
};

QTEST_GUILESS_MAIN(TestProxy)
#include "tst_proxy.moc"
