#pragma once

// Internal to the server core (includes Asio): only server/*.cpp include this.

#include "gateway/http/chunked_decoder.h"
#include "gateway/http/output_buffer.h"
#include "gateway/http/request_parser.h"
#include "gateway/http/response.h"
#include "gateway/server/exchange.h"
#include "gateway/server/stats.h"

#include <cassert>
#include <cstdint>
#include <memory>
#include <string_view>

namespace gb::gateway {

class Worker;

/// One client connection: its socket, input buffer, parser, the current exchange and the output
/// queue. Owned by its worker's intrusive list while open and by reference counts (async waits,
/// ExchangeRefs) until the last one goes; every member runs on the worker's thread.
///
/// I/O is readiness-driven from the worker's edge-triggered epoll set, as nginx does it: recv()
/// until a short read (the socket is then drained, and the next byte raises a new edge), one
/// sendmsg() gathering every response of a read. A request costs one recv, one sendmsg and a
/// share of one epoll_wait; no failing speculative recv, no epoll_ctl.
/// The head of the exchange in flight stays where it was parsed (its views are valid until the
/// exchange ends); request body bytes stream through the buffer space after it.
class Connection
{
public:
    /// Takes ownership of a connected, non-blocking socket.
    Connection(Worker& worker, int fd);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void start();
    /// Readiness reported by the worker's epoll set (EPOLLIN, EPOLLOUT, ...).
    void onEvents(std::uint32_t events);
    /// The worker's sweep found this connection's deadline passed.
    void onDeadline();
    /// The server began draining.
    void onDrain();
    /// Drain deadline passed: close whatever state we are in.
    void forceClose(FailKind why);
    /// The worker's sweep: a connection that has waited for its next request since idleSince
    /// (a tick) gives its input and output buffers and its request head back, as nginx does, so
    /// that thousands of idle keep-alive clients cost their sockets and a few hundred bytes
    /// each. The next request allocates them again. Nothing happens to a busy connection.
    void releaseBuffersIfIdleSince(std::uint64_t idleSince);

    void addRef() { ++m_refs; }
    void release()
    {
        if (--m_refs == 0)
            delete this;
    }

    // --- Exchange implementation (see exchange.h for the contract) ---
    const http::Request& request() const { return *m_request; }
    WorkerContext& workerContext() const;
    std::string_view peerAddress();
    void setListener(ExchangeListener* l) { m_listener = l; }
    void readBody();
    bool bodyComplete() const { return m_body != RequestBody::Arriving; }
    void respond(int status, std::span<const http::Header> headers, std::string_view body,
                 BodyOwnership ownership);
    void writeHead(int status, std::span<const http::Header> headers,
                   std::optional<std::uint64_t> contentLength);
    bool writeBody(std::string_view data, BodyOwnership ownership);
    void finish();
    void abort(AbortMode mode);
    void writeRawAndClose(std::string_view bytes);
    void closeAfterResponse() { m_closeAfter = true; }
    bool responseStarted() const { return m_response != Response::None; }
    Exchange* liveExchange(std::uint64_t id)
    {
        return m_phase == Phase::Exchange && m_exchangeId == id ? &m_exchange : nullptr;
    }
    std::uint64_t exchangeId() const { return m_exchangeId; }

    // Worker list links and deadline (in worker ticks, 0 = none).
    Connection* m_prev = nullptr;
    Connection* m_next = nullptr;
    std::uint64_t m_deadline = 0;

private:
    /// Where the connection is in its life. Ordered: from Closing on it takes no more requests.
    /// Only the moves canMove() lists are made (asserted in debug builds):
    ///   Waiting    → Exchange | Closing | Closed       between requests (a head may be arriving)
    ///   Exchange   → Waiting | Discarding | Closing | Closed
    ///                                                  a request dispatched, its answer not done
    ///   Discarding → Waiting | Closing | Closed        answered; the rest of its body is dropped
    ///   Closing    → Lingering | Closed                no more requests: flush, then close
    ///   Lingering  → Closed                            output shut; what the client still sends
    ///                                                  is read and dropped (nginx's lingering
    ///                                                  close)
    enum class Phase : std::uint8_t
    {
        Waiting,
        Exchange,
        Discarding,
        Closing,
        Lingering,
        Closed,
    };
    static constexpr bool canMove(Phase from, Phase to)
    {
        switch (from) {
        case Phase::Waiting:
            return to == Phase::Exchange || to == Phase::Closing || to == Phase::Closed;
        case Phase::Exchange:
            return to != Phase::Exchange && to != Phase::Lingering;
        case Phase::Discarding:
            return to == Phase::Waiting || to == Phase::Closing || to == Phase::Closed;
        case Phase::Closing:
            return to == Phase::Lingering || to == Phase::Closed;
        case Phase::Lingering:
            return to == Phase::Closed;
        case Phase::Closed:
            return false;
        }
        return false;
    }
    /// The request body of the exchange in flight (or of the one just answered, while Discarding).
    enum class RequestBody : std::uint8_t
    {
        Arriving,  // bytes still to come
        Received,  // all of it parsed (a bodiless request starts here); the last piece not handed
                   // over
        Delivered, // the handler had the last piece
    };
    enum class Response : std::uint8_t
    {
        None,      // nothing sent for this exchange yet
        Streaming, // head queued, body under way
        Raw,       // writeRawAndClose
    };
    enum class Deadline : std::uint8_t
    {
        None,
        FirstByte, // new connection, nothing received
        Idle,      // keep-alive, between requests
        Header,    // part of a head received → 408
        Body,      // waiting for request body bytes
        Write,     // waiting for the socket to take output
        Linger,    // closing: reading what the client still sends
    };
    struct BodyPiece
    {
        bool available = false;
        bool last = false;
        std::string_view data;
        http::ParseError error = http::ParseError::None;
    };

