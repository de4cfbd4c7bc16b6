#include "gateway/server/worker.h"

#include "gateway/server/connection.h"

#include <boost/asio/post.hpp>

#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>

namespace gb::gateway {

using boost::asio::ip::tcp;

Worker::Worker(const ServerConfig& config, int index, int threadCount, WorkerStats& stats)
    : m_config(config)
    // Each io_context is run by exactly one thread.
    , m_io(1)
    , m_context{m_io, index, threadCount}
    , m_stats(stats)
    // A few rounds at most per wake, so timers and posted work are not starved by a flood.
    , m_events(m_io, EpollSet::Handler::member<&Worker::onEvents>(this),
               {.batch = 256, .rounds = 4})
    , m_ticker(m_io)
    , m_acceptRetry(m_io)
{}

Worker::~Worker()
{
    // Handler state (pooled upstream connections, delay timers, ExchangeRefs) goes before the
    // connections it may refer to; the io_context goes last (member order).
    m_handler.reset();
}

void Worker::listen(tcp::acceptor acceptor, Worker* const* roundRobinTargets, int targetCount)
{
    m_acceptor.emplace(std::move(acceptor));
    m_targets = roundRobinTargets;
    m_targetCount = targetCount;
}

void Worker::run()
{
    startTicker();
    m_events.start();
    if (m_acceptor)
        startAccept();
    m_io.run();
    // Stopped: close what is left and let the cancelled waits run, so every connection is
    // released on this thread while the io_context still exists.
    closeAll(FailKind::DrainTimeout);
    boost::system::error_code ec;
    if (m_acceptor)
        m_acceptor->close(ec);
    m_ticker.cancel();
    m_acceptRetry.cancel();
    m_events.stop();
    m_io.restart();
    m_io.poll();
}

bool Worker::watch(int fd, Connection* c)
{
    return m_events.add(fd, c);
}

void Worker::onEvents(std::span<const epoll_event> batch)
{
    // Pin every connection of the batch first: handling one event may close (and would otherwise
    // free) a connection whose event comes later in the same batch.
    for (const epoll_event& e : batch)
        static_cast<Connection*>(e.data.ptr)->addRef();
    for (const epoll_event& e : batch)
        static_cast<Connection*>(e.data.ptr)->onEvents(e.events);
    for (const epoll_event& e : batch)
        static_cast<Connection*>(e.data.ptr)->release();
}

void Worker::startAccept()
{
    if (m_draining || !m_acceptor)
        return;
    m_acceptor->async_wait(tcp::acceptor::wait_read, [this](const boost::system::error_code& ec) {
        if (!ec)
            acceptReady();
    });
}

void Worker::acceptReady()
{
    if (m_draining)
        return;
    // accept4 directly: an Asio socket would register with Asio's reactor only to be taken out
    // again for our epoll set. Bounded, so one wakeup does not starve the connections.
    for (int i = 0; i < 64; ++i) {
        const int fd =
            ::accept4(m_acceptor->native_handle(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            Worker* target = m_targets ? m_targets[m_nextTarget] : this;
            if (m_targets)
                m_nextTarget = (m_nextTarget + 1) % m_targetCount;
            if (target == this)
                adopt(fd);
            else
                target->postAdopt(fd);
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
        if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
            continue;
        fail({errno, std::system_category()}, FailKind::Accept);
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
            // Out of descriptors: retrying at once would spin; wait for connections to close.
            m_acceptRetry.expires_after(std::chrono::milliseconds(100));
            m_acceptRetry.async_wait([this](const boost::system::error_code& e) {
                if (!e)
                    startAccept();
            });
            return;
        }
        break;
    }
    startAccept();
}

void Worker::postAdopt(int fd)
{
    boost::asio::post(m_io, [this, fd] { adopt(fd); });
}

void Worker::adopt(int fd)
{
    if (m_draining || m_stopped) {
        ::close(fd);
        return;
    }
    auto* c = new Connection(*this, fd);
    c->start();
}

void Worker::attach(Connection* c)
{
    c->addRef();
    c->m_prev = nullptr;
    c->m_next = m_head;
    if (m_head)
        m_head->m_prev = c;
    m_head = c;
    ++m_connections;
}

void Worker::detach(Connection* c)
{
    if (c->m_prev)
        c->m_prev->m_next = c->m_next;
    else if (m_head == c)
        m_head = c->m_next;
    if (c->m_next)
        c->m_next->m_prev = c->m_prev;
    c->m_prev = c->m_next = nullptr;
    --m_connections;
    maybeFinishDrain();
    c->release();
}

void Worker::startTicker()
{
    m_ticker.expires_after(kTick);
    m_ticker.async_wait([this](const boost::system::error_code& ec) {
        if (!ec)
            onTick();
    });
}

template <class F>
void Worker::forEachConnection(F&& f)
{
    // The visited connection is pinned, as is the next one: f may close its own connection
    // (unlinking it) and could, through a handler, close another.
    Connection* c = m_head;
    if (c)
        c->addRef();
    while (c) {
        Connection* next = c->m_next;
        if (next)
            next->addRef();
        f(*c);
        c->release();
        c = next;
    }
}

void Worker::onTick()
{
    ++m_tick;
    m_logsThisTick = 0;
    if (m_draining && m_tick >= m_drainDeadline) {
        closeAll(FailKind::DrainTimeout);
        maybeFinishDrain();
        return;
    }
    const std::uint64_t idleSince = m_tick > kBufferReleaseTicks ? m_tick - kBufferReleaseTicks : 0;
    forEachConnection([this, idleSince](Connection& c) {
        if (c.m_deadline != 0 && c.m_deadline <= m_tick)
            c.onDeadline();
        else
            c.releaseBuffersIfIdleSince(idleSince);
    });
    if (!m_stopped)
        startTicker();
}

void Worker::closeAll(FailKind why)
{
    while (m_head)
        m_head->forceClose(why);
}

void Worker::postDrain()
{
    boost::asio::post(m_io, [this] { beginDrain(); });
}

void Worker::beginDrain()
{
    if (m_draining)
        return;
    m_draining = true;
    m_drainDeadline = ticksFor(m_config.drainTimeout);
    boost::system::error_code ec;
    if (m_acceptor)
        m_acceptor->close(ec); // refuse new connections at once
    m_acceptRetry.cancel();
    if (m_handler)
        m_handler->onShutdown();
    forEachConnection([](Connection& c) { c.onDrain(); });
    maybeFinishDrain();
}

void Worker::maybeFinishDrain()
{
    if (!m_draining || m_connections != 0 || m_stopped)
        return;
    m_stopped = true;
    m_events.stop(); // nor any more client-socket wakes
    m_ticker.cancel();
    // Handler-owned waits (pooled upstream sockets, timers) must not keep the thread alive.
    m_io.stop();
}

void Worker::fail(std::error_code ec, FailKind what)
{
    m_stats.countFailure(what);
    const bool routine = what != FailKind::Accept && what != FailKind::DrainTimeout;
    if (m_config.logAllErrors || (m_config.logErrors && !routine))
        logFailure(what, ec);
}

void Worker::logFailure(FailKind what, std::error_code ec)
{
    // At most a few lines per tick and worker: an error storm must not become a logging storm.
    if (m_logsThisTick >= 4)
        return;
    ++m_logsThisTick;
    if (ec)
        std::fprintf(stderr, "worker %d: %s: %s\n", m_context.index, toString(what).data(),
                     ec.message().c_str());
    else
        std::fprintf(stderr, "worker %d: %s\n", m_context.index, toString(what).data());
}

} // namespace gb::gateway
