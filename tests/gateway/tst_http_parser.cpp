// The strict request parser, the chunked decoder and the response serializer: every smuggling and
// limit case the issue names, each answered with its status, and the valid forms that must pass.

#include "gateway/http/chunked_decoder.h"
#include "gateway/http/output_buffer.h"
#include "gateway/http/request_parser.h"
#include "gateway/http/response.h"

#include <QTest>

#include <string>
#include <sys/uio.h>

using gb::http::ChunkedDecoder;
using gb::http::Limits;
using gb::http::ParseError;
using gb::http::Request;
using gb::http::RequestParser;

Q_DECLARE_METATYPE(ParseError)

namespace {

// Small limits so the limit cases stay readable; every valid row fits well inside them.
Limits testLimits()
{
    Limits l;
    l.maxRequestLine = 64;
    l.maxHeadBytes = 256;
    l.maxHeaders = 8;
    l.maxBodyBytes = 1000;
    l.maxChunkLine = 32;
    l.maxTrailerBytes = 64;
    return l;
}

struct Outcome
{
    RequestParser::Status status;
    ParseError error;
    std::size_t consumed;
};

Outcome parseWhole(const std::string& raw, Request& req, const Limits& limits)
{
    RequestParser p(limits);
    const auto r = p.parse(raw, req);
    return {r.status, r.error, r.consumed};
}

// Feeds the bytes one at a time, as a trickling client would; the parser must reach the same
// verdict as with the whole buffer, and never claim completion early.
Outcome parseTrickled(const std::string& raw, Request& req, const Limits& limits)
{
    RequestParser p(limits);
    for (std::size_t n = 1; n <= raw.size(); ++n) {
        const auto r = p.parse(std::string_view(raw).substr(0, n), req);
        if (r.status != RequestParser::Status::NeedMore)
            return {r.status, r.error, r.consumed};
    }
    return {RequestParser::Status::NeedMore, ParseError::None, 0};
}

QByteArray bytes(const std::string& s)
{
    return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
}

std::string req11(const std::string& fields)
{
    return "POST / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n";
}

} // namespace