    // input
    void readSome();
    void readLoop();
    void onEof();
    bool makeRoom();
    void growInput(std::size_t capacity);
    void onInput();
    void processRequests();
    bool dispatch(std::size_t headBytes);
    void refuse(http::ParseError e);
    void writeErrorAndClose(int status, std::string_view why);
    void postDispatch();
    // request body
    void pumpBody();
    BodyPiece nextBodyPiece();
    void releaseHeldBody() { m_bodyPos = m_bodyHeldEnd > m_bodyPos ? m_bodyHeldEnd : m_bodyPos; }
    bool discardBody();
    void bodyFailed(http::ParseError e);
    // response
    http::ConnectionToken connectionToken();
    void completeExchange(int status);
    void afterExchange();
    void flush();
    void scheduleFlush();
    void onOutputDrained();
    // closing
    void setPhase(Phase next)
    {
        assert(canMove(m_phase, next));
        m_phase = next;
    }
    bool closed() const { return m_phase == Phase::Closed; }
    bool inExchange() const { return m_phase == Phase::Exchange; }
    void closeGracefully();
    void closeNow();
    /// Ends the exchange in flight without an answer (back to Waiting; the caller closes next)
    /// and tells its listener.
    void abortExchange();
    /// Tells the listener of the exchange that just ended unanswered (onAbort), once.
    void notifyAbort();
    void failAndClose(std::error_code ec, FailKind kind);
    void setDeadline(Deadline kind);
    void updateDeadline();

    Worker& m_worker;
    int m_fd;
    unsigned m_refs = 0;
    char m_peer[48] = {};

    std::unique_ptr<char[]> m_in;
    std::size_t m_inCap = 0;
    std::size_t m_inBegin = 0; // first byte of the current (or next) request
    std::size_t m_inEnd = 0;   // end of received bytes
    http::RequestParser m_parser;
    /// The head being parsed or served. 4 KB of header slots: allocated with the first bytes of
    /// a request and given back with the buffers when the connection idles.
    std::unique_ptr<http::Request> m_request;
    http::ChunkedDecoder m_chunked;

    Phase m_phase = Phase::Waiting;
    Exchange m_exchange;
    std::uint64_t m_exchangeId = 0;
    ExchangeListener* m_listener = nullptr;
    // request body
    RequestBody m_body = RequestBody::Received;
    std::size_t m_headEnd = 0;
    std::size_t m_bodyPos = 0;     // next undelivered raw body byte
    std::size_t m_bodyHeldEnd = 0; // end of the piece the handler holds (released by readBody)
    std::uint64_t m_bodyLeft = 0;  // Content-Length bytes not yet delivered
    bool m_bodyWanted = false;     // the handler asked for the next piece (readBody)
    bool m_inBodyDelivery = false; // pumpBody() is on the stack
    bool m_continueSent = false;
    // response
    Response m_response = Response::None;
    http::ResponseFraming m_framing = http::ResponseFraming::Length;
    std::uint64_t m_responseLeft = 0;
    int m_status = 0;
    bool m_headRequest = false;
    bool m_closeAfter = false;
    bool m_notifyWritable = false;
    http::OutputBuffer m_out;
    // I/O state
    bool m_inDispatch = false;
    bool m_readReady = false;  // the last edge may still have bytes behind it
    bool m_peerHangUp = false; // an edge said the client closed: reads go on until they end
    bool m_inRead = false;
    std::uint64_t m_received = 0;
    bool m_readPaused = false; // the buffer is full: resumed by readBody or the exchange's end
    bool m_writeWaiting = false;
    bool m_flushPosted = false;
    bool m_dispatchPosted = false;
    bool m_dispatchBlocked = false; // dispatch stopped because the output queue is full
    bool m_peerEof = false;         // recv() returned 0
    bool m_resetOnClose = false;
    Deadline m_deadlineKind = Deadline::None;
    std::uint64_t m_waitingSince = 0; // the tick it began to wait for a request (Idle, FirstByte)
};

/// Intrusive owner of a Connection (single-threaded count).
class ConnectionPtr
{
public:
    explicit ConnectionPtr(Connection* c)
        : m_c(c)
    {
        m_c->addRef();
    }
    ConnectionPtr(const ConnectionPtr& o)
        : m_c(o.m_c)
    {
        m_c->addRef();
    }
    ConnectionPtr(ConnectionPtr&& o) noexcept
        : m_c(o.m_c)
    {
        o.m_c = nullptr;
    }
    ConnectionPtr& operator=(const ConnectionPtr&) = delete;
    ~ConnectionPtr()
    {
        if (m_c)
            m_c->release();
    }
    Connection* operator->() const { return m_c; }

private:
    Connection* m_c;
};

} // namespace gb::gateway
