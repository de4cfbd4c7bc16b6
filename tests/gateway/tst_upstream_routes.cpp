// gatebench-upstream as a black box: what every route answers, and its delays (measured).

#include "support/gateway_harness.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

// No raw string literals in this file: moc 6.4 loses the class after one containing braces.

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

using gb::test::binaryPath;
using gb::test::ChildServer;
using gb::test::fetch;
using gb::test::getRequest;
using gb::test::RawClient;

namespace {

bool allLetters(const std::string& s)
{
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return false;
    return true;
}

} // namespace

class TestUpstreamRoutes : public QObject
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
        QVERIFY2(gb::test::startUpstream(*m_up), "upstream did not print its address");
    }
    void cleanupTestCase() { m_up.reset(); }

    void jsonValid()
    {
        const auto r = fetch(port(), getRequest("/json/valid"));
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
        const auto r = fetch(port(), getRequest("/json/invalid"));
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QVERIFY(r->body.starts_with("{time\": \""));
        QVERIFY(QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).isNull());
    }
    void headRequest()
    {
        RawClient c(port());
        QVERIFY(c.send("HEAD /json/valid HTTP/1.1\r\nHost: a\r\n\r\n" + getRequest("/health")));
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
        const auto r = fetch(port(), getRequest("/size/" + spec.toStdString()), 20000);
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(qulonglong(r->body.size()), bytes);
        QVERIFY(allLetters(r->body));
    }
    void sizeRejects()
    {
        QCOMPARE(fetch(port(), getRequest("/size/abc"))->status, 400);
        QCOMPARE(fetch(port(), getRequest("/size/2GB"))->status, 400);
    }
    void sizeBodiesDiffer()
    {
        const auto a = fetch(port(), getRequest("/size/64B"));
        const auto b = fetch(port(), getRequest("/size/64B"));
        QVERIFY(a && b);
        QVERIFY(a->body != b->body); // random letters, not one fixed string
    }

    void xmlAndSoap()
    {
        const auto x = fetch(port(), getRequest("/xml"));
        QVERIFY(x);
        QCOMPARE(x->header("content-type"), std::string("application/xml"));
        QVERIFY(x->body.starts_with("<?xml version='1.0' encoding='us-ascii'?>"));
        QVERIFY(x->body.find("<slideshow") != std::string::npos);
        const auto s =
            fetch(port(), "POST /soap HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n<x>");
        QVERIFY(s);
        QCOMPARE(s->status, 200);
        QVERIFY(s->body.find("soap:Envelope") != std::string::npos);
        const auto wrong = fetch(port(), getRequest("/soap"));
        QCOMPARE(wrong->status, 405);
        QCOMPARE(wrong->header("allow"), std::string("POST"));
    }

    void resources()
    {
        auto keys = [](const std::string& body) {
            return QJsonDocument::fromJson(QByteArray::fromStdString(body)).object().keys().size();
        };
        const auto index = fetch(port(), getRequest("/resource"));
        QVERIFY(index);
        QCOMPARE(index->status, 200);
        QCOMPARE(keys(index->body), 10);
        QCOMPARE(keys(fetch(port(), getRequest("/resource/?limit=15"))->body), 15);
        QCOMPARE(keys(fetch(port(), getRequest("/resource?limit=500"))->body), 100);
        QCOMPARE(keys(fetch(port(), getRequest("/resource?limit=x"))->body), 10);
        // Go's encoding/json sorts map keys as strings.
        QVERIFY(fetch(port(), getRequest("/resource?limit=12"))
                    ->body.starts_with("{\"0\":{\"Id\":0,\"Name\":\""));
        QVERIFY(fetch(port(), getRequest("/resource?limit=12"))->body.find(",\"10\":{\"Id\":10,") <
                fetch(port(), getRequest("/resource?limit=12"))->body.find("\"2\":{"));
        const auto one = fetch(port(), getRequest("/resource/42"));
        QCOMPARE(one->status, 200);
        const auto obj = QJsonDocument::fromJson(QByteArray::fromStdString(one->body)).object();
        QCOMPARE(obj["Id"].toInt(), 42);
        QCOMPARE(obj["Name"].toString().size(), 10);
        QCOMPARE(fetch(port(), getRequest("/resource/100"))->status, 404);
        QCOMPARE(fetch(port(), getRequest("/resource/abc"))->status, 404);
    }

    void statusCodes()
    {
        for (int code : {200, 201, 404, 418, 503, 599}) {
            const auto r = fetch(port(), getRequest("/status/" + std::to_string(code)));
            QVERIFY(r);
            QCOMPARE(r->status, code);
        }
        const auto noContent = fetch(port(), getRequest("/status/204"));
        QCOMPARE(noContent->status, 204);
        QVERIFY(noContent->header("content-length").empty());
        QCOMPARE(fetch(port(), getRequest("/status/99"))->status, 400);
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
        RawClient c(port());
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
        const auto h = fetch(port(), getRequest("/health"));
        QCOMPARE(h->status, 200);
        QCOMPARE(h->body, std::string("{\"status\":\"ok\"}"));
        QCOMPARE(fetch(port(), getRequest("/nope"))->status, 404);
        QCOMPARE(fetch(port(), "DELETE /json/valid HTTP/1.1\r\nHost: a\r\n\r\n")->status, 405);
    }

    void delayRoute()
    {
        QElapsedTimer t;
        t.start();
        const auto r = fetch(port(), getRequest("/delay/300ms"));
        const qint64 ms = t.elapsed();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QVERIFY2(ms >= 300 && ms < 1300, qPrintable(QString::number(ms)));
        QCOMPARE(fetch(port(), getRequest("/delay/soon"))->status, 400);
    }
    void xDelay()
    {
        QElapsedTimer t;
        t.start();
        QCOMPARE(fetch(port(), getRequest("/json/valid", "X-Delay: 250ms\r\n"))->status, 200);
        qint64 ms = t.elapsed();
        QVERIFY2(ms >= 250 && ms < 1250, qPrintable(QString::number(ms)));
        t.restart(); // X-Delay-Percent: 0 never delays
        QCOMPARE(
            fetch(port(), getRequest("/size/10B", "X-Delay: 3s\r\nX-Delay-Percent: 0\r\n"))->status,
            200);
        QVERIFY(t.elapsed() < 1000);
        QCOMPARE(fetch(port(), getRequest("/json/valid", "X-Delay: later\r\n"))->status, 400);
    }
    void xSlowdown()
    {
        QElapsedTimer t;
        t.start();
        QCOMPARE(fetch(port(),
                       getRequest("/json/valid",
                                  "X-Slowdown: 250ms\r\nX-Slowdown-From: 2000-01-01T00:00:00Z\r\n"))
                     ->status,
                 200);
        const qint64 ms = t.elapsed();
        QVERIFY2(ms >= 250 && ms < 1250, qPrintable(QString::number(ms)));
        t.restart(); // from a future instant: no slowdown yet
        QCOMPARE(
            fetch(port(),
                  getRequest("/json/valid",
                             "X-Slowdown: 3s\r\nX-Slowdown-From: 2999-01-01T00:00:00+02:00\r\n"))
                ->status,
            200);
        QVERIFY(t.elapsed() < 1000);
        QCOMPARE(fetch(port(), getRequest("/json/valid",
                                          "X-Slowdown: 1s\r\nX-Slowdown-From: yesterday\r\n"))
                     ->status,
                 400);
    }
    void delaysDoNotBlockThreads()
    {
        // 40 delayed requests on 2 threads: with timers they overlap; sleeping threads would
        // need 40 × 400 ms / 2 = 8 s.
        std::vector<std::unique_ptr<RawClient>> clients;
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < 40; ++i) {
            clients.push_back(std::make_unique<RawClient>(port()));
            QVERIFY(clients.back()->send(getRequest("/delay/400ms")));
        }
        for (auto& c : clients) {
            const auto r = c->read();
            QVERIFY(r);
            QCOMPARE(r->status, 200);
        }
        QVERIFY2(t.elapsed() < 2500, qPrintable(QString::number(t.elapsed())));
    }
};

QTEST_GUILESS_MAIN(TestUpstreamRoutes)
#include "tst_upstream_routes.moc"
