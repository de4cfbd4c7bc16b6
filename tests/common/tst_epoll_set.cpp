#include "common/io/epoll_set.h"

#include <QTest>

#include <boost/asio/io_context.hpp>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <memory>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

struct Event
{
    void* tag;
    std::uint32_t events;
};

/// The handler under test: records every batch it is given.
struct Recorder
{
    std::vector<std::vector<Event>> batches;
    gb::EpollSet* stopOnFirst = nullptr; // stop() this set from inside the first batch

    void onBatch(std::span<const epoll_event> batch)
    {
        auto& out = batches.emplace_back();
        for (const epoll_event& e : batch)
            out.push_back({e.data.ptr, e.events});
        if (stopOnFirst) {
            stopOnFirst->stop();
            stopOnFirst = nullptr;
        }
    }
    gb::EpollSet::Handler handler()
    {
        return gb::EpollSet::Handler::member<&Recorder::onBatch>(this);
    }
    std::vector<Event> all() const
    {
        std::vector<Event> out;
        for (const auto& b : batches)
            out.insert(out.end(), b.begin(), b.end());
        return out;
    }
    int count(void* tag, std::uint32_t mask) const
    {
        int n = 0;
        for (const Event& e : all())
            n += e.tag == tag && (e.events & mask) != 0;
        return n;
    }
};

/// A connected pair of non-blocking stream sockets: `watched` goes into the set, `peer` drives it.
struct Pair
{
    int watched = -1;
    int peer = -1;
    Pair()
    {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0) {
            watched = fds[0];
            peer = fds[1];
        }
    }
    ~Pair()
    {
        closeWatched();
        if (peer >= 0)
            ::close(peer);
    }
    Pair(const Pair&) = delete;
    Pair& operator=(const Pair&) = delete;
    void closeWatched()
    {
        if (watched >= 0)
            ::close(watched);
        watched = -1;
    }
    bool send() const { return ::write(peer, "x", 1) == 1; }
};

void* tagOf(int i)
{
    static char tags[64];
    return &tags[i];
}

/// Runs handlers until pred() holds (or five seconds pass): readiness wakes the set at once, so
/// this returns after a handful of handlers.
template <class Pred>
bool runUntil(boost::asio::io_context& io, Pred pred)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!pred()) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        io.run_one_for(std::chrono::milliseconds(50));
    }
    return true;
}

} // namespace

class TestEpollSet : public QObject
{
    Q_OBJECT
private slots:
    void addFailsWithErrno()
    {
        boost::asio::io_context io;
        Recorder rec;
        gb::EpollSet set(io, rec.handler(), {});
        errno = 0;
        QVERIFY(!set.add(-1, tagOf(0)));
        QCOMPARE(errno, EBADF);
        Pair p;
        QVERIFY(p.watched >= 0);
        QVERIFY(set.add(p.watched, tagOf(0)));
        errno = 0;
        QVERIFY(!set.add(p.watched, tagOf(1)));
        QCOMPARE(errno, EEXIST);
    }

    void readableEdgesCarryTheirTag()
    {
        boost::asio::io_context io;
        Recorder rec;
        gb::EpollSet set(io, rec.handler(), {.batch = 16, .rounds = 4});
        Pair pairs[3];
        for (int i = 0; i < 3; ++i)
            QVERIFY(set.add(pairs[i].watched, tagOf(i)));
        set.start();
        // Added sockets are writable at once: one EPOLLOUT edge each, in one batch.
        QVERIFY(runUntil(io, [&] { return !rec.batches.empty(); }));
        QCOMPARE(rec.batches.size(), std::size_t(1));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(rec.count(tagOf(i), EPOLLOUT), 1);
        QCOMPARE(rec.all().size(), std::size_t(3));
        QCOMPARE(rec.count(tagOf(0), EPOLLIN), 0);

        rec.batches.clear();
        QVERIFY(pairs[1].send());
        QVERIFY(runUntil(io, [&] { return !rec.batches.empty(); }));
        QCOMPARE(rec.all().size(), std::size_t(1));
        QCOMPARE(rec.count(tagOf(1), EPOLLIN), 1);

        rec.batches.clear();
        QVERIFY(pairs[0].send());
        QVERIFY(pairs[2].send());
        QVERIFY(runUntil(io, [&] { return rec.all().size() >= 2; }));
        io.poll();
        QCOMPARE(rec.all().size(), std::size_t(2));
        QCOMPARE(rec.count(tagOf(0), EPOLLIN), 1);
        QCOMPARE(rec.count(tagOf(2), EPOLLIN), 1);

        // Edge-triggered: the unread bytes report nothing more until new ones arrive.
        rec.batches.clear();
        io.poll();
        QVERIFY(rec.batches.empty());

        // A peer that closes is an edge too (EPOLLRDHUP).
        ::shutdown(pairs[2].peer, SHUT_WR);
        QVERIFY(runUntil(io, [&] { return !rec.batches.empty(); }));
        QCOMPARE(rec.count(tagOf(2), EPOLLRDHUP), 1);
    }