class TestHttpParser : public QObject
{
    Q_OBJECT
private slots:
    void rejects_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("status");
        QTest::addColumn<ParseError>("error");
        using E = ParseError;
        auto row = [](const char* name, const std::string& raw, int status, E e) {
            QTest::newRow(name) << bytes(raw) << status << e;
        };
        // Framing ambiguities (request smuggling).
        row("TE+CL", req11("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"), 400,
            E::ContentLengthWithTransferEncoding);
        row("CL+TE", req11("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"), 400,
            E::ContentLengthWithTransferEncoding);
        row("CL differing", req11("Content-Length: 5\r\nContent-Length: 6\r\n"), 400,
            E::ConflictingContentLength);
        row("CL list", req11("Content-Length: 5, 5\r\n"), 400, E::BadContentLength);
        row("CL list differing", req11("Content-Length: 5, 6\r\n"), 400, E::BadContentLength);
        row("CL plus sign", req11("Content-Length: +5\r\n"), 400, E::BadContentLength);
        row("CL negative", req11("Content-Length: -1\r\n"), 400, E::BadContentLength);
        row("CL hex", req11("Content-Length: 0x5\r\n"), 400, E::BadContentLength);
        row("CL empty", req11("Content-Length: \r\n"), 400, E::BadContentLength);
        row("CL inner space", req11("Content-Length: 1 2\r\n"), 400, E::BadContentLength);
        row("CL overflow", req11("Content-Length: 99999999999999999999999\r\n"), 400,
            E::BadContentLength);
        row("TE gzip", req11("Transfer-Encoding: gzip\r\n"), 400, E::ChunkedNotFinal);
        row("TE chunked,gzip", req11("Transfer-Encoding: chunked, gzip\r\n"), 400,
            E::ChunkedNotFinal);
        row("TE chunked twice", req11("Transfer-Encoding: chunked, chunked\r\n"), 400,
            E::ChunkedNotFinal);
        row("TE trailing comma", req11("Transfer-Encoding: chunked,\r\n"), 400, E::ChunkedNotFinal);
        row("TE chunked params", req11("Transfer-Encoding: chunked;q=1\r\n"), 400,
            E::ChunkedNotFinal);
        row("TE empty", req11("Transfer-Encoding: \r\n"), 400, E::ChunkedNotFinal);
        row("TE gzip,chunked", req11("Transfer-Encoding: gzip, chunked\r\n"), 501,
            E::UnknownTransferCoding);
        row("TE xchunked", req11("Transfer-Encoding: xchunked\r\n"), 501, E::UnknownTransferCoding);
        row("TE identity", req11("Transfer-Encoding: identity\r\n"), 501, E::UnknownTransferCoding);
        row("TE two lines", req11("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"),
            400, E::DuplicateTransferEncoding);
        row("TE on HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
            E::TransferEncodingOnHttp10);
        row("obs-fold", req11("X-A: 1\r\n  continued\r\n"), 400, E::ObsFold);
        row("obs-fold tab", req11("X-A: 1\r\n\tcontinued\r\n"), 400, E::ObsFold);
        row("first field folded", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400, E::ObsFold);
        // Host.
        row("missing Host", "GET / HTTP/1.1\r\n\r\n", 400, E::MissingHost);
        row("duplicate Host", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400,
            E::DuplicateHost);
        row("duplicate Host same", "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n", 400,
            E::DuplicateHost);
        row("duplicate Host 1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400,
            E::DuplicateHost);
        row("Host with space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, E::BadHost);
        row("Host with slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400, E::BadHost);
        // Lines and fields.
        row("bare LF request line", "GET / HTTP/1.1\nHost: a\r\n\r\n", 400, E::BareLineFeed);
        row("bare LF field", "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", 400, E::BareLineFeed);
        row("bare LF end", "GET / HTTP/1.1\r\nHost: a\n\n", 400, E::BareLineFeed);
        row("bare CR in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400,
            E::BareLineFeed);
        row("space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, E::BadHeaderName);
        row("space in name", "GET / HTTP/1.1\r\nHost: a\r\nX Y: b\r\n\r\n", 400, E::BadHeaderName);
        row("empty name", "GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n", 400, E::BadHeaderName);
        row("no colon", "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400, E::BadHeaderName);
        row("NUL in value", std::string("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", 36), 400,
            E::BadHeaderValue);
        row("DEL in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\x7f\r\n\r\n", 400,
            E::BadHeaderValue);
        // Request line.
        row("two spaces", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400, E::BadRequestLine);
        row("trailing space", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400, E::BadRequestLine);
        row("no version", "GET /\r\nHost: a\r\n\r\n", 400, E::BadRequestLine);
        row("empty method", " / HTTP/1.1\r\nHost: a\r\n\r\n", 400, E::BadMethod);
        row("method with slash", "GE/T / HTTP/1.1\r\nHost: a\r\n\r\n", 400, E::BadRequestLine);
        row("lower-case version", "GET / http/1.1\r\nHost: a\r\n\r\n", 400, E::BadVersion);
        row("short version", "GET / HTTP/1\r\nHost: a\r\n\r\n", 400, E::BadVersion);
        row("HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, E::UnsupportedVersion);
        row("HTTP/1.2", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", 505, E::UnsupportedVersion);
        row("HTTP/0.9", "GET / HTTP/0.9\r\nHost: a\r\n\r\n", 505, E::UnsupportedVersion);
        row("fragment", "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", 400, E::BadTarget);
        row("non-ASCII target", "GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", 400, E::BadTarget);
        row("control in target", "GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n", 400, E::BadTarget);
        row("relative target", "GET a/b HTTP/1.1\r\nHost: a\r\n\r\n", 400, E::BadTarget);
        row("GET *", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400, E::BadTarget);
        row("CONNECT origin-form", "CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n", 400, E::BadTarget);
        row("absolute empty authority", "GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n", 400,
            E::BadTarget);
        row("Expect other", "GET / HTTP/1.1\r\nHost: a\r\nExpect: fly\r\n\r\n", 417, E::BadExpect);
        // Limits.
        row("request line too long",
            "GET /" + std::string(80, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n", 414,
            E::RequestLineTooLong);
        row("request line too long, no end yet", "GET /" + std::string(80, 'a'), 414,
            E::RequestLineTooLong);
        row("headers too large",
            "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(300, 'b') + "\r\n\r\n", 431,
            E::HeadersTooLarge);
        row("headers too large, no end yet",
            "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(300, 'b'), 431, E::HeadersTooLarge);
        std::string many = "GET / HTTP/1.1\r\nHost: a\r\n";
        for (int i = 0; i < 8; ++i) {
            // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on "X" + s.
            many += 'X';
            many += std::to_string(i);
            many += ": v\r\n";
        }
        row("too many headers", many + "\r\n", 431, E::TooManyHeaders);
        row("body too large", req11("Content-Length: 1001\r\n"), 413, E::BodyTooLarge);
    }
    void rejects()
    {
        QFETCH(QByteArray, raw);
        QFETCH(int, status);
        QFETCH(ParseError, error);
        const Limits limits = testLimits();
        const std::string s(raw.constData(), static_cast<std::size_t>(raw.size()));
        Request req;
        const Outcome whole = parseWhole(s, req, limits);
        QCOMPARE(int(whole.status), int(RequestParser::Status::Error));
        QCOMPARE(gb::http::toString(whole.error), gb::http::toString(error));
        QCOMPARE(gb::http::statusFor(whole.error), status);
        const Outcome trickled = parseTrickled(s, req, limits);
        QCOMPARE(int(trickled.status), int(RequestParser::Status::Error));
        QCOMPARE(gb::http::statusFor(trickled.error), status);
    }

    void accepts_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("framing");
        QTest::addColumn<qulonglong>("length");
        QTest::addColumn<bool>("keepAlive");
        using F = gb::http::BodyFraming;
        auto row = [](const char* name, const std::string& raw, const char* path, const char* query,
                      F framing, qulonglong length, bool keepAlive) {
            QTest::newRow(name) << bytes(raw) << QString(path) << QString(query) << int(framing)
                                << length << keepAlive;
        };
        row("simple", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "/", "", F::None, 0, true);
        row("query", "GET /p/q?x=1&y HTTP/1.1\r\nHost: a\r\n\r\n", "/p/q", "x=1&y", F::None, 0,
            true);
        row("HTTP/1.0 no Host", "GET / HTTP/1.0\r\n\r\n", "/", "", F::None, 0, false);
        row("HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", "/", "",
            F::None, 0, true);
        row("close", "GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n", "/", "",
            F::None, 0, false);
        row("content-length", req11("Content-Length: 5\r\n"), "/", "", F::Length, 5, true);
        row("content-length zero", req11("Content-Length: 0\r\n"), "/", "", F::None, 0, true);
        row("identical CL twice", req11("Content-Length: 5\r\nContent-Length: 5\r\n"), "/", "",
            F::Length, 5, true);
        row("chunked", req11("Transfer-Encoding: chunked\r\n"), "/", "", F::Chunked, 0, true);
        row("chunked case and OWS", req11("transfer-encoding:\t Chunked \r\n"), "/", "", F::Chunked,
            0, true);
        row("leading CRLF", "\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n", "/x", "", F::None, 0,
            true);
        row("absolute-form", "GET http://h:80/p?q HTTP/1.1\r\nHost: h\r\n\r\n", "/p", "q", F::None,
            0, true);
        row("absolute-form no path", "GET http://h HTTP/1.1\r\nHost: h\r\n\r\n", "/", "", F::None,
            0, true);
        row("OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", "*", "", F::None, 0, true);
        row("CONNECT", "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n", "", "", F::None, 0, true);
        row("empty value and obs-text",
            "GET / HTTP/1.1\r\nHost: a\r\nX-E:\r\nX-U: caf\xc3\xa9\r\n\r\n", "/", "", F::None, 0,
            true);
        row("empty Host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", "/", "", F::None, 0, true);
        row("IPv6 Host", "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", "/", "", F::None, 0, true);
        row("CL at limit", req11("Content-Length: 1000\r\n"), "/", "", F::Length, 1000, true);
    }
    void accepts()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QString, path);
        QFETCH(QString, query);
        QFETCH(int, framing);
        QFETCH(qulonglong, length);
        QFETCH(bool, keepAlive);
        const Limits limits = testLimits();
        const std::string s(raw.constData(), static_cast<std::size_t>(raw.size()));
        for (const bool trickle : {false, true}) {
            Request req;
            const Outcome o = trickle ? parseTrickled(s, req, limits) : parseWhole(s, req, limits);
            QCOMPARE(int(o.status), int(RequestParser::Status::Complete));
            QCOMPARE(o.consumed, s.size());
            QCOMPARE(QString::fromUtf8(req.path.data(), qsizetype(req.path.size())), path);
            QCOMPARE(QString::fromUtf8(req.query.data(), qsizetype(req.query.size())), query);
            QCOMPARE(int(req.framing), framing);
            QCOMPARE(qulonglong(req.contentLength), length);
            QCOMPARE(req.keepAlive, keepAlive);
        }
    }

    void fieldsAndViews()
    {
        const std::string raw =
            "PUT /x HTTP/1.1\r\nHost: example\r\nX-Trim:  padded \t\r\nExpect: 100-continue\r\n"
            "Content-Length: 3\r\n\r\nabc";
        Request req;
        const Outcome o = parseWhole(raw, req, testLimits());
        QCOMPARE(int(o.status), int(RequestParser::Status::Complete));
        QCOMPARE(o.consumed, raw.size() - 3); // the body is not part of the head
        QCOMPARE(req.method, std::string_view("PUT"));
        QCOMPARE(int(req.methodId), int(gb::http::Method::Put));
        QCOMPARE(req.host, std::string_view("example"));
        QCOMPARE(req.header("x-trim"), std::string_view("padded"));
        QCOMPARE(req.headers().size(), std::size_t(4));
        QVERIFY(req.expectContinue);
        QVERIFY(!req.hasHeader("absent"));
        // Views point into the caller's buffer: no copy was made.
        QVERIFY(req.host.data() > raw.data() && req.host.data() < raw.data() + raw.size());
    }

    void pipelined()
    {
        const std::string raw =
            "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n"
            "GET /c HTTP/1.1\r\nHost: h\r\n";
        const Limits limits = testLimits();
        RequestParser p(limits);
        Request req;
        std::string_view rest = raw;
        auto r = p.parse(rest, req);
        QCOMPARE(int(r.status), int(RequestParser::Status::Complete));
        QCOMPARE(req.path, std::string_view("/a"));
        rest.remove_prefix(r.consumed);
        p.reset();
        r = p.parse(rest, req);
        QCOMPARE(int(r.status), int(RequestParser::Status::Complete));
        QCOMPARE(req.path, std::string_view("/b"));
        rest.remove_prefix(r.consumed);
        p.reset();
        r = p.parse(rest, req);
        QCOMPARE(int(r.status), int(RequestParser::Status::NeedMore)); // third is incomplete
    }

    void chunked_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<ParseError>("error");
        using E = ParseError;
        auto row = [](const char* name, const std::string& raw, const std::string& body, E e) {
            QTest::newRow(name) << bytes(raw) << bytes(body) << e;
        };
        row("simple", "5\r\nhello\r\n0\r\n\r\n", "hello", E::None);
        row("two chunks", "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world", E::None);
        row("upper hex", "A\r\n0123456789\r\n0\r\n\r\n", "0123456789", E::None);
        row("leading zeros", "0005\r\nhello\r\n0\r\n\r\n", "hello", E::None);
        row("extension", "5;name=value\r\nhello\r\n0;x\r\n\r\n", "hello", E::None);
        row("quoted extension", "5;n=\"a b\"\r\nhello\r\n0\r\n\r\n", "hello", E::None);
        row("BWS extension", "5 ;n\r\nhello\r\n0\r\n\r\n", "hello", E::None);
        row("trailer", "5\r\nhello\r\n0\r\nX-Sum: 1\r\n\r\n", "hello", E::None);
        row("bare LF size", "5\nhello\r\n0\r\n\r\n", "", E::BadChunkSize);
        row("no digits", "\r\nhello\r\n0\r\n\r\n", "", E::BadChunkSize);
        row("negative", "-5\r\nhello\r\n0\r\n\r\n", "", E::BadChunkSize);
        row("0x prefix", "0x5\r\nhello\r\n0\r\n\r\n", "", E::BadChunkSize);
        row("17 digits", "00000000000000005\r\nhello\r\n0\r\n\r\n", "", E::BadChunkSize);
        row("space no extension", "5 \r\nhello\r\n0\r\n\r\n", "", E::BadChunkExtension);
        row("LF in extension", "5;a\nb\r\nhello\r\n0\r\n\r\n", "", E::BadChunkExtension);
        row("extension too long", "5;" + std::string(40, 'x') + "\r\nhello\r\n0\r\n\r\n", "",
            E::BadChunkExtension);
        row("data longer than size", "5\r\nhelloX\r\n0\r\n\r\n", "hello", E::BadChunkData);
        row("data without CRLF", "5\r\nhello0\r\n\r\n", "hello", E::BadChunkData);
        row("bare LF after data", "5\r\nhello\n0\r\n\r\n", "hello", E::BadChunkData);
        row("trailer obs-fold", "0\r\nX: 1\r\n folded\r\n\r\n", "", E::BadTrailer);
        row("trailer bare LF", "0\r\n\n", "", E::BadTrailer);
        row("trailer too large", "0\r\nX: " + std::string(80, 'v') + "\r\n\r\n", "", E::BadTrailer);
        row("over body limit", "3e9\r\n", "", E::BodyTooLarge);
        row("over body limit in total", "1f4\r\n" + std::string(500, 'a') + "\r\n1f5\r\n",
            std::string(500, 'a'), E::BodyTooLarge);
        row("size overflow", "ffffffffffffffff\r\n", "", E::BodyTooLarge);
    }
    void chunked()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QByteArray, body);
        QFETCH(ParseError, error);
        const Limits limits = testLimits();
        const std::string s(raw.constData(), static_cast<std::size_t>(raw.size()));
        for (const bool trickle : {false, true}) {
            ChunkedDecoder d(limits);
            std::string got;
            ParseError e = ParseError::None;
            bool done = false;
            // Trickled: the input grows a byte at a time, unconsumed bytes are offered again.
            std::size_t pos = 0;
            for (std::size_t avail = trickle ? 1 : s.size(); avail <= s.size() && !done; ++avail) {
                for (int guard = 0; guard < 1000; ++guard) {
                    const auto r = d.decode(std::string_view(s).substr(pos, avail - pos));
                    pos += r.consumed;
                    got.append(r.data);
                    if (r.error != ParseError::None) {
                        e = r.error;
                        done = true;
                        break;
                    }
                    if (r.done) {
                        done = true;
                        break;
                    }
                    if (r.data.empty())
                        break; // needs more input
                }
            }
            QCOMPARE(gb::http::toString(e), gb::http::toString(error));
            QCOMPARE(bytes(got), body);
            if (error == ParseError::None) {
                QVERIFY(d.done());
                QCOMPARE(pos, s.size());
            }
        }
    }

    void responseHead()
    {
        gb::http::OutputBuffer out;
        const gb::http::Header h[] = {{"Content-Type", "application/json"}};
        gb::http::writeResponseHead(out, 200, h, gb::http::ResponseFraming::Length, 70,
                                    gb::http::ConnectionToken::Close);
        out.append("x");
        std::string text;
        iovec iov[8];
        const int n = out.gather(iov, 8);
        for (int i = 0; i < n; ++i)
            text.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
        QVERIFY(text.starts_with("HTTP/1.1 200 OK\r\nDate: "));
        QVERIFY(text.ends_with(" GMT\r\nContent-Type: application/json\r\nConnection: close\r\n"
                               "Content-Length: 70\r\n\r\nx"));
        const auto date = gb::http::dateHeaderLine();
        QCOMPARE(date.size(), std::string_view("Date: Thu, 26 Nov 2026 16:43:14 GMT\r\n").size());
        QCOMPARE(gb::http::statusLine(599), std::string_view("HTTP/1.1 599 \r\n"));
        QCOMPARE(gb::http::statusLine(431),
                 std::string_view("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
    }

    void chunkAndBorrowedSegments()
    {
        gb::http::OutputBuffer out;
        static const std::string big(5000, 'z');
        gb::http::writeChunk(out, "hello");
        gb::http::writeChunk(out, big, true);
        gb::http::writeLastChunk(out);
        iovec iov[8];
        int n = out.gather(iov, 8);
        QCOMPARE(n, 3); // owned, borrowed, owned
        QCOMPARE(iov[1].iov_base, static_cast<const void*>(big.data()));
        std::string text;
        for (int i = 0; i < n; ++i)
            text.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
        QCOMPARE(text, "5\r\nhello\r\n1388\r\n" + big + "\r\n0\r\n\r\n");
        // A partial send resumes in the middle of a segment.
        const std::size_t total = out.pendingBytes();
        out.consume(12);
        n = out.gather(iov, 8);
        std::string rest;
        for (int i = 0; i < n; ++i)
            rest.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
        QCOMPARE(rest, text.substr(12));
        out.consume(total - 12);
        QVERIFY(out.empty());
    }
};

QTEST_GUILESS_MAIN(TestHttpParser)
#include "tst_http_parser.moc"
