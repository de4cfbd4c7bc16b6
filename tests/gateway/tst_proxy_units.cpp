// The proxy's pure parts: which fields are hop-by-hop, the upstream request head it writes, the
// response fields it forwards, and the response parser's visitor it forwards through.

#include "common/http/response_parser.h"
#include "gateway/config/api_definition.h"
#include "gateway/config/route_table.h"
#include "gateway/http/request_parser.h"
#include "gateway/proxy/header_rules.h"
#include "gateway/proxy/request_head.h"
#include "gateway/proxy/response_head.h"

#include <QTest>

#include <string>
#include <vector>

using namespace gb::gateway;
using namespace gb::gateway::proxy;

Q_DECLARE_METATYPE(FieldRole)

namespace {

// No raw string literals in this file: moc 6.4 loses the class after one containing braces.

ApiDefinition api(const std::string& listenPath, const std::string& target, bool strip)
{
    const std::string json = "{\"api_id\":\"a\",\"name\":\"a\",\"org_id\":\"o\","
                             "\"use_keyless\":true,\"proxy\":{\"listen_path\":\"" +
                             listenPath + "\",\"target_url\":\"" + target +
                             "\",\"strip_listen_path\":" + (strip ? "true" : "false") + "}}";
    return parseApiDefinition(json, "test.json");
}

/// A parsed request whose views point into `bytes` (kept by the caller).
struct Parsed
{
    gb::http::Limits limits;
    gb::http::Request request;
    bool ok = false;
};

void parse(const std::string& bytes, Parsed& out)
{
    gb::http::RequestParser parser(out.limits);
    const auto r = parser.parse(bytes, out.request);
    out.ok = r.status == gb::http::RequestParser::Status::Complete;
}

/// Everything a visitor saw, in order, as "H:name=value", "E", "B:data".
struct Trace
{
    std::vector<std::string> events;
    static void header(void* self, std::string_view n, std::string_view v)
    {
        static_cast<Trace*>(self)->events.push_back("H:" + std::string(n) + "=" + std::string(v));
    }
    static void end(void* self) { static_cast<Trace*>(self)->events.push_back("E"); }
    static void body(void* self, std::string_view d)
    {
        static_cast<Trace*>(self)->events.push_back("B:" + std::string(d));
    }
};

} // namespace

