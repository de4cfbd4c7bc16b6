// The extension points that keys, auth, rate limits and analytics plug into, exercised in
// process through GatewayApp: request filters that pass, refuse, defer and rewrite headers, their
// completion records, and an admin endpoint registered under /tyk/keys.

#include "gateway/config/gateway_setup.h"
#include "gateway/proxy/admin_endpoint.h"
#include "gateway/proxy/gateway_app.h"
#include "gateway/proxy/request_filter.h"
#include "support/gateway_harness.h"

#include <QTest>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

using namespace gb::gateway;
using namespace gb::gateway::proxy;
using namespace gb::test;

// No raw string literals in this file: moc 6.4 loses the class after one containing braces.

namespace {

/// What the filters saw end, shared by the workers' filter instances.
struct Journal
{
    std::mutex mutex;
    std::vector<std::pair<int, bool>> completed; // status, proxied
    std::vector<std::string> keys;
};

constexpr gb::http::Header kText[] = {{"Content-Type", "text/plain"}};

/// Refuses X-Deny, defers X-Defer (then proceeds) and X-Defer-Deny (then refuses with 429),
/// swaps the client's Authorization for an upstream credential and marks every response.
class TestFilter final : public RequestFilter
{
public:
    TestFilter(WorkerContext& worker, Journal& journal)
        : m_timer(worker.ioContext)
        , m_journal(journal)
    {}

    FilterVerdict onRequest(RequestContext& ctx, FilterResume resume) override
    {
        const gb::http::Request& req = ctx.exchange->request();
        ctx.keyId.assign(req.header("authorization"));
        ctx.addResponseHeaders.push_back({"X-Filter", "seen"});
        ctx.addUpstreamHeaders.push_back({"X-Upstream-Auth", "k1"});
        ctx.removeUpstreamHeaders.push_back("authorization");
        if (const std::string_view how = req.header("x-rewrite"); !how.empty()) {
            // A filter's rewrites of the target's query and of a field's value.
            ctx.replaceUpstreamQuery = true;
            ctx.upstreamQuery.assign(how == "empty" ? "" : "c=3");
            std::string& value = ctx.strings.next();
            value.append("new-").append(req.header("x-replace"));
            ctx.removeUpstreamHeaders.push_back("x-replace");
            ctx.addUpstreamHeaders.push_back({"X-Replace", value});
        }
        if (req.hasHeader("x-deny")) {
            ctx.filterStatus = 403;
            ctx.exchange->respond(403, kText, "denied");
            return FilterVerdict::Responded;
        }
        if (const std::string_view ms = req.header("x-defer-long"); !ms.empty()) {
            // Its own timer: many such requests wait at once.
            auto timer = std::make_shared<boost::asio::steady_timer>(
                m_timer.get_executor(), std::chrono::milliseconds(std::stoi(std::string(ms))));
            timer->async_wait([timer, resume](const boost::system::error_code& ec) {
                if (!ec)
                    resume.proceed();
            });
            return FilterVerdict::Deferred;
        }
        const bool deferDeny = req.hasHeader("x-defer-deny");
        if (req.hasHeader("x-defer") || deferDeny) {
            // As a filter waiting for Redis would: answer later, on this worker's loop.
            m_timer.expires_after(std::chrono::milliseconds(20));
            m_timer.async_wait([resume, deferDeny](const boost::system::error_code& ec) {
                if (ec)
                    return;
                if (!deferDeny) {
                    resume.proceed();
                    return;
                }
                if (RequestContext* ctx = resume.context()) {
                    ctx->filterStatus = 429;
                    ctx->exchange->respond(429, kText, "slow down");
                }
                resume.done();
            });
            return FilterVerdict::Deferred;
        }
        return FilterVerdict::Continue;
    }

    void onComplete(const CompletedRequest& done) override
    {
        const std::lock_guard lock(m_journal.mutex);
        m_journal.completed.emplace_back(done.status, done.proxied);
        m_journal.keys.push_back(done.context.keyId);
    }

private:
    boost::asio::steady_timer m_timer;
    Journal& m_journal;
};

/// Answers with what it was given; "/tyk/keys/async" answers from a later turn of the loop.
class EchoEndpoint final : public AdminEndpoint
{
public:
    void handle(const AdminRequest& request, AdminReply reply) override
    {
        const std::string text = std::string(request.head.method) + " " +
                                 std::string(request.path) + " " + std::string(request.query) +
                                 " " + std::to_string(request.body.size());
        if (request.path == "/tyk/keys/async") {
            auto shared = std::make_shared<AdminReply>(std::move(reply));
            boost::asio::post(shared->ioContext(), [shared, text] {
                shared->send({201, "{\"async\":\"" + text + "\"}"});
            });
            return;
        }
        if (request.path == "/tyk/keys/forget")
            return; // dropped unanswered: the reply's destructor answers 500
        reply.send({200, "{\"echo\":\"" + text + "\"}"});
    }
};

std::uint16_t portOf(const std::string& address)
{
    return static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
}

} // namespace

