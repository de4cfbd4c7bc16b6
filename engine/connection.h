#pragma once

// Internal to the engine: one client connection of a Worker.

#include "common/http/response_parser.h"
#include "engine/read_buffer.h"
#include "engine/stats.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace gb::engine {

class Worker;

/// One HTTP/1.1 connection, owned and driven by its Worker's thread only. It sends one request
/// at a time (no pipelining, like hey and wrk) and reports every outcome to the Worker.
/// A generation number invalidates handlers of a socket that was closed and replaced.
class Connection
{
public:
    explicit Connection(Worker& worker);

    void connect();
    /// Sends the request; its latency counts from startNs: the open-loop schedule's time for it,
    /// or (closed loop) when it began waiting for this connection. Else the send time.
    void send(std::optional<std::int64_t> startNs);
    /// When this connection's dial started, if it has carried no request since: a request sent
    /// on it waited for that dial (hey's clock starts before its client has a connection).
    std::optional<std::int64_t> unusedDialStartNs() const
    {
        return m_dialNs > 0 ? std::optional(m_connectStartNs) : std::nullopt;
    }
    void close();
    /// Fails the in-flight request (or connect) if it has run longer than the timeout.
    void checkTimeout(std::int64_t nowNs, std::int64_t timeoutNs);

    /// Plain sockets: the worker's epoll set reported these events (EPOLLIN, EPOLLOUT, ...).
    void onReadiness(std::uint32_t events);

    bool connected() const { return m_state == State::Idle || m_state == State::Busy; }
    bool busy() const { return m_state == State::Busy; }

    // Per-connection pacing for hey's -q: the next tick this connection may send at.
    std::int64_t nextTickNs = 0;
    boost::asio::steady_timer throttle;

private:
    enum class State
    {
        Closed,
        Connecting,
        Idle,
        Busy
    };

    void onConnect(const boost::system::error_code& ec);
    void writeRequest();
    void onWritten();
    void waitReadable();
    void readAvailable();
    void readTls();
    void onReadEnd(const boost::system::error_code& ec, bool orderlyClose);
    /// Copies the carried bytes of a split head line to the front of `buffer`; their count.
    std::size_t restoreCarry(char* buffer) const;
    bool consume(char* data, std::size_t available);
    void complete(bool reusable);
    void fail(ErrorClass cls, const boost::system::error_code& ec);
    void fail(ErrorClass cls, std::string_view message);

    Worker& m_worker;
    State m_state = State::Closed;
    std::uint64_t m_generation = 0;
    boost::asio::ip::tcp::socket m_socket; // dials; carries TLS; released once a plain one is up
    int m_fd = -1;                         // a connected plain socket, owned here
    std::size_t m_written = 0;             // request bytes sent so far
    bool m_writeBlocked = false;           // the socket buffer was full: wait for EPOLLOUT
    std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> m_tls;
    gb::http::ResponseParser m_parser;
    bool m_reused = false;           // a response already completed on this socket
    bool m_readReady = false;        // an edge arrived and no read has returned EAGAIN since
    bool m_awaitingResponse = false; // the request is written: readable edges go to readAvailable
    bool m_peerClosed = false;       // a hang-up edge was seen: reads will end, keep m_readReady
    std::int64_t m_connectStartNs = 0;
    std::int64_t m_dialNs = 0; // added to the next request's "DNS+dialup", then 0
    std::int64_t m_intendedNs = 0;
    std::int64_t m_sentNs = 0;
    std::int64_t m_writtenNs = 0;
    std::int64_t m_firstByteNs = 0;
    // Plain sockets read into the worker's buffer, so an idle connection holds none; only a head
    // line split between two reads is kept here (rare: usually empty, no allocation).
    std::string m_carry;
    // A TLS read completes later, while others read: it needs a buffer of its own.
    std::unique_ptr<ReadBuffer> m_tlsBuffer;
};

} // namespace gb::engine
