#include "common/http/response_parser.h"

#include <QTest>

#include <string>
#include <vector>

using gb::http::ResponseParser;
using Status = ResponseParser::Status;
using Error = ResponseParser::Error;

Q_DECLARE_METATYPE(Status)
Q_DECLARE_METATYPE(Error)

namespace {

/// What the parser said about one input, fed the way Connection feeds it.
struct Outcome
{
    Status status = Status::NeedMore;
    int code = 0;
    std::uint64_t body = 0;
    bool keepAlive = false;
    Error error = Error::None;
    std::string leftover;       ///< bytes the parser did not take (a pipelined next response)
    std::size_t maxPending = 0; ///< the most bytes the caller ever had to keep between calls
};

/// Feeds input in pieces ending at each of cuts (ascending, the last one input.size()), keeping
/// unconsumed bytes in front of the next piece as the caller must. Stops at Done or Error; at
/// the end of the input, eof says whether the peer then closes.
Outcome feed(const std::string& input, const std::vector<std::size_t>& cuts, bool head, bool eof)
{
    ResponseParser p;
    p.reset(head);
    Outcome o;
    std::string pending;
    std::size_t from = 0;
    for (const std::size_t to : cuts) {
        pending.append(input, from, to - from);
        from = to;
        o.status = p.parse(pending.data(), pending.size());
        if (p.consumed() > pending.size()) {
            o.status = Status::Error;
            o.error = Error::None; // reported as a mismatch below: consumed beyond the data
            return o;
        }
        pending.erase(0, p.consumed());
        if (o.status != Status::NeedMore)
            break;
        o.maxPending = std::max(o.maxPending, pending.size());
    }
    if (o.status == Status::NeedMore && eof)
        o.status = p.finishOnEof();
    o.code = p.statusCode();
    o.body = p.bodyBytes();
    o.keepAlive = p.keepAlive();
    o.error = p.error();
    o.leftover = pending + input.substr(from);
    return o;
}

std::string repeat(char c, std::size_t n)
{
    return std::string(n, c);
}

const std::string kSecond = "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnop";

} // namespace

class TestResponseParser : public QObject
{
    Q_OBJECT

    void addCases()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<bool>("head"); // the request was HEAD
        QTest::addColumn<bool>("eof");  // the server closes after input
        QTest::addColumn<Status>("status");
        QTest::addColumn<int>("code");
        QTest::addColumn<qulonglong>("body");
        QTest::addColumn<bool>("keepAlive");
        QTest::addColumn<Error>("error");
        QTest::addColumn<QByteArray>("leftover");

        auto done = [](const char* name, const std::string& in, int code, qulonglong body,
                       bool keepAlive, const std::string& leftover = {}, bool head = false,
                       bool eof = false) {
            QTest::newRow(name) << QByteArray::fromStdString(in) << head << eof << Status::Done
                                << code << body << keepAlive << Error::None
                                << QByteArray::fromStdString(leftover);
        };
        auto error = [](const char* name, const std::string& in, Error e, bool eof = false) {
            QTest::newRow(name) << QByteArray::fromStdString(in) << false << eof << Status::Error
                                << 0 << 0ull << false << e << QByteArray();
        };

