#include "gateway/proxy/upstream_connection.h"

#include "common/io/epoll_set.h"
#include "gateway/proxy/clock.h"
#include "gateway/proxy/upstream_pool.h"

#include <boost/asio/post.hpp>

#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace gb::gateway::proxy {

UpstreamConnection::UpstreamConnection(UpstreamPool& pool, EpollSet& events,
                                       boost::asio::io_context& io)
    : m_pool(pool)
    , m_events(events)
    , m_io(io)
{}

UpstreamConnection::~UpstreamConnection()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

void UpstreamConnection::post(void (UpstreamConnection::*step)())
{
    boost::asio::post(m_io, [this, step, gen = m_generation] {
        if (gen == m_generation)
            (this->*step)();
    });
}

void UpstreamConnection::connect(std::span<const boost::asio::ip::tcp::endpoint> endpoints,
                                 UpstreamUser* user)
{
    m_user = user;
    m_endpoints.assign(endpoints.begin(), endpoints.end());
    m_state = State::Connecting;
    m_buffered = 0;
    if (m_pool.limitsAge())
        m_openedAt = monotonicNs();
    m_readReady = m_wantRead = m_writeWaiting = m_peerClosed = false;
    if (!m_buffer)
        m_buffer = std::make_unique_for_overwrite<char[]>(kBufferSize);
    if (m_endpoints.empty()) {
        connectFailed(std::make_error_code(std::errc::address_not_available));
        return;
    }
    connectTo(0);
}

void UpstreamConnection::connectTo(std::size_t index)
{
    m_endpointIndex = index;
    if (m_fd >= 0)
        ::close(m_fd);
    ++m_generation; // events of an earlier attempt's socket must not count for this one
    const auto& ep = m_endpoints[index];
    m_fd = ::socket(ep.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_fd < 0) {
        connectFailed({errno, std::system_category()});
        return;
    }
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // Into the epoll set before connecting, so no edge can come before we listen for it.
    if (!m_events.add(m_fd, this)) {
        connectFailed({errno, std::system_category()});
        return;
    }
    if (::connect(m_fd, ep.data(), static_cast<socklen_t>(ep.size())) == 0) {
        post(&UpstreamConnection::connected); // report from the loop, never from this call
        return;
    }
    if (errno == EINPROGRESS)
        return; // EPOLLOUT (or an error) tells how it went
    connectFailed({errno, std::system_category()});
}

void UpstreamConnection::connectFailed(std::error_code ec)
{
    if (m_endpointIndex + 1 < m_endpoints.size()) {
        connectTo(m_endpointIndex + 1);
        return;
    }
    // Reported from the loop (the caller may be inside connect()); the object stays the
    // user's, Connecting without a socket, until it releases it.
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    ++m_generation;
    boost::asio::post(m_io, [this, ec, gen = m_generation] {
        if (gen == m_generation && m_user)
            m_user->onUpstreamConnected(ec);
    });
}

void UpstreamConnection::connected()
{
    m_state = State::Busy;
    m_wantRead = true;
    m_pool.onOpened();
    m_user->onUpstreamConnected({});
}

void UpstreamConnection::attach(UpstreamUser* user)
{
    m_user = user;
    m_state = State::Busy;
    m_wantRead = true;
    m_writeWaiting = false;
}

long UpstreamConnection::writeNow(const iovec* iov, int count)
{
    msghdr msg{};
    msg.msg_iov = const_cast<iovec*>(iov);
    msg.msg_iovlen = static_cast<std::size_t>(count);
    while (true) {
        const ssize_t n = ::sendmsg(m_fd, &msg, MSG_NOSIGNAL);
        if (n >= 0 || errno != EINTR)
            return static_cast<long>(n);
    }
}

void UpstreamConnection::resumeReading()
{
    m_wantRead = true;
    if (m_readReady && !m_inRead)
        post(&UpstreamConnection::readLoop);
}