class TestProxyUnits : public QObject
{
    Q_OBJECT

private slots:
    void classify_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<FieldRole>("role");
        QTest::newRow("connection") << "Connection" << FieldRole::HopByHop;
        QTest::newRow("keep-alive") << "KEEP-ALIVE" << FieldRole::HopByHop;
        QTest::newRow("proxy-connection") << "Proxy-Connection" << FieldRole::HopByHop;
        QTest::newRow("te") << "te" << FieldRole::HopByHop;
        QTest::newRow("trailer") << "Trailer" << FieldRole::HopByHop;
        QTest::newRow("upgrade") << "Upgrade" << FieldRole::HopByHop;
        QTest::newRow("proxy-authorization") << "Proxy-Authorization" << FieldRole::HopByHop;
        QTest::newRow("proxy-authenticate") << "Proxy-Authenticate" << FieldRole::HopByHop;
        QTest::newRow("host") << "HOST" << FieldRole::Host;
        QTest::newRow("content-length") << "Content-Length" << FieldRole::ContentLength;
        QTest::newRow("transfer-encoding") << "transfer-encoding" << FieldRole::TransferEncoding;
        QTest::newRow("expect") << "Expect" << FieldRole::Expect;
        QTest::newRow("x-forwarded-for") << "X-Forwarded-For" << FieldRole::ForwardedFor;
        QTest::newRow("date") << "Date" << FieldRole::Date;
        QTest::newRow("authorization") << "Authorization" << FieldRole::Forward;
        QTest::newRow("accept") << "Accept" << FieldRole::Forward;
        QTest::newRow("same length as te") << "xy" << FieldRole::Forward;
        QTest::newRow("same length as connection") << "Connectio1" << FieldRole::Forward;
    }
    void classify()
    {
        QFETCH(QString, name);
        QFETCH(FieldRole, role);
        QCOMPARE(classifyField(name.toStdString()), role);
    }

    void connectionTokens()
    {
        QVERIFY(namedInConnection("close, X-Foo", "x-foo"));
        QVERIFY(namedInConnection(" x-foo ,bar", "X-FOO"));
        QVERIFY(namedInConnection("a,,b", "b"));
        QVERIFY(!namedInConnection("x-foobar", "x-foo"));
        QVERIFY(!namedInConnection("", "x-foo"));
    }

    void idempotence()
    {
        for (const char* m : {"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
            QVERIFY2(isIdempotentMethod(m), m);
        for (const char* m : {"POST", "PATCH", "CONNECT", "get"})
            QVERIFY2(!isIdempotentMethod(m), m);
    }

    void upstreamHead()
    {
        RouteTable table({api("/api/", "http://up.example:8000/base", true)});
        const std::string bytes = "POST /api/items?x=1 HTTP/1.1\r\n"
                                  "Host: gateway.example\r\n"
                                  "Connection: keep-alive, X-Hop\r\n"
                                  "X-Hop: secret\r\n"
                                  "Keep-Alive: timeout=5\r\n"
                                  "Proxy-Connection: keep-alive\r\n"
                                  "Proxy-Authorization: Basic abc\r\n"
                                  "TE: trailers\r\n"
                                  "Upgrade: websocket\r\n"
                                  "Expect: 100-continue\r\n"
                                  "X-Forwarded-For: 10.0.0.1\r\n"
                                  "Accept: */*\r\n"
                                  "x-forwarded-for: 10.0.0.2\r\n"
                                  "Content-Length: 5\r\n"
                                  "\r\nhello";
        Parsed p;
        parse(bytes, p);
        QVERIFY(p.ok);
        const RouteMatch m = table.match(p.request.target);
        QVERIFY(m);
        std::string out = "garbage from the previous request";
        UpstreamHeadParams params;
        params.hostHeader = "up.example:8000";
        params.peer = "192.0.2.7";
        writeUpstreamHead(out, p.request, m, params);
        QCOMPARE(out, std::string("POST /base/items?x=1 HTTP/1.1\r\n"
                                  "Host: up.example:8000\r\n"
                                  "Accept: */*\r\n"
                                  "X-Forwarded-For: 10.0.0.1, 10.0.0.2, 192.0.2.7\r\n"
                                  "Content-Length: 5\r\n"
                                  "\r\n"));
    }

    void upstreamHeadChunkedAndFilters()
    {
        RouteTable table({api("/", "http://127.0.0.1:9", true)});
        const std::string bytes = "PUT /x HTTP/1.1\r\nHost: h\r\nAuthorization: key\r\n"
                                  "Transfer-Encoding: chunked\r\nX-Keep: 1\r\n\r\n";
        Parsed p;
        parse(bytes, p);
        QVERIFY(p.ok);
        const RouteMatch m = table.match(p.request.target);
        std::string out;
        const gb::http::Header extra[] = {{"X-Upstream-Key", "k1"}};
        const std::string_view removed[] = {"authorization"};
        UpstreamHeadParams params;
        params.hostHeader = "127.0.0.1:9";
        params.peer = "::1";
        params.closeConnection = true;
        params.extraHeaders = extra;
        params.removeHeaders = removed;
        writeUpstreamHead(out, p.request, m, params);
        QCOMPARE(out, std::string("PUT /x HTTP/1.1\r\nHost: 127.0.0.1:9\r\nX-Keep: 1\r\n"
                                  "X-Upstream-Key: k1\r\nX-Forwarded-For: ::1\r\n"
                                  "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"));
    }

    void routingTargets()
    {
        std::string scratch;
        Parsed origin;
        const std::string a = "GET /p?q=1 HTTP/1.1\r\nHost: h\r\n\r\n";
        parse(a, origin);
        QCOMPARE(routingTarget(origin.request, scratch), std::string_view("/p?q=1"));
        Parsed absolute;
        const std::string b = "GET http://h/p/q?x=2 HTTP/1.1\r\nHost: h\r\n\r\n";
        parse(b, absolute);
        QVERIFY(absolute.ok);
        QCOMPARE(routingTarget(absolute.request, scratch), std::string_view("/p/q?x=2"));
        Parsed bare;
        const std::string c = "GET http://h HTTP/1.1\r\nHost: h\r\n\r\n";
        parse(c, bare);
        QVERIFY(bare.ok);
        QCOMPARE(routingTarget(bare.request, scratch), std::string_view("/"));
    }

    void responseFields()
    {
        ResponseHead head;
        head.add("Content-Type", "application/json");
        head.add("Connection", "X-Resp, keep-alive");
        head.add("X-Resp", "hop");
        head.add("Keep-Alive", "timeout=5");
        head.add("Date", "Thu, 01 Jan 1970 00:00:00 GMT");
        head.add("Content-Length", "10");
        head.add("Transfer-Encoding", "chunked");
        head.add("Set-Cookie", "a=1");
        head.add("Set-Cookie", "b=2");
        const gb::http::Header extra[] = {{"X-RateLimit-Remaining", "9"}};
        const auto out = head.forwarded(extra);
        QCOMPARE(out.size(), std::size_t(4));
        QCOMPARE(out[0].name, std::string_view("Content-Type"));
        QCOMPARE(out[1].value, std::string_view("a=1"));
        QCOMPARE(out[2].value, std::string_view("b=2"));
        QCOMPARE(out[3].name, std::string_view("X-RateLimit-Remaining"));
        QVERIFY(!head.overflowed());
        head.clear();
        QCOMPARE(head.forwarded().size(), std::size_t(0));
        for (std::size_t i = 0; i < ResponseHead::kMaxFields + 1; ++i)
            head.add("X-N", "v");
        QVERIFY(head.overflowed());
    }

    void visitorChunked()
    {
        const std::string response = "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n"
                                     "HTTP/1.1 201 Created\r\nX-A: 1\r\n"
                                     "Transfer-Encoding: chunked\r\n\r\n"
                                     "3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n";
        // Byte by byte and whole: the visitor must see the same thing either way.
        for (const bool split : {false, true}) {
            Trace trace;
            gb::http::ResponseVisitor v{&trace, &Trace::header, &Trace::end, &Trace::body};
            gb::http::ResponseParser parser;
            parser.setVisitor(&v);
            parser.reset(false); // keeps the visitor
            std::string pending;
            gb::http::ResponseParser::Status s = gb::http::ResponseParser::Status::NeedMore;
            for (std::size_t i = 0; i < response.size();) {
                const std::size_t n = split ? 1 : response.size();
                pending.append(response, i, n);
                i += n;
                s = parser.parse(pending.data(), pending.size());
                pending.erase(0, parser.consumed());
            }
            QCOMPARE(s, gb::http::ResponseParser::Status::Done);
            QCOMPARE(parser.statusCode(), 201);
            QCOMPARE(parser.framing(), gb::http::ResponseParser::Framing::Chunked);
            std::string bodySeen;
            std::vector<std::string> heads;
            for (const std::string& e : trace.events) {
                if (e.starts_with("B:"))
                    bodySeen += e.substr(2);
                else
                    heads.push_back(e);
            }
            QCOMPARE(bodySeen, std::string("abcde"));
            QCOMPARE(heads.size(), std::size_t(3)); // interim fields and trailers not reported
            QCOMPARE(heads[0], std::string("H:X-A=1"));
            QCOMPARE(heads[1], std::string("H:Transfer-Encoding=chunked"));
            QCOMPARE(heads[2], std::string("E"));
            QCOMPARE(trace.events.back().substr(0, 2), std::string("B:")); // E came first
        }
    }

    void visitorFraming()
    {
        gb::http::ResponseParser parser;
        Trace trace;
        gb::http::ResponseVisitor v{&trace, &Trace::header, &Trace::end, &Trace::body};
        parser.setVisitor(&v);

        parser.reset(true); // HEAD: no body, but the declared length is known
        const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 70\r\n\r\n";
        QCOMPARE(parser.parse(head.data(), head.size()), gb::http::ResponseParser::Status::Done);
        QCOMPARE(parser.framing(), gb::http::ResponseParser::Framing::None);
        QCOMPARE(parser.declaredLength(), std::int64_t(70));

        parser.reset(false);
        const std::string close = "HTTP/1.1 200 OK\r\n\r\nuntil close";
        QCOMPARE(parser.parse(close.data(), close.size()),
                 gb::http::ResponseParser::Status::NeedMore);
        QCOMPARE(parser.framing(), gb::http::ResponseParser::Framing::UntilClose);
        QCOMPARE(parser.declaredLength(), std::int64_t(-1));
        QCOMPARE(trace.events.back(), std::string("B:until close"));
        QCOMPARE(parser.finishOnEof(), gb::http::ResponseParser::Status::Done);

        parser.reset(false);
        const std::string length = "HTTP/1.1 204 No Content\r\n\r\n";
        QCOMPARE(parser.parse(length.data(), length.size()),
                 gb::http::ResponseParser::Status::Done);
        QCOMPARE(parser.framing(), gb::http::ResponseParser::Framing::None);

        // Without a visitor nothing changes for the engine.
        gb::http::ResponseParser plain;
        plain.reset(false);
        const std::string body = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
        QCOMPARE(plain.parse(body.data(), body.size()), gb::http::ResponseParser::Status::Done);
        QCOMPARE(plain.bodyBytes(), std::uint64_t(3));
        QCOMPARE(plain.framing(), gb::http::ResponseParser::Framing::Length);
    }
};

QTEST_APPLESS_MAIN(TestProxyUnits)
#include "tst_proxy_units.moc"
