#include "gateway/config/api_definition.h"
#include "gateway/config/concat.h"
#include "gateway/config/route_table.h"
#include "gateway/config/route_table_holder.h"

#include <QTest>

#include <atomic>
#include <cstdlib>
#include <new>
#include <thread>

// Counts every allocation of this test process, so the test can prove that matching allocates
// nothing. Replacing the global operators is allowed in a program of our own.
namespace {
std::atomic<long> g_allocations{0};
}

void* operator new(std::size_t size)
{
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size))
        return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size)
{
    return ::operator new(size);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept
{
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept
{
    return ::operator new(size, tag);
}
void operator delete(void* p, const std::nothrow_t&) noexcept
{
    std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept
{
    std::free(p);
}
void operator delete(void* p) noexcept
{
    std::free(p);
}
void operator delete[](void* p) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept
{
    std::free(p);
}

using gb::gateway::ApiDefinition;
using gb::gateway::RouteMatch;
using gb::gateway::RouteTable;
using gb::gateway::RouteTableHolder;
using gb::gateway::RouteTableReader;

namespace {

ApiDefinition api(std::string id, std::string listenPath, const std::string& target,
                  bool strip = true)
{
    ApiDefinition a;
    a.apiId = std::move(id);
    a.listenPath = std::move(listenPath);
    a.targetUrl = target;
    auto parsed = gb::gateway::parseUpstreamUrl(target);
    a.target = *parsed.url;
    a.stripListenPath = strip;
    a.useKeyless = true;
    return a;
}

std::shared_ptr<const RouteTable> makeTable()
{
    std::vector<ApiDefinition> apis;
    apis.push_back(api("plain", "/api", "http://h:8000"));
    apis.push_back(api("longer", "/api/v2/", "http://h:8001/base"));
    apis.push_back(api("apitest", "/apitest/", "http://127.0.0.1:8000"));
    apis.push_back(api("nostrip", "/nostrip/", "http://h/base/", false));
    apis.push_back(api("query", "/q/", "http://h/t?k=1"));
    apis.push_back(api("dss", "/dss/", "http://h/base/"));
    apis.back().disableStripSlash = true;
    apis.push_back(api("off", "/inactive/", "http://h"));
    apis.back().active = false;
    apis.push_back(api("noslash", "/bare", "http://h/x/"));
    return std::make_shared<const RouteTable>(std::move(apis));
}

} // namespace

class TestRouteTable : public QObject
{
    Q_OBJECT
private:
    std::shared_ptr<const RouteTable> m_table = makeTable();

private slots:
    void match_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("apiId");
        QTest::addColumn<QString>("upstream");
        // Tyk's documented example.
        QTest::newRow("strip") << "/apitest/json/valid"
                               << "apitest"
                               << "/json/valid";
        QTest::newRow("query kept") << "/apitest/json/valid?x=1&y=%20"
                                    << "apitest"
                                    << "/json/valid?x=1&y=%20";
        QTest::newRow("listen path itself") << "/apitest/"
                                            << "apitest"
                                            << "/";
        QTest::newRow("trailing slash kept") << "/apitest/json/"
                                             << "apitest"
                                             << "/json/";
        QTest::newRow("slashes collapsed, as Tyk") << "/apitest//json"
                                                   << "apitest"
                                                   << "/json";
        QTest::newRow("trailing-slash listen path needs the slash") << "/apitest"
                                                                    << ""
                                                                    << "";
        // Segment boundaries.
        QTest::newRow("exact") << "/api"
                               << "plain"
                               << "/";
        QTest::newRow("exact with slash") << "/api/"
                                          << "plain"
                                          << "/";
        QTest::newRow("below") << "/api/users/1"
                               << "plain"
                               << "/users/1";
        QTest::newRow("query on the listen path") << "/api?x=1"
                                                  << "plain"
                                                  << "/?x=1";
        QTest::newRow("not a prefix of a longer segment") << "/apix"
                                                          << ""
                                                          << "";
        QTest::newRow("not a prefix of a longer segment, deeper") << "/apix/y"
                                                                  << ""
                                                                  << "";
        QTest::newRow("bare ?") << "/api/x?"
                                << "plain"
                                << "/x?";
        // Longest prefix wins.
        QTest::newRow("longest prefix") << "/api/v2/items"
                                        << "longer"
                                        << "/base/items";
        QTest::newRow("longest prefix, exact") << "/api/v2/"
                                               << "longer"
                                               << "/base";
        QTest::newRow("shorter when the longer does not fit") << "/api/v2"
                                                              << "plain"
                                                              << "/v2";
        QTest::newRow("shorter, other segment") << "/api/v3/x"
                                                << "plain"
                                                << "/v3/x";
        // Target path joining and strip off.
        QTest::newRow("no strip") << "/nostrip/a/b"
                                  << "nostrip"
                                  << "/base/nostrip/a/b";
        QTest::newRow("target path") << "/bare/y"
                                     << "noslash"
                                     << "/x/y";
        QTest::newRow("target path, nothing left") << "/bare"
                                                   << "noslash"
                                                   << "/x";
        QTest::newRow("target query") << "/q/x"
                                      << "query"
                                      << "/t/x?k=1";
        QTest::newRow("target and request query") << "/q/x?a=b"
                                                  << "query"
                                                  << "/t/x?k=1&a=b";
        QTest::newRow("disable_strip_slash") << "/dss/"
                                             << "dss"
                                             << "/base/";
        QTest::newRow("disable_strip_slash, deeper") << "/dss/x"
                                                     << "dss"
                                                     << "/base/x";
        // No route.
        QTest::newRow("inactive") << "/inactive/x"
                                  << ""
                                  << "";
        QTest::newRow("unknown") << "/elsewhere"
                                 << ""
                                 << "";
        QTest::newRow("root") << "/"
                              << ""
                              << "";
        QTest::newRow("empty") << ""
                               << ""
                               << "";
        QTest::newRow("asterisk") << "*"
                                  << ""
                                  << "";
        QTest::newRow("absolute form") << "http://h/api"
                                       << ""
                                       << "";
        QTest::newRow("case sensitive") << "/API"
                                        << ""
                                        << "";
    }
    void match()
    {
        QFETCH(QString, target);
        QFETCH(QString, apiId);
        QFETCH(QString, upstream);
        const std::string request = target.toStdString();
        const RouteMatch m = m_table->match(request);
        if (apiId.isEmpty()) {
            QVERIFY2(!m, m ? m.api->apiId.c_str() : "");
            return;
        }
        QVERIFY(m);
        QCOMPARE(QString::fromStdString(m.api->apiId), apiId);
        QCOMPARE(QString::fromStdString(m.upstreamTarget()), upstream);
    }

    void rootListenPathCatchesEverything()
    {
        std::vector<ApiDefinition> apis;
        apis.push_back(api("root", "/", "http://h/up"));
        apis.push_back(api("deep", "/deep/", "http://h"));
        const RouteTable table(std::move(apis));
        QCOMPARE(table.match("/").upstreamTarget(), std::string("/up"));
        QCOMPARE(table.match("/x/y?z").api->apiId, std::string("root"));
        QCOMPARE(table.match("/x/y?z").upstreamTarget(), std::string("/up/x/y?z"));
        QCOMPARE(table.match("/deep/1").api->apiId, std::string("deep"));
        QVERIFY(!table.match("x"));
    }

    void appendsToTheCallersBuffer()
    {
        std::string out = "GET ";
        m_table->match("/apitest/json/valid?a").appendUpstreamTarget(out);
        QCOMPARE(out, std::string("GET /json/valid?a"));
    }

    void matchingDoesNotAllocate()
    {
        const std::string_view targets[] = {"/apitest/json/valid", "/api/v2/items?x=1", "/apix",
                                            "/q/x?a=b", "/nothing/here"};
        std::string buffer;
        buffer.reserve(256);
        const long before = g_allocations.load();
        std::size_t matched = 0;
        for (int i = 0; i < 1000; ++i) {
            for (std::string_view t : targets) {
                const RouteMatch m = m_table->match(t);
                if (m) {
                    buffer.clear();
                    m.appendUpstreamTarget(buffer);
                    ++matched;
                }
            }
        }
        QCOMPARE(g_allocations.load() - before, 0L);
        QCOMPARE(matched, std::size_t(3000));
    }

    void listsEveryApiAndFindsById()
    {
        QCOMPARE(m_table->apis().size(), std::size_t(8));
        QCOMPARE(m_table->apis().front().apiId, std::string("plain"));
        QVERIFY(m_table->findApi("off") != nullptr); // inactive, still listed
        QCOMPARE(m_table->findApi("longer")->listenPath, std::string("/api/v2/"));
        QVERIFY(m_table->findApi("missing") == nullptr);
    }

    void duplicateListenPathsFirstWins()
    {
        std::vector<ApiDefinition> apis;
        apis.push_back(api("first", "/same/", "http://a"));
        apis.push_back(api("second", "/same/", "http://b"));
        const RouteTable table(std::move(apis));
        QCOMPARE(table.match("/same/x").api->apiId, std::string("first"));
    }

    void holderSwapsWhileARequestKeepsItsTable()
    {
        RouteTableHolder holder(m_table);
        RouteTableReader reader(holder);
        const std::shared_ptr<const RouteTable> inFlight = reader.current();
        QCOMPARE(inFlight.get(), m_table.get());

        std::vector<ApiDefinition> apis;
        apis.push_back(api("new", "/apitest/", "http://h/v2"));
        holder.store(std::make_shared<const RouteTable>(std::move(apis)));
        QCOMPARE(holder.generation(), std::uint64_t(1));
        QCOMPARE(reader.current()->match("/apitest/x").upstreamTarget(), std::string("/v2/x"));
        // The request that started before the reload still routes with the old table.
        QCOMPARE(inFlight->match("/apitest/x").upstreamTarget(), std::string("/x"));
    }

    void readerDoesNotAllocateBetweenReloads()
    {
        RouteTableHolder holder(m_table);
        RouteTableReader reader(holder);
        const long before = g_allocations.load();
        for (int i = 0; i < 1000; ++i)
            QVERIFY(reader.current()->match("/apitest/json/valid"));
        QCOMPARE(g_allocations.load() - before, 0L);
    }

    // Readers on several threads while the table is swapped many times: every read sees a
    // complete table, and every reader ends on the last one.
    void concurrentReloads()
    {
        RouteTableHolder holder(m_table);
        constexpr int kReloads = 500;
        std::atomic<bool> done{false};
        std::atomic<long> failures{0};
        auto readerLoop = [&] {
            RouteTableReader reader(holder);
            std::string buffer;
            while (!done.load(std::memory_order_acquire)) {
                const std::shared_ptr<const RouteTable> table = reader.current();
                const RouteMatch m = table->match("/apitest/json/valid?q");
                buffer.clear();
                if (m)
                    m.appendUpstreamTarget(buffer);
                if (!m || !buffer.ends_with("/json/valid?q"))
                    failures.fetch_add(1);
            }
            if (reader.current()->findApi(gb::gateway::concat("v", std::to_string(kReloads))) ==
                nullptr)
                failures.fetch_add(1);
        };
        std::thread a(readerLoop), b(readerLoop);
        for (int i = 1; i <= kReloads; ++i) {
            std::vector<ApiDefinition> apis;
            const std::string n = std::to_string(i);
            apis.push_back(api(gb::gateway::concat("v", n), "/apitest/",
                               gb::gateway::concat("http://h/gen", n)));
            holder.store(std::make_shared<const RouteTable>(std::move(apis)));
        }
        done.store(true, std::memory_order_release);
        a.join();
        b.join();
        QCOMPARE(failures.load(), 0L);
        QCOMPARE(holder.generation(), std::uint64_t(kReloads));
    }
};

QTEST_GUILESS_MAIN(TestRouteTable)
#include "tst_route_table.moc"
