// The upstream pool under a burst, against the real gatebench-gateway and a recording upstream in
// this process: 2,000 client connections each send one request at once through a gateway whose
// pool is capped at 32 connections (max_connections_per_host). Every request is answered 200, no
// client connection is refused, the upstream never sees more than 32 connections open at once nor
// more than 32 opened in all (a connection is handed to the next waiting request, never closed
// while requests wait), and /metrics counts the requests that waited. Loopback only; bounded.

#include "support/gateway_harness.h"
#include "support/prometheus_text.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <cerrno>
#include <memory>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

using namespace gb::test;

namespace {

constexpr int kClients = 2000;
constexpr int kPoolCap = 32;

/// A non-blocking socket connecting to 127.0.0.1:port, or -1.
int connectTo(std::uint16_t port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) < 0 &&
        errno != EINPROGRESS) {
        ::close(fd);
        return -1;
    }
    return fd;
}

/// dir/apps/rec.json (an API "rec" on /rec/ to the upstream) and dir/tyk.conf with `extra`.
bool writeGatewayFiles(const QTemporaryDir& dir, std::uint16_t upstreamPort,
                       const std::string& extra = {})
{
    const std::string target = "http://127.0.0.1:" + std::to_string(upstreamPort);
    return QDir(dir.path()).mkpath(QStringLiteral("apps")) &&
           writeTextFile(dir.filePath(QStringLiteral("apps/rec.json")),
                         apiJson("rec", "/rec/", target)) &&
           writeTextFile(
               dir.filePath(QStringLiteral("tyk.conf")),
               tykConf(dir.filePath(QStringLiteral("apps")).toStdString(), "s3cret", 30, extra));
}

} // namespace

