#include "app/http_probe.h"

#include <QDeadlineTimer>
#include <QTcpSocket>

namespace gb::app {

namespace {

/// Reads until done(buffer) holds, the peer closes, or the deadline passes.
template <class Done>
bool readUntil(QTcpSocket& socket, QByteArray& buffer, const QDeadlineTimer& deadline, Done done)
{
    while (!done(buffer)) {
        if (socket.bytesAvailable() == 0 &&
            !socket.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime()))))
            return done(buffer) || socket.state() == QAbstractSocket::UnconnectedState;
        buffer += socket.readAll();
        if (deadline.hasExpired())
            return done(buffer);
    }
    return true;
}

QByteArray decodeChunked(const QByteArray& data, bool* complete)
{
    QByteArray out;
    qsizetype at = 0;
    *complete = false;
    while (true) {
        const qsizetype lineEnd = data.indexOf("\r\n", at);
        if (lineEnd < 0)
            return out;
        bool ok = false;
        const qsizetype size =
            data.mid(at, lineEnd - at).split(';').first().trimmed().toLongLong(&ok, 16);
        if (!ok)
            return out;
        if (size == 0) {
            *complete = true;
            return out;
        }
        if (data.size() < lineEnd + 2 + size + 2)
            return out;
        out += data.mid(lineEnd + 2, size);
        at = lineEnd + 2 + size + 2;
    }
}

} // namespace

HttpReply httpRequest(const QString& host, quint16 port, const QByteArray& method,
                      const QString& target, const QList<HttpHeader>& headers,
                      const QByteArray& body, std::chrono::milliseconds timeout)
{
    HttpReply reply;
    const QDeadlineTimer deadline(timeout);
    QTcpSocket socket;
    socket.connectToHost(host, port);
    if (!socket.waitForConnected(int(std::max<qint64>(1, deadline.remainingTime())))) {
        reply.error = QStringLiteral("cannot connect to %1:%2: %3")
                          .arg(host)
                          .arg(port)
                          .arg(socket.errorString());
        return reply;
    }
    QByteArray request = method + ' ' + target.toUtf8() + " HTTP/1.1\r\nHost: " + host.toUtf8() +
                         ':' + QByteArray::number(port) + "\r\nConnection: close\r\n";
    for (const HttpHeader& h : headers)
        request += h.name.toUtf8() + ": " + h.value.toUtf8() + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT")
        request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    request += "\r\n" + body;
    socket.write(request);
    while (socket.bytesToWrite() > 0) {
        if (!socket.waitForBytesWritten(int(std::max<qint64>(1, deadline.remainingTime())))) {
            reply.error = QStringLiteral("cannot send to %1:%2: %3")
                              .arg(host)
                              .arg(port)
                              .arg(socket.errorString());
            return reply;
        }
    }

    QByteArray data;
    readUntil(socket, data, deadline, [](const QByteArray& b) { return b.contains("\r\n\r\n"); });
    const qsizetype headEnd = data.indexOf("\r\n\r\n");
    if (headEnd < 0) {
        reply.error = deadline.hasExpired()
                          ? QStringLiteral("%1:%2 did not answer within %3 ms")
                                .arg(host)
                                .arg(port)
                                .arg(timeout.count())
                          : QStringLiteral("%1:%2 closed the connection without an answer")
                                .arg(host)
                                .arg(port);
        return reply;
    }
    const QList<QByteArray> lines = data.left(headEnd).split('\n');
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    bool ok = false;
    const int status = statusLine.size() >= 2 ? statusLine[1].toInt(&ok) : 0;
    if (!statusLine.first().startsWith("HTTP/") || !ok) {
        reply.error =
            QStringLiteral("%1:%2 answered something that is not HTTP").arg(host).arg(port);
        return reply;
    }
    qint64 contentLength = -1;
    bool chunked = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon < 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length")
            contentLength = value.toLongLong();
        else if (name == "transfer-encoding" && value.toLower().contains("chunked"))
            chunked = true;
    }
    const qsizetype bodyStart = headEnd + 4;
    bool complete = false;
    if (method == "HEAD" || status == 204 || status == 304) {
        complete = true;
    } else if (chunked) {
        readUntil(socket, data, deadline, [&](const QByteArray& b) {
            decodeChunked(b.mid(bodyStart), &complete);
            return complete;
        });
        reply.body = decodeChunked(data.mid(bodyStart), &complete);
    } else if (contentLength >= 0) {
        readUntil(socket, data, deadline,
                  [&](const QByteArray& b) { return b.size() - bodyStart >= contentLength; });
        complete = data.size() - bodyStart >= contentLength;
        reply.body = data.mid(bodyStart, contentLength);
    } else {
        // No length: the body runs to the end of the connection (we asked for close).
        readUntil(socket, data, deadline, [](const QByteArray&) { return false; });
        complete = socket.state() == QAbstractSocket::UnconnectedState;
        reply.body = data.mid(bodyStart);
    }
    if (!complete) {
        reply.error = QStringLiteral("%1:%2 did not send the whole answer within %3 ms")
                          .arg(host)
                          .arg(port)
                          .arg(timeout.count());
        return reply;
    }
    reply.status = status;
    return reply;
}

bool redisPing(const QString& host, quint16 port, std::chrono::milliseconds timeout, QString* error)
{
    const QDeadlineTimer deadline(timeout);
    QTcpSocket socket;
    socket.connectToHost(host, port);
    auto fail = [&](const QString& why) {
        if (error)
            *error = why;
        return false;
    };
    if (!socket.waitForConnected(int(std::max<qint64>(1, deadline.remainingTime()))))
        return fail(QStringLiteral("cannot connect to Redis at %1:%2: %3")
                        .arg(host)
                        .arg(port)
                        .arg(socket.errorString()));
    socket.write("PING\r\n");
    socket.waitForBytesWritten(int(std::max<qint64>(1, deadline.remainingTime())));
    QByteArray data;
    readUntil(socket, data, deadline, [](const QByteArray& b) { return b.contains("\r\n"); });
    if (data.startsWith("+PONG"))
        return true;
    // e.g. "-LOADING Redis is loading the dataset in memory": not ready yet.
    return fail(data.isEmpty()
                    ? QStringLiteral("Redis at %1:%2 did not answer PING").arg(host).arg(port)
                    : QStringLiteral("Redis at %1:%2 answered %3")
                          .arg(host)
                          .arg(port)
                          .arg(QString::fromUtf8(data.trimmed())));
}

} // namespace gb::app