void UpstreamConnection::onEvents(std::uint32_t events)
{
    if (m_state == State::Closed)
        return;
    if (m_state == State::Connecting) {
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
            return;
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err == 0 && (events & (EPOLLERR | EPOLLHUP)))
            err = ECONNREFUSED;
        if (err != 0)
            connectFailed({err, std::system_category()});
        else
            connected();
        return;
    }
    if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) && m_writeWaiting && m_state == State::Busy) {
        m_writeWaiting = false;
        const std::uint64_t generation = m_generation;
        m_user->onUpstreamWritable();
        if (generation != m_generation)
            return;
    }
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) {
        // A FIN that came with the last bytes raises no edge of its own: remember it, or a
        // pooled connection the upstream closed right after answering would look alive.
        if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
            m_peerClosed = true;
        m_readReady = true;
        readLoop();
    }
}

void UpstreamConnection::readLoop()
{
    if (m_inRead)
        return; // called back from inside the loop below, which goes on
    m_inRead = true;
    const std::uint64_t generation = m_generation;
    while (m_readReady && m_wantRead && generation == m_generation) {
        if (m_state == State::Idle) {
            // An idle connection has nothing to say: bytes or EOF mean the upstream is done
            // with it (its keep-alive timeout, or garbage).
            char probe[64];
            const ssize_t n = ::recv(m_fd, probe, sizeof probe, 0);
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                m_readReady = false;
                break;
            }
            if (n < 0 && errno == EINTR)
                continue;
            close();
            break;
        }
        const std::size_t space = kBufferSize - m_buffered;
        if (space == 0) {
            // The user keeps at most an unfinished head line, which its parser bounds far below
            // the buffer: a full buffer means a broken peer.
            UpstreamUser* user = m_user;
            m_wantRead = false;
            user->onUpstreamEnd(std::make_error_code(std::errc::message_size));
            break;
        }
        const ssize_t n = ::recv(m_fd, m_buffer.get() + m_buffered, space, 0);
        if (n > 0) {
            // A short read drained the socket: the next byte raises a new edge.
            if (static_cast<std::size_t>(n) < space && !m_peerClosed)
                m_readReady = false;
            m_buffered += static_cast<std::size_t>(n);
            m_user->onUpstreamData(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            m_readReady = false;
            break;
        }
        m_readReady = false;
        m_wantRead = false;
        const std::error_code ec =
            n == 0 ? std::error_code() : std::error_code(errno, std::system_category());
        m_user->onUpstreamEnd(ec);
        break;
    }
    m_inRead = false;
}

void UpstreamConnection::consumeAllBut(std::size_t keep)
{
    if (keep != 0 && keep != m_buffered)
        std::memmove(m_buffer.get(), m_buffer.get() + (m_buffered - keep), keep);
    m_buffered = keep;
}

void UpstreamConnection::release(bool reusable)
{
    m_user = nullptr;
    m_writeWaiting = false;
    if (!reusable || m_state != State::Busy || m_buffered != 0 || !m_pool.hasIdleRoom() ||
        (m_pool.limitsAge() && m_pool.tooOld(m_openedAt, monotonicNs()))) {
        close();
        return;
    }
    m_state = State::Idle;
    m_wantRead = true; // watch for the upstream closing it while pooled
    m_pool.addIdle(this);
    if (m_readReady && !m_inRead)
        post(&UpstreamConnection::readLoop);
}

void UpstreamConnection::close()
{
    if (m_state == State::Closed && m_fd < 0)
        return;
    const bool wasOpen = m_state == State::Busy || m_state == State::Idle;
    if (m_state == State::Idle)
        m_pool.removeIdle(this);
    ++m_generation; // every event and posted step of this use becomes a no-op
    if (m_fd >= 0)
        ::close(m_fd); // also leaves the epoll set (the descriptor is not shared)
    m_fd = -1;
    m_state = State::Closed;
    m_user = nullptr;
    m_readReady = m_wantRead = m_writeWaiting = m_peerClosed = false;
    m_buffered = 0;
    m_pool.onClosed(this, wasOpen);
}

} // namespace gb::gateway::proxy