        // Content-Length
        done("content-length",
             "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello", 200,
             5, true);
        done("content-length zero", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 200, 0, true);
        done("content-length header case and spaces",
             "HTTP/1.1 201 Created\r\ncOnTeNt-LeNgTh:\t 3 \r\n\r\nabc", 201, 3, true);
        done("duplicate equal content-length",
             "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok", 200, 2, true);
        done("no reason phrase", "HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok", 200, 2, true);
        done("bare LF line ends", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok", 200, 2, true);
        done("status above 599", "HTTP/1.1 799 Odd\r\nContent-Length: 1\r\n\r\n!", 799, 1, true);

        // Chunked, with extensions and trailers
        done("chunked",
             "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n"
             "A; a=b;quoted=\"x;y\"\r\n0123456789\r\n1f\r\n" +
                 repeat('z', 31) + "\r\n0\r\nX-Trailer: 1\r\nY: 2\r\n\r\n",
             200, 46, true);
        done("chunked without trailers",
             "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 200, 3,
             true);
        done("chunked last-chunk extension",
             "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0;end=1\r\n\r\n", 200, 0, true);
        done("chunked overrides content-length",
             "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: "
             "chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
             200, 2, true);
        done("chunked in a list",
             "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n", 200,
             2, true);

        // Close-delimited: only the peer's close ends the body
        done("close-delimited", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nabcdef", 200, 6,
             false, {}, false, true);
        done("close-delimited empty", "HTTP/1.1 200 OK\r\n\r\n", 200, 0, false, {}, false, true);
        done("non-chunked coding is close-delimited",
             "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc", 200, 3, false, {}, false,
             true);
        // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length; gzip as the final coding
        // means the body runs to the close, whatever the length says.
        done("non-chunked coding overrides content-length",
             "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: gzip\r\n\r\nabcdef", 200,
             6, false, {}, false, true);
        QTest::newRow("close-delimited without eof")
            << QByteArray("HTTP/1.1 200 OK\r\n\r\nabc") << false << false << Status::NeedMore << 200
            << 3ull << false << Error::None << QByteArray();

        // No body, whatever the headers say
        done("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n", 200, 0, true, {}, true);
        done("HEAD chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 200, 0, true,
             {}, true);
        done("HEAD close-delimited", "HTTP/1.1 200 OK\r\n\r\n", 200, 0, true, {}, true);
        done("204", "HTTP/1.1 204 No Content\r\n\r\n" + kSecond, 204, 0, true, kSecond);
        done("304 with content-length",
             "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n" + kSecond, 304, 0, true,
             kSecond);

        // Interim responses
        done("100 then 200",
             "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, 2,
             true);
        done("100 and 103 then 200",
             "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
             "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
             200, 2, true);
        done("interim does not leak Connection: close",
             "HTTP/1.1 100 Continue\r\nConnection: close\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: "
             "2\r\n\r\nok",
             200, 2, true);
        error("101 upgrade", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
              Error::Upgrade);

        // Persistence
        done("HTTP/1.0 closes by default", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, 2,
             false);
        done("HTTP/1.0 keep-alive",
             "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok", 200, 2,
             true);
        done("HTTP/1.0 close-delimited", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nabc",
             200, 3, false, {}, false, true);
        done("Connection: close",
             "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", 200, 2, false);
        done("Connection list with close",
             "HTTP/1.1 200 OK\r\nConnection: keep-alive, CLOSE\r\nContent-Length: 0\r\n\r\n", 200,
             0, false);
        done("Connection without close",
             "HTTP/1.1 200 OK\r\nConnection: Upgrade\r\nContent-Length: 0\r\n\r\n", 200, 0, true);

        // Pipelining: the next response stays with the caller
        done("pipelined after content-length",
             "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" + kSecond, 200, 2, true, kSecond);
        done("pipelined after chunked",
             "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nT: 1\r\n\r\n" +
                 kSecond,
             200, 2, true, kSecond);
        done("pipelined after HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n" + kSecond, 200,
             0, true, kSecond, true);

        // Line lengths: kMaxLine is allowed, one more is not
        const std::string maxHeader = "X: " + repeat('v', ResponseParser::kMaxLine - 3);
        done("header of kMaxLine",
             "HTTP/1.1 200 OK\r\n" + maxHeader + "\r\nContent-Length: 0\r\n\r\n", 200, 0, true);
        error("header over kMaxLine",
              "HTTP/1.1 200 OK\r\n" + maxHeader + "v\r\nContent-Length: 0\r\n\r\n",
              Error::LineTooLong);
        error("status line too long", "HTTP/1.1 200 " + repeat('r', 10000) + "\r\n\r\n",
              Error::LineTooLong);
        error("endless line", "HTTP/1.1 200 OK\r\nX: " + repeat('v', 20000), Error::LineTooLong);

        // Malformed
        error("conflicting content-length",
              "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
              Error::BadContentLength);
        error("content-length list", "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello",
              Error::BadContentLength);
        error("negative content-length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
              Error::BadContentLength);
        error("empty content-length", "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n",
              Error::BadContentLength);
        error("huge content-length",
              "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
              Error::BadContentLength);
        error("garbage status line", "SPDY/9 OK? definitely not http\r\n\r\n",
              Error::BadStatusLine);
        error("HTTP/2 status line", "HTTP/2 200\r\n\r\n", Error::BadStatusLine);
        error("HTTP/1.2 status line", "HTTP/1.2 200 OK\r\n\r\n", Error::BadStatusLine);
        error("status code letters", "HTTP/1.1 2x0 OK\r\n\r\n", Error::BadStatusLine);
        error("status code two digits", "HTTP/1.1 20 OK\r\n\r\n", Error::BadStatusLine);
        error("status code four digits", "HTTP/1.1 2000 OK\r\n\r\n", Error::BadStatusLine);
        error("status code below 100", "HTTP/1.1 099 OK\r\n\r\n", Error::BadStatusLine);
        error("obs-fold",
              "HTTP/1.1 200 OK\r\nX-Long: first\r\n  continued\r\nContent-Length: 0\r\n\r\n",
              Error::BadHeader);
        error("header without colon", "HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n", Error::BadHeader);
        error("space in header name", "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", Error::BadHeader);
        error("empty header name", "HTTP/1.1 200 OK\r\n: x\r\n\r\n", Error::BadHeader);
        error("bad chunk size",
              "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhi\r\n0\r\n\r\n",
              Error::BadChunk);
        error("empty chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
              Error::BadChunk);
        error("negative chunk size",
              "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-2\r\nhi\r\n0\r\n\r\n",
              Error::BadChunk);
        error("chunk size overflow",
              "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
              "chunked\r\n\r\n10000000000000000\r\nhi\r\n0\r\n\r\n",
              Error::BadChunk);
        error("chunk data overrun",
              "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhiX\r\n0\r\n\r\n",
              Error::BadChunk);

        // Truncated at EOF
        error("truncated content-length body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello",
              Error::Truncated, true);
        error("truncated chunked body",
              "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", Error::Truncated,
              true);
        error("truncated before last chunk",
              "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n", Error::Truncated,
              true);
        error("truncated in trailers",
              "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: 1\r\n",
              Error::Truncated, true);
        error("truncated head", "HTTP/1.1 200 OK\r\nContent-Le", Error::Truncated, true);
        error("truncated after interim", "HTTP/1.1 100 Continue\r\n\r\n", Error::Truncated, true);
        error("eof before anything", "", Error::Truncated, true);
    }

