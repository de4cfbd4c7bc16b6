#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <system_error>
#include <vector>

struct iovec;

namespace gb {
class EpollSet;
}

namespace gb::gateway::proxy {

class UpstreamPool;

/// The proxied exchange a busy upstream connection works for; the connection reports there.
/// Called on the worker thread, never from inside a call the user made on the connection.
class UpstreamUser
{
public:
    /// The connection is up (ec empty) or could not be made.
    virtual void onUpstreamConnected(std::error_code ec) = 0;
    /// The socket takes output again after writeNow() returned EAGAIN.
    virtual void onUpstreamWritable() = 0;
    /// `bytes` more bytes arrived; they end buffer() + buffered().
    virtual void onUpstreamData(std::size_t bytes) = 0;
    /// The upstream closed (ec empty) or the connection failed. Nothing more will come.
    virtual void onUpstreamEnd(std::error_code ec) = 0;

protected:
    ~UpstreamUser() = default;
};

/// One keep-alive connection to an upstream, owned by its UpstreamPool for the pool's life: a
/// closed connection object is reused for the next socket, never freed, so the worker's epoll
/// set and posted work may hold raw pointers; a generation number tells one use from the next.
///
/// I/O is readiness-driven from the worker's upstream EpollSet (edge-triggered), as the server core
/// does for clients: the request goes out with sendmsg() at once, and recv() runs only when an
/// edge says bytes arrived, until a short read drains the socket. While the connection sits in
/// the pool the same edge tells at once that the upstream closed it.
///
/// Worker thread only.
class UpstreamConnection
{
public:
    static constexpr std::size_t kBufferSize = 16 * 1024;

    enum class State : std::uint8_t
    {
        Closed,
        Connecting,
        Busy, ///< working for a user
        Idle, ///< in the pool's idle list
    };

    UpstreamConnection(UpstreamPool& pool, EpollSet& events, boost::asio::io_context& io);
    ~UpstreamConnection();
    UpstreamConnection(const UpstreamConnection&) = delete;
    UpstreamConnection& operator=(const UpstreamConnection&) = delete;

    State state() const { return m_state; }
    std::uint64_t generation() const { return m_generation; }
    std::int64_t openedAt() const { return m_openedAt; }

    /// Opens a connection to the first endpoint that accepts (in order), then reports to user,
    /// always from the event loop.
    void connect(std::span<const boost::asio::ip::tcp::endpoint> endpoints, UpstreamUser* user);
    /// A pooled connection starts working for user.
    void attach(UpstreamUser* user);
    /// Writes what the socket takes now: the bytes written, or -1 with errno set (EAGAIN: wait
    /// for onUpstreamWritable).
    long writeNow(const iovec* iov, int count);
    /// After writeNow() said EAGAIN: report onUpstreamWritable when the socket takes more.
    void waitWritable() { m_writeWaiting = true; }
    /// Stops or resumes delivering data (the client's backpressure). Resuming delivers what is
    /// already there from the event loop, never from inside this call.
    void pauseReading() { m_wantRead = false; }
    void resumeReading();

    /// Received bytes not yet consumed by the user, at the front of buffer().
    char* buffer() { return m_buffer.get(); }
    std::size_t buffered() const { return m_buffered; }
    /// Keeps the last `keep` bytes (an incomplete head line) at the front for the next read.
    void consumeAllBut(std::size_t keep);

    /// Back to the pool (reusable) or closed; the user is forgotten.
    void release(bool reusable);
    void close();

    /// Readiness from the epoll set (ProxyHandler dispatches it, minding the generation).
    void onEvents(std::uint32_t events);

    // Pool bookkeeping: idle list links.
    UpstreamConnection* m_prevIdle = nullptr;
    UpstreamConnection* m_nextIdle = nullptr;

private:
    void connectTo(std::size_t index);
    void connectFailed(std::error_code ec);
    void connected();
    void readLoop();
    void post(void (UpstreamConnection::*step)());

    UpstreamPool& m_pool;
    EpollSet& m_events;
    boost::asio::io_context& m_io;
    int m_fd = -1;
    UpstreamUser* m_user = nullptr;
    std::unique_ptr<char[]> m_buffer;
    std::size_t m_buffered = 0;
    std::vector<boost::asio::ip::tcp::endpoint> m_endpoints; // a copy: the pool may re-resolve
    std::size_t m_endpointIndex = 0;
    std::uint64_t m_generation = 0;
    std::int64_t m_openedAt = 0; ///< steady ns of the connect, with max_conn_time only
    State m_state = State::Closed;
    bool m_readReady = false;    // the last edge may still have bytes behind it
    bool m_peerClosed = false;   // EPOLLRDHUP seen: read on to the EOF, past short reads
    bool m_wantRead = false;     // deliver data (busy and not paused) or watch (idle)
    bool m_inRead = false;       // readLoop() is on the stack
    bool m_writeWaiting = false; // writeNow() hit EAGAIN
};

} // namespace gb::gateway::proxy
