#pragma once

#include "app/scenario.h"

#include <QByteArray>
#include <QString>

#include <chrono>

namespace gb::app {

/// What a probe got back: status 0 means no HTTP answer, and error says why.
struct HttpReply
{
    int status = 0;
    QByteArray body;
    QString error;

    bool isSuccess() const { return status >= 200 && status < 300; }
};

/// One blocking HTTP/1.1 request on a fresh connection (Connection: close) to host:port,
/// bounded by timeout as a whole. For health checks and admin calls to our own children, not
/// for load. Blocks the calling thread: never call it on the GUI thread.
HttpReply httpRequest(const QString& host, quint16 port, const QByteArray& method,
                      const QString& target, const QList<HttpHeader>& headers = {},
                      const QByteArray& body = {},
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(1000));

/// Redis health: PING answered with +PONG within timeout. Blocking, like httpRequest.
[[nodiscard]] bool redisPing(const QString& host, quint16 port, std::chrono::milliseconds timeout,
                             QString* error = nullptr);

} // namespace gb::app
