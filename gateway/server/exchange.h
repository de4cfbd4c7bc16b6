#pragma once

// The handler API of the server core: what a route (gatebench-upstream) or the proxy
// (gatebench-gateway) implements and calls. No Asio here except a forward declaration.

#include "gateway/http/request.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

namespace boost::asio {
class io_context;
}

namespace gb::gateway {

class Connection;
class Exchange;
class ServerStats;

/// What a handler learns about its worker thread. Owned by the server; valid for the server's life.
/// Everything a handler does with an exchange happens on this thread, so per-worker handler state
/// (an upstream connection pool, a random generator) needs no lock.
struct WorkerContext
{
    boost::asio::io_context& ioContext;
    int index = 0;
    int threadCount = 1;
};

/// Callbacks of an exchange that outlives Handler::onRequest (delays, the proxy). Owned by the
/// handler; register it with Exchange::setListener and keep it alive until the exchange ends or
/// until it is unregistered (setListener(nullptr)). Called on the exchange's worker thread, never
/// after the response is complete or the exchange aborted, and never from inside a call the
/// handler made on the exchange, except onBody from inside readBody (see there).
class ExchangeListener
{
public:
    /// A piece of the request body (after readBody()). data stays valid until the next readBody()
    /// or the end of the exchange; last is true with the final piece (possibly empty). A malformed
    /// or oversized body ends the exchange with onAbort instead (possibly inside readBody).
    virtual void onBody(Exchange& ex, std::string_view data, bool last);
    /// The output queue drained after writeBody() returned false or borrowed bytes were queued.
    virtual void onWritable(Exchange& ex);
    /// The exchange is dead: the client went away, a timeout hit, or the server gave up at the end
    /// of a drain. Release what it held (timers, upstream connections); the ExchangeRef is expired.
    virtual void onAbort();

protected:
    ~ExchangeListener() = default;
};

enum class BodyOwnership : std::uint8_t
{
    Copy,   ///< bytes are copied into the connection's output queue
    Borrow, ///< bytes are sent from where they lie; keep them valid until onWritable or the end
};

enum class AbortMode : std::uint8_t
{
    Close, ///< send what is queued, then close (FIN)
    Reset, ///< send what is queued, then reset the connection (RST, SO_LINGER 0)
};

/// One request and its response on a connection. Owned by the connection, handed to
/// Handler::onRequest; call it only on the worker thread. Requests of a connection are handled one
/// at a time, so responses to pipelined requests leave in order.
///
/// The response is either whole (respond) or streamed (writeHead, writeBody..., finish). The core
/// owns Date, Connection, Content-Length and Transfer-Encoding, keep-alive, HEAD (no body bytes
/// are sent, Content-Length kept) and the request body framing.
class Exchange
{
public:
    explicit Exchange(Connection& c)
        : m_connection(c)
    {}
    Exchange(const Exchange&) = delete;
    Exchange& operator=(const Exchange&) = delete;

    /// The request head; its views stay valid until the exchange ends.
    const http::Request& request() const;
    WorkerContext& worker() const;
    /// The client's IP address as text ("127.0.0.1", "::1").
    std::string_view peerAddress() const;

    void setListener(ExchangeListener* listener);

    /// Asks for the next piece of the request body; it arrives through ExchangeListener::onBody.
    /// If bytes are already buffered, onBody runs before readBody returns; a readBody made from
    /// inside onBody is served after that onBody returns (no recursion). Sends "100 Continue" if
    /// the client asked for it. Requires a listener.
    void readBody();
    /// Whether the whole request body has been handed out (true at once for a bodiless request).
    bool bodyComplete() const;

    /// The whole response. Headers must not include the fields the core owns (see class comment).
    void respond(int status, std::span<const http::Header> headers, std::string_view body,
                 BodyOwnership ownership = BodyOwnership::Copy);
    /// Starts a streamed response: a known length, or chunked when contentLength is empty.
    void writeHead(int status, std::span<const http::Header> headers,
                   std::optional<std::uint64_t> contentLength);
    /// Queues body bytes. Returns false when the output queue is above its high-water mark (or
    /// bytes were borrowed): wait for ExchangeListener::onWritable before writing more.
    bool writeBody(std::string_view data, BodyOwnership ownership = BodyOwnership::Copy);
    /// Ends a streamed response. With a Content-Length that was not met, the connection is closed
    /// instead (the client must not mistake a short body for a whole one).
    void finish();
    /// Ends the exchange without a (complete) response: the connection is closed.
    void abort(AbortMode mode = AbortMode::Close);
    /// Sends bytes as they are, outside HTTP framing, and closes after them (fault injection).
    void writeRawAndClose(std::string_view bytes);
    /// The response will carry "Connection: close" and the connection close after it.
    void closeAfterResponse();
    bool responseStarted() const;

private:
    friend class ExchangeRef;
    Connection& m_connection;
};

/// A handle on an exchange that a handler keeps across callbacks (timers, upstream I/O). It keeps
/// the connection object alive, not the exchange: get() is null once the exchange has ended
/// (completed or aborted). Use and destroy it on the exchange's worker thread only.
class ExchangeRef
{
public:
    ExchangeRef() = default;
    explicit ExchangeRef(Exchange& ex);
    ExchangeRef(const ExchangeRef& other);
    ExchangeRef(ExchangeRef&& other) noexcept;
    ExchangeRef& operator=(ExchangeRef other) noexcept;
    ~ExchangeRef();

    Exchange* get() const;
    Exchange* operator->() const { return get(); }
    explicit operator bool() const { return get() != nullptr; }
    void reset();

private:
    Connection* m_connection = nullptr;
    std::uint64_t m_id = 0;
};

/// Implemented by routes and by the proxy; one instance per worker thread (see HandlerFactory), so
/// it may keep thread-local state without locks.
class Handler
{
public:
    virtual ~Handler() = default;
    /// A complete, validated request head. Respond now, or keep an ExchangeRef and respond later
    /// on this thread; the connection handles no further request until this one is answered.
    virtual void onRequest(Exchange& ex) = 0;
    /// The server began draining (SIGTERM): drop idle resources such as pooled upstream
    /// connections. In-flight exchanges still complete.
    virtual void onShutdown() {}
};

/// Called once per worker, on the thread that starts the server, before any request.
using HandlerFactory = std::function<std::unique_ptr<Handler>(WorkerContext&)>;

} // namespace gb::gateway