class TestUpstreamPool : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void burstThroughACappedPool()
    {
        // The test holds 2,000 sockets, the gateway 2,000 more: both need the soft limit raised
        // (the gateway raises its own to the hard limit).
        rlimit files{};
        QVERIFY(::getrlimit(RLIMIT_NOFILE, &files) == 0);
        if (files.rlim_max < rlim_t(kClients + 256))
            QSKIP("the open-file hard limit is below 2,256 on this machine");
        files.rlim_cur = files.rlim_max;
        QVERIFY(::setrlimit(RLIMIT_NOFILE, &files) == 0);

        RecordingUpstream upstream;
        QVERIFY(m_dir.isValid());
        QVERIFY(writeGatewayFiles(m_dir, upstream.port(),
                                  "\"max_connections_per_host\": " + std::to_string(kPoolCap)));
        ChildServer gateway;
        QVERIFY2(startGateway(gateway, m_dir.filePath(QStringLiteral("tyk.conf"))),
                 qPrintable(gateway.errors()));

        // Every client connects, then every one sends its request: a burst the gateway reads all
        // at once.
        std::vector<int> clients;
        for (int i = 0; i < kClients; ++i) {
            const int fd = connectTo(gateway.port());
            QVERIFY2(fd >= 0, qPrintable(QString::fromLatin1(std::strerror(errno))));
            clients.push_back(fd);
        }
        const std::string request = getRequest("/rec/item");
        std::vector<std::string> answers(kClients);
        std::vector<bool> sent(kClients, false), done(kClients, false);
        int answered = 0, refused = 0;
        QElapsedTimer clock;
        clock.start();
        while (answered + refused < kClients && clock.elapsed() < 30000) {
            std::vector<pollfd> fds;
            std::vector<int> index;
            for (int i = 0; i < kClients; ++i)
                if (!done[i]) {
                    fds.push_back({clients[i], short(sent[i] ? POLLIN : POLLOUT), 0});
                    index.push_back(i);
                }
            if (::poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR)
                break;
            for (std::size_t k = 0; k < fds.size(); ++k) {
                const int i = index[k];
                if (!fds[k].revents)
                    continue;
                if (!sent[i]) {
                    if (fds[k].revents & (POLLERR | POLLHUP)) {
                        ++refused;
                        done[i] = true;
                        continue;
                    }
                    sent[i] = ::send(clients[i], request.data(), request.size(), MSG_NOSIGNAL) ==
                              ssize_t(request.size());
                    continue;
                }
                char buf[4096];
                const ssize_t n = ::recv(clients[i], buf, sizeof buf, 0);
                if (n > 0)
                    answers[i].append(buf, std::size_t(n));
                if (answers[i].find("\r\n\r\nok") != std::string::npos) {
                    done[i] = true;
                    ++answered;
                } else if (n == 0 || (n < 0 && errno != EAGAIN)) {
                    done[i] = true;
                    ++refused;
                }
            }
        }
        int ok = 0;
        for (const std::string& a : answers)
            ok += a.starts_with("HTTP/1.1 200 ") ? 1 : 0;
        for (int fd : clients)
            ::close(fd);

        QCOMPARE(refused, 0);
        QCOMPARE(answered, kClients);
        QCOMPARE(ok, kClients);
        QVERIFY2(upstream.mostOpenAtOnce() <= std::uint64_t(kPoolCap),
                 qPrintable(QString::number(upstream.mostOpenAtOnce())));
        QVERIFY2(upstream.connections() <= std::uint64_t(kPoolCap),
                 qPrintable(QString::number(upstream.connections())));

        // The requests that found the pool full waited in line, and /metrics says how many.
        const auto metrics =
            fetch(gateway.port(), "GET /metrics HTTP/1.1\r\nHost: a\r\nx-tyk-authorization: "
                                  "s3cret\r\n\r\n");
        QVERIFY(metrics);
        const auto waits = QRegularExpression(QStringLiteral("gateway_upstream_waits_total (\\d+)"))
                               .match(QString::fromStdString(metrics->body));
        QVERIFY2(waits.hasMatch() && waits.captured(1).toInt() > 0, metrics->body.c_str());
        QVERIFY(QString::fromStdString(metrics->body)
                    .contains(QStringLiteral("gateway_upstream_waiting_requests 0")));
        QCOMPARE(gateway.terminate(), 0);
    }

    void maxConnTimeReconnects()
    {
        // Tyk's max_conn_time: -1 reuses no upstream connection; 1 reuses one for a second.
        for (const int maxConnTime : {-1, 1}) {
            RecordingUpstream upstream;
            QTemporaryDir dir;
            QVERIFY(writeGatewayFiles(dir, upstream.port(),
                                      "\"max_conn_time\": " + std::to_string(maxConnTime)));
            ChildServer gateway;
            QVERIFY2(startGateway(gateway, dir.filePath(QStringLiteral("tyk.conf")), 1),
                     qPrintable(gateway.errors()));
            RawClient client(gateway.port());
            for (int i = 0; i < 3; ++i) {
                QVERIFY(client.send(getRequest("/rec/x")));
                const auto r = client.read();
                QVERIFY(r && r->status == 200);
            }
            QCOMPARE(upstream.connections(), std::uint64_t(maxConnTime < 0 ? 3 : 1));
            if (maxConnTime > 0) {
                QTest::qWait(1200); // older than max_conn_time now: not reused
                QVERIFY(client.send(getRequest("/rec/x")));
                const auto r = client.read();
                QVERIFY(r && r->status == 200);
                QCOMPARE(upstream.connections(), std::uint64_t(2));
            }
        }
    }

    void outOfDescriptorsIsSurvivable()
    {
        // A gateway allowed 64 descriptors and 100 clients: it keeps serving the connections it
        // has, counts the refused accepts, and takes the waiting clients once others leave.
        RecordingUpstream upstream;
        QTemporaryDir dir;
        QVERIFY(writeGatewayFiles(dir, upstream.port()));
        ChildServer gateway;
        gateway.process().setChildProcessModifier([] {
            const rlimit few{64, 64};
            ::setrlimit(RLIMIT_NOFILE, &few);
        });
        QVERIFY2(startGateway(gateway, dir.filePath(QStringLiteral("tyk.conf")), 1),
                 qPrintable(gateway.errors()));
        RawClient first(gateway.port());
        QVERIFY(first.send(getRequest("/rec/x"))); // its upstream connection is pooled now
        QVERIFY(first.read()->status == 200);

        std::vector<std::unique_ptr<RawClient>> flood;
        for (int i = 0; i < 100; ++i)
            flood.push_back(std::make_unique<RawClient>(gateway.port()));
        QTest::qWait(300);
        // Out of descriptors: what it has still works, and /metrics says what happened.
        QVERIFY(first.send(getRequest("/rec/x")));
        const auto again = first.read();
        QVERIFY(again && again->status == 200);
        QVERIFY(first.send(getRequest("/metrics")));
        const auto metrics = first.read();
        QVERIFY(metrics && metrics->status == 200);
        const PromScrape scrape = parsePrometheusText(metrics->body);
        const double refused =
            scrape.value("gateway_client_failures_total", {{"kind", "accept"}}).value_or(0);
        QVERIFY2(refused > 0, metrics->body.c_str());

        // Clients leave: the last one waiting in the backlog is taken and answered.
        for (int i = 0; i < 60; ++i)
            flood[std::size_t(i)].reset();
        QVERIFY(flood.back()->send(getRequest("/rec/x")));
        const auto late = flood.back()->read(5000);
        QVERIFY(late && late->status == 200);
        QCOMPARE(gateway.terminate(), 0);
    }
};

QTEST_GUILESS_MAIN(TestUpstreamPool)
#include "tst_upstream_pool.moc"