    void aBatchLargerThanOneWaitIsDrainedOverRounds()
    {
        boost::asio::io_context io;
        Recorder rec;
        gb::EpollSet set(io, rec.handler(), {.batch = 2, .rounds = 4});
        Pair pairs[5];
        for (int i = 0; i < 5; ++i)
            QVERIFY(set.add(pairs[i].watched, tagOf(i)));
        set.start();
        // One wake (one handler run by the io_context), three epoll_waits: 2 + 2 + 1.
        QCOMPARE(io.run_one_for(std::chrono::seconds(5)), std::size_t(1));
        QCOMPARE(rec.batches.size(), std::size_t(3));
        QCOMPARE(rec.batches[0].size(), std::size_t(2));
        QCOMPARE(rec.batches[1].size(), std::size_t(2));
        QCOMPARE(rec.batches[2].size(), std::size_t(1));
        for (int i = 0; i < 5; ++i)
            QCOMPARE(rec.count(tagOf(i), EPOLLOUT), 1);
    }

    void aWakeDrainsAtMostItsRounds()
    {
        boost::asio::io_context io;
        Recorder rec;
        gb::EpollSet set(io, rec.handler(), {.batch = 2, .rounds = 2});
        Pair pairs[6];
        for (int i = 0; i < 6; ++i)
            QVERIFY(set.add(pairs[i].watched, tagOf(i)));
        set.start();
        QCOMPARE(io.run_one_for(std::chrono::seconds(5)), std::size_t(1));
        QCOMPARE(rec.batches.size(), std::size_t(2));
        QCOMPARE(rec.all().size(), std::size_t(4));
        // The rest comes with a later wake, with no new edge: re-arming the set's one Asio wait
        // (an epoll_ctl MOD of the set's descriptor) has the kernel look at the set again.
        QVERIFY(runUntil(io, [&] { return rec.all().size() == 6; }));
        QCOMPARE(rec.batches.size(), std::size_t(3));
        for (int i = 0; i < 6; ++i)
            QCOMPARE(rec.count(tagOf(i), EPOLLOUT), 1);
    }

    void nothingIsDeliveredAfterStop()
    {
        boost::asio::io_context io;
        Recorder rec;
        gb::EpollSet set(io, rec.handler(), {.batch = 8, .rounds = 4});
        Pair p;
        QVERIFY(set.add(p.watched, tagOf(0)));
        set.start();
        QVERIFY(runUntil(io, [&] { return !rec.batches.empty(); }));
        rec.batches.clear();
        set.stop();
        QVERIFY(p.send());
        // The cancelled wait was the only work: run() returns, having delivered nothing.
        io.restart();
        io.run();
        QVERIFY(rec.batches.empty());
        set.stop();  // idempotent
        set.start(); // a stopped set stays stopped
        QCOMPARE(io.poll(), std::size_t(0));
        QVERIFY(rec.batches.empty());
    }

    void stopFromTheHandlerEndsTheWake()
    {
        boost::asio::io_context io;
        Recorder rec;
        gb::EpollSet set(io, rec.handler(), {.batch = 1, .rounds = 4});
        rec.stopOnFirst = &set;
        Pair pairs[3];
        for (int i = 0; i < 3; ++i)
            QVERIFY(set.add(pairs[i].watched, tagOf(i)));
        set.start();
        io.run(); // returns: the set stopped inside the first batch and re-armed nothing
        QCOMPARE(rec.batches.size(), std::size_t(1));
        QCOMPARE(rec.batches[0].size(), std::size_t(1));
    }

    void nothingIsDeliveredAfterDestruction()
    {
        boost::asio::io_context io;
        Recorder rec;
        auto set = std::make_unique<gb::EpollSet>(io, rec.handler(), gb::EpollSet::Drain{});
        Pair p;
        QVERIFY(set->add(p.watched, tagOf(0)));
        set->start();
        QVERIFY(runUntil(io, [&] { return !rec.batches.empty(); }));
        rec.batches.clear();
        QVERIFY(p.send()); // ready, but not yet run
        set.reset();       // the pending wait completes aborted, touching nothing
        io.restart();
        io.run();
        QVERIFY(rec.batches.empty());
    }

    void aClosedSocketLeavesTheSet()
    {
        boost::asio::io_context io;
        Recorder rec;
        gb::EpollSet set(io, rec.handler(), {.batch = 8, .rounds = 4});
        Pair a;
        Pair b;
        QVERIFY(set.add(a.watched, tagOf(0)));
        QVERIFY(set.add(b.watched, tagOf(1)));
        set.start();
        QVERIFY(runUntil(io, [&] { return rec.all().size() >= 2; }));
        rec.batches.clear();

        // a's readable edge is pending when a closes: the set forgets it, ready event and all.
        QVERIFY(a.send());
        const int closedFd = a.watched;
        a.closeWatched();
        QVERIFY(b.send());
        QVERIFY(runUntil(io, [&] { return rec.count(tagOf(1), EPOLLIN) == 1; }));
        io.poll();
        QCOMPARE(rec.count(tagOf(0), ~0u), 0);

        // The descriptor number comes back for a new socket, which joins under its own tag.
        rec.batches.clear();
        Pair c;
        QCOMPARE(c.watched, closedFd);
        QVERIFY(set.add(c.watched, tagOf(2)));
        QVERIFY(runUntil(io, [&] { return !rec.batches.empty(); }));
        QVERIFY(c.send());
        QVERIFY(runUntil(io, [&] { return rec.count(tagOf(2), EPOLLIN) == 1; }));
        QCOMPARE(rec.count(tagOf(0), ~0u), 0);
    }
};

QTEST_GUILESS_MAIN(TestEpollSet)
#include "tst_epoll_set.moc"