class TestProxyExtensions : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<RecordingUpstream> m_rec;
    Journal m_journal;
    std::unique_ptr<GatewayApp> m_app;
    std::uint16_t m_port = 0;

    std::vector<std::pair<int, bool>> completed()
    {
        const std::lock_guard lock(m_journal.mutex);
        return m_journal.completed;
    }

private slots:
    void initTestCase()
    {
        m_rec = std::make_unique<RecordingUpstream>();
        GatewayOptions options;
        options.listen = gb::net::ListenAddress{"127.0.0.1", 0};
        options.target = "http://127.0.0.1:" + std::to_string(m_rec->port());
        options.listenPath = "/api/";
        options.threads = 2;
        options.secret = "s";
        GatewayExtensions extensions;
        extensions.filters.push_back(
            [this](WorkerContext& w) { return std::make_unique<TestFilter>(w, m_journal); });
        extensions.adminRoutes.push_back({"/tyk/keys", std::make_shared<EchoEndpoint>()});
        extensions.metricsWriters.push_back([](std::string& out) {
            out.append("# HELP ext_test_total From an extension.\n"
                       "# TYPE ext_test_total counter\next_test_total 3\n");
        });
        extensions.healthChecks.push_back([] {
            return HealthComponent{"redis", HealthStatus::Fail, "datastore", "down",
                                   std::chrono::system_clock::now()};
        });
        m_app = std::make_unique<GatewayApp>(makeGatewaySetup(options), std::move(extensions));
        m_app->start();
        m_port = portOf(m_app->localAddress());
        QVERIFY(m_port != 0);
    }

    void passesAndRewrites()
    {
        const auto before = m_rec->requests().size();
        const auto r = fetch(m_port, getRequest("/api/x", "Authorization: client-key\r\n"));
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->header("x-filter"), std::string("seen"));
        QVERIFY(m_rec->waitForRequests(before + 1));
        const std::string up = m_rec->requests().back();
        QVERIFY(up.find("\r\nX-Upstream-Auth: k1\r\n") != std::string::npos);
        QVERIFY(up.find("client-key") == std::string::npos);
    }

    void refuses()
    {
        const auto before = m_rec->bytes();
        const auto r = fetch(m_port, getRequest("/api/x", "X-Deny: 1\r\n"));
        QVERIFY(r);
        QCOMPARE(r->status, 403);
        QCOMPARE(r->body, std::string("denied"));
        QCOMPARE(m_rec->bytes(), before);
    }

    void defers()
    {
        const auto ok = fetch(m_port, getRequest("/api/x", "X-Defer: 1\r\n"));
        QVERIFY(ok);
        QCOMPARE(ok->status, 200);
        const auto denied = fetch(m_port, getRequest("/api/x", "X-Defer-Deny: 1\r\n"));
        QVERIFY(denied);
        QCOMPARE(denied->status, 429);
        // A client that leaves while its filter waits: the late resume is ignored.
        {
            RawClient c(m_port);
            QVERIFY(c.send(getRequest("/api/x", "X-Defer: 1\r\n")));
            // Close on its own edge: a FIN that arrives with the request is only noticed when
            // the response is written (the core stops reading at a short read).
            QTest::qWait(5);
        }
        QTest::qWait(100);
        QCOMPARE(fetch(m_port, getRequest("/api/y"))->status, 200);
    }

    void proxyErrorsCarryFilterHeaders()
    {
        // Nothing proxies to a closed port: 502 from the proxy, still with the filter's header.
        GatewayOptions options;
        options.listen = gb::net::ListenAddress{"127.0.0.1", 0};
        options.target = "http://127.0.0.1:" + std::to_string(unusedPort());
        options.listenPath = "/";
        options.threads = 1;
        Journal journal;
        GatewayExtensions extensions;
        extensions.filters.push_back(
            [&journal](WorkerContext& w) { return std::make_unique<TestFilter>(w, journal); });
        GatewayApp app(makeGatewaySetup(options), std::move(extensions));
        app.start();
        const auto r = fetch(portOf(app.localAddress()), getRequest("/x"));
        QVERIFY(r);
        QCOMPARE(r->status, 502);
        QCOMPARE(r->header("x-filter"), std::string("seen"));
        app.stop();
        app.wait();
        const std::lock_guard lock(journal.mutex);
        QCOMPARE(journal.completed.size(), std::size_t(1));
        QCOMPARE(journal.completed[0].first, 502);
        QCOMPARE(journal.completed[0].second, false);
    }

    void completionRecords()
    {
        const auto records = completed();
        // passesAndRewrites, refuses, defers (200, 429, the abandoned one, /api/y).
        QCOMPARE(records.size(), std::size_t(6));
        QCOMPARE(records[0], std::make_pair(200, true));
        QCOMPARE(records[1], std::make_pair(403, false));
        QCOMPARE(records[2], std::make_pair(200, true));
        QCOMPARE(records[3], std::make_pair(429, false));
        QCOMPARE(records[4].first, 0); // the client left
        QCOMPARE(records[5], std::make_pair(200, true));
        const std::lock_guard lock(m_journal.mutex);
        QCOMPARE(m_journal.keys[0], std::string("client-key"));
    }

    void rewritesQueryAndFields()
    {
        auto before = m_rec->requests().size();
        auto r = fetch(m_port, getRequest("/api/x?a=1&b=2", "X-Rewrite: q\r\nX-Replace: old\r\n"));
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QVERIFY(m_rec->waitForRequests(before + 1));
        std::string up = m_rec->requests().back();
        const std::string line = up.substr(0, up.find("\r\n"));
        QVERIFY2(line.find("/x?c=3 HTTP/1.1") != std::string::npos, line.c_str());
        QVERIFY2(up.find("\r\nX-Replace: new-old\r\n") != std::string::npos, up.c_str());
        QVERIFY2(up.find(": old\r\n") == std::string::npos, up.c_str());

        // An emptied query leaves no '?' behind.
        before = m_rec->requests().size();
        r = fetch(m_port, getRequest("/api/x?a=1", "X-Rewrite: empty\r\n"));
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QVERIFY(m_rec->waitForRequests(before + 1));
        up = m_rec->requests().back();
        QVERIFY2(up.substr(0, up.find("\r\n")).find('?') == std::string::npos, up.c_str());
    }

    void resumeAfterTheSpareExchangesWereFreed()
    {
        // 80 clients leave while their filter waits; their exchanges become spares, unused for
        // two trim periods, and are freed. The late resumes then find no exchange: ignored.
        const std::size_t before = completed().size();
        std::vector<std::unique_ptr<RawClient>> clients;
        for (int i = 0; i < 80; ++i) {
            clients.push_back(std::make_unique<RawClient>(m_port));
            QVERIFY(clients.back()->send(getRequest("/api/x", "X-Defer-Long: 2600\r\n")));
        }
        QTest::qWait(20);
        clients.clear();
        QTest::qWait(2900);
        QCOMPARE(fetch(m_port, getRequest("/api/y"))->status, 200);
        // 80 clients gone, then /api/y (an earlier test's last record may come in late).
        QTRY_VERIFY(completed().size() >= before + 81);
        const auto records = completed();
        QCOMPARE(std::count(records.begin() + before, records.end(), std::make_pair(0, false)),
                 std::ptrdiff_t(80));
    }

    void metricsWriters()
    {
        const auto r = fetch(m_port, getRequest("/metrics"));
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        // After the proxy's own families, at the end.
        const std::string tail = "ext_test_total 3\n";
        QVERIFY(r->body.size() > tail.size());
        QCOMPARE(r->body.substr(r->body.size() - tail.size()), tail);
        QVERIFY(r->body.find("# HELP ext_test_total") > r->body.find("process_start_time_seconds"));
    }

    void adminEndpoint()
    {
        const std::string auth = "x-tyk-authorization: s\r\n";
        const auto r = fetch(m_port, "POST /tyk/keys/create?x=1 HTTP/1.1\r\nHost: a\r\n" + auth +
                                         "Content-Length: 5\r\n\r\nhello");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->body, std::string("{\"echo\":\"POST /tyk/keys/create x=1 5\"}"));
        const auto bare = fetch(m_port, "GET /tyk/keys HTTP/1.1\r\nHost: a\r\n" + auth + "\r\n");
        QVERIFY(bare);
        QCOMPARE(bare->status, 200);
        const auto later =
            fetch(m_port, "DELETE /tyk/keys/async HTTP/1.1\r\nHost: a\r\n" + auth + "\r\n");
        QVERIFY(later);
        QCOMPARE(later->status, 201);
        const auto forgotten =
            fetch(m_port, "GET /tyk/keys/forget HTTP/1.1\r\nHost: a\r\n" + auth + "\r\n");
        QVERIFY(forgotten);
        QCOMPARE(forgotten->status, 500);
        const auto noSecret = fetch(m_port, getRequest("/tyk/keys/create"));
        QCOMPARE(noSecret->status, 403);
        const auto tooBig = fetch(m_port,
                                  "POST /tyk/keys/create HTTP/1.1\r\nHost: a\r\n" + auth +
                                      "Content-Length: 2000000\r\n\r\n" + std::string(2000000, 'x'),
                                  10000);
        QVERIFY(tooBig);
        QCOMPARE(tooBig->status, 413);
    }

    void healthComponents()
    {
        const auto r = fetch(m_port, getRequest("/hello"));
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QVERIFY2(r->body.find("\"status\":\"fail\"") != std::string::npos, r->body.c_str());
        QVERIFY(r->body.find("\"redis\":{") != std::string::npos);
    }

    void cleanupTestCase()
    {
        m_app->stop();
        m_app->wait();
        m_app.reset();
    }
};

QTEST_GUILESS_MAIN(TestProxyExtensions)
#include "tst_proxy_extensions.moc"