    void check(const Outcome& o, const QString& how)
    {
        QFETCH(Status, status);
        QFETCH(int, code);
        QFETCH(qulonglong, body);
        QFETCH(bool, keepAlive);
        QFETCH(Error, error);
        QFETCH(QByteArray, leftover);
        const QByteArray where = how.toUtf8();
        QVERIFY2(o.status == status, where.constData());
        QVERIFY2(o.error == error,
                 (where + ": error " +
                  QByteArray::fromStdString(std::string(ResponseParser::errorText(o.error))))
                     .constData());
        // A caller never has to keep more than one head line (plus its CR) between reads.
        QVERIFY2(o.maxPending <= ResponseParser::kMaxLine + 1, where.constData());
        if (status == Status::Error)
            return;
        QVERIFY2(o.code == code, (where + ": status " + QByteArray::number(o.code)).constData());
        QVERIFY2(o.body == body,
                 (where + ": body " + QByteArray::number(qulonglong(o.body))).constData());
        QVERIFY2(o.keepAlive == keepAlive, where.constData());
        QVERIFY2(o.leftover == leftover.toStdString(),
                 (where + ": leftover " + o.leftover.c_str()).constData());
    }

private slots:
    void whole_data() { addCases(); }
    void whole()
    {
        QFETCH(QByteArray, input);
        QFETCH(bool, head);
        QFETCH(bool, eof);
        const std::string in = input.toStdString();
        check(feed(in, {in.size()}, head, eof), "whole");
    }

    void byteByByte_data() { addCases(); }
    void byteByByte()
    {
        QFETCH(QByteArray, input);
        QFETCH(bool, head);
        QFETCH(bool, eof);
        const std::string in = input.toStdString();
        std::vector<std::size_t> cuts;
        for (std::size_t i = 1; i <= in.size(); ++i)
            cuts.push_back(i);
        if (cuts.empty())
            cuts.push_back(0);
        check(feed(in, cuts, head, eof), "byte by byte");
    }

    void twoPieces_data() { addCases(); }
    void twoPieces()
    {
        QFETCH(QByteArray, input);
        QFETCH(bool, head);
        QFETCH(bool, eof);
        const std::string in = input.toStdString();
        for (std::size_t cut = 0; cut <= in.size(); ++cut) {
            check(feed(in, {cut, in.size()}, head, eof), QStringLiteral("split at %1").arg(cut));
            if (QTest::currentTestFailed())
                return;
        }
    }

    void reusedForPipelinedResponses()
    {
        // Connection's pattern: reset() per request, the unconsumed rest fed to the next one.
        const std::string first =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
        std::string buffer = first + kSecond + "HTTP/1.1 204 No Content\r\n\r\n";
        ResponseParser p;
        const int expectedCodes[] = {200, 404, 204};
        const std::uint64_t expectedBodies[] = {3, 3, 0};
        for (int i = 0; i < 3; ++i) {
            p.reset();
            QCOMPARE(p.parse(buffer.data(), buffer.size()), Status::Done);
            QCOMPARE(p.statusCode(), expectedCodes[i]);
            QCOMPARE(p.bodyBytes(), expectedBodies[i]);
            buffer.erase(0, p.consumed());
        }
        QVERIFY(buffer.empty());
    }

    void resetClearsEverything()
    {
        ResponseParser p;
        const std::string bad = "garbage\r\n";
        QCOMPARE(p.parse(bad.data(), bad.size()), Status::Error);
        QVERIFY(p.started());
        p.reset();
        QCOMPARE(p.error(), Error::None);
        QVERIFY(!p.started());
        QCOMPARE(p.statusCode(), 0);
        const std::string ok = "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n!";
        QCOMPARE(p.parse(ok.data(), ok.size()), Status::Done);
        QVERIFY(!p.keepAlive());
        QCOMPARE(p.bodyBytes(), 1u);
    }

    void errorsStayErrors()
    {
        ResponseParser p;
        const std::string bad = "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n";
        QCOMPARE(p.parse(bad.data(), bad.size()), Status::Error);
        const std::string more = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        QCOMPARE(p.parse(more.data(), more.size()), Status::Error);
        QCOMPARE(p.finishOnEof(), Status::Error);
        QCOMPARE(p.error(), Error::BadContentLength);
    }

    void startedOnlyOnceBytesArrive()
    {
        // Connection tells a stale keep-alive connection (closed before any byte) from a
        // response cut short by whether the parser has started.
        ResponseParser p;
        QVERIFY(!p.started());
        QCOMPARE(p.parse("", 0), Status::NeedMore);
        QVERIFY(!p.started());
        QCOMPARE(p.parse("H", 1), Status::NeedMore);
        QVERIFY(p.started());
    }

    void errorTextsAreDistinct()
    {
        const Error all[] = {
            Error::None,     Error::BadStatusLine, Error::BadHeader, Error::BadContentLength,
            Error::BadChunk, Error::LineTooLong,   Error::Upgrade,   Error::Truncated};
        std::vector<std::string_view> seen;
        for (const Error e : all) {
            const auto text = ResponseParser::errorText(e);
            QVERIFY(!text.empty());
            QVERIFY(std::find(seen.begin(), seen.end(), text) == seen.end());
            seen.push_back(text);
        }
    }
};

QTEST_GUILESS_MAIN(TestResponseParser)
#include "tst_response_parser.moc"
