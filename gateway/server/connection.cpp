#include "gateway/server/connection.h"

#include "gateway/server/worker.h"

#include <boost/asio/post.hpp>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>

namespace gb::gateway {

namespace {

constexpr std::size_t kInitialInput = 4096;
constexpr std::size_t kMinReadSpace = 1024;
// Space a request body gets after its (pinned) head, so it can stream through the buffer.
constexpr std::size_t kMinBodyWindow = 4096;
// Output above this stops the dispatch of pipelined requests and tells streaming writers to wait.
constexpr std::size_t kHighWater = 64 * 1024;
// An unread Content-Length body larger than this is not worth reading to keep the connection.
constexpr std::uint64_t kMaxDiscard = 64 * 1024;
constexpr int kMaxIov = 64;

std::error_code lastError()
{
    return {errno, std::system_category()};
}

} // namespace

Connection::Connection(Worker& worker, int fd)
    : m_worker(worker)
    , m_fd(fd)
    , m_parser(worker.config().limits)
    , m_chunked(worker.config().limits)
    , m_exchange(*this)
{}

Connection::~Connection() = default;

void Connection::start()
{
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); // we batch writes ourselves
    m_worker.attach(this); // the worker's list holds a reference until closeNow()
    ConnectionPtr self(this);
    m_worker.stats().connectionOpened();
    setDeadline(Deadline::FirstByte);
    if (!m_worker.watch(m_fd, this)) {
        failAndClose(lastError(), FailKind::Accept);
        return;
    }
    // The request may have arrived with the handshake, before the registration: try at once.
    m_readReady = true;
    readSome();
}

void Connection::onEvents(std::uint32_t events)
{
    if (m_closed)
        return;
    if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
        if (m_writeWaiting) {
            m_writeWaiting = false;
            setDeadline(Deadline::Write); // progress restarts the write timeout
            flush();
            if (m_closed)
                return;
        }
    }
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) {
        m_readReady = true;
        readSome();
    }
}

WorkerContext& Connection::workerContext() const
{
    return m_worker.context();
}

std::string_view Connection::peerAddress()
{
    if (m_peer[0] == '\0') {
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        if (::getpeername(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
            if (addr.ss_family == AF_INET)
                ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&addr)->sin_addr, m_peer,
                            sizeof m_peer);
            else if (addr.ss_family == AF_INET6)
                ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&addr)->sin6_addr, m_peer,
                            sizeof m_peer);
        }
    }
    return m_peer;
}

// ---------------------------------------------------------------------------------------------
// Input

void Connection::readSome()
{
    if (m_inRead)
        return; // called back from inside onInput(): the loop below goes on
    ConnectionPtr self(this);
    m_inRead = true;
    readLoop();
    m_inRead = false;
}

void Connection::readLoop()
{
    while (m_readReady && !m_closed) {
        if (!m_lingering && (m_closing || m_peerEof))
            return; // no more requests: leave the bytes in the socket
        char* at;
        std::size_t space;
        if (m_lingering) {
            if (!m_in)
                growInput(kInitialInput);
            at = m_in.get(); // leftovers are read only to be dropped
            space = m_inCap;
        } else {
            if (!makeRoom()) {
                // Backpressure: the buffer is full of bytes nobody may drop yet. Resumed by
                // readBody() (a piece released) or by the end of the exchange.
                m_readPaused = true;
                return;
            }
            m_readPaused = false;
            at = m_in.get() + m_inEnd;
            space = m_inCap - m_inEnd;
        }
        const ssize_t n = ::recv(m_fd, at, space, 0);
        if (n > 0) {
            // A short read drained the socket: the next byte raises a new edge.
            if (static_cast<std::size_t>(n) < space)
                m_readReady = false;
            if (!m_lingering) {
                m_inEnd += static_cast<std::size_t>(n);
                m_received += static_cast<std::size_t>(n);
                onInput();
            }
            continue;
        }
        if (n == 0) {
            m_readReady = false;
            if (m_lingering)
                closeNow(); // the client closed too: done
            else
                onEof();
            return;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            m_readReady = false;
            return;
        }
        if (errno == EINTR)
            continue;
        if (m_lingering)
            closeNow();
        else
            failAndClose(lastError(), m_exchangeOpen ? FailKind::ClientAbort : FailKind::Read);
        return;
    }
}

void Connection::onEof()
{
    m_peerEof = true;
    if (m_exchangeOpen || m_discarding || m_inEnd > m_inBegin) {
        // Gone mid-request: nothing left to answer (as nginx, a FIN aborts the exchange).
        failAndClose({}, FailKind::ClientAbort);
    } else if (!m_out.empty() || m_writeWaiting) {
        m_closing = true;
        flush();
    } else {
        closeNow();
    }
}

void Connection::growInput(std::size_t capacity)
{
    auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
    if (m_inEnd)
        std::memcpy(bigger.get(), m_in.get(), m_inEnd);
    m_in = std::move(bigger);
    m_inCap = capacity;
}

bool Connection::makeRoom()
{
    if (!m_in)
        growInput(kInitialInput);
    if (!m_exchangeOpen && !m_discarding) {
        if (m_inBegin == m_inEnd)
            m_inBegin = m_inEnd = 0;
        if (m_inCap - m_inEnd >= kMinReadSpace)
            return true;
        if (m_inBegin > 0) {
            // The parser's progress is relative to m_inBegin, so moving the bytes keeps it valid.
            std::memmove(m_in.get(), m_in.get() + m_inBegin, m_inEnd - m_inBegin);
            m_inEnd -= m_inBegin;
            m_inBegin = 0;
        }
        if (m_inCap - m_inEnd >= kMinReadSpace)
            return true;
        const std::size_t maxInput = m_worker.config().limits.maxHeadBytes + 2 * kMinReadSpace;
        if (m_inCap < maxInput) {
            growInput(std::min(m_inCap * 2, maxInput));
            return true;
        }
        return m_inEnd < m_inCap;
    }
    // Body phase: the exchange's head stays pinned; body (and pipelined) bytes live after it.
    const std::size_t floor = m_exchangeOpen ? m_headEnd : 0;
    const bool held = m_bodyHeldEnd > m_bodyPos;
    if (!held && m_bodyPos == m_inEnd) {
        m_bodyPos = m_bodyHeldEnd = m_inEnd = floor;
        if (!m_exchangeOpen)
            m_inBegin = 0;
    }
    if (m_inCap - m_inEnd >= kMinReadSpace)
        return true;
    if (!held && m_bodyPos > floor) {
        std::memmove(m_in.get() + floor, m_in.get() + m_bodyPos, m_inEnd - m_bodyPos);
        m_inEnd -= m_bodyPos - floor;
        m_bodyPos = m_bodyHeldEnd = floor;
        if (!m_exchangeOpen)
            m_inBegin = 0;
    }
    return m_inEnd < m_inCap;
}

void Connection::onInput()
{
    if (m_exchangeOpen) {
        // Pipelined bytes wait for the exchange in flight; body bytes go to its reader.
        if (m_bodyWanted) {
            setDeadline(Deadline::Body);
            pumpBody();
        }
        return;
    }
    if (m_discarding) {
        setDeadline(Deadline::Body);
        if (!discardBody())
            return;
    }
    processRequests();
}

void Connection::processRequests()
{
    if (m_inDispatch || m_closed)
        return;
    m_inDispatch = true;
    m_dispatchBlocked = false;
    while (!m_closed && !m_closing && !m_exchangeOpen && !m_discarding && m_inBegin < m_inEnd) {
        if (m_out.pendingBytes() >= kHighWater) {
            m_dispatchBlocked = true; // resumed by onOutputDrained
            break;
        }
        const auto r = m_parser.parse({m_in.get() + m_inBegin, m_inEnd - m_inBegin}, m_request);
        if (r.status == http::RequestParser::Status::NeedMore)
            break;
        if (r.status == http::RequestParser::Status::Error) {
            refuse(r.error);
            break;
        }
        m_parser.reset();
        if (!dispatch(r.consumed))
            break;
    }
    m_inDispatch = false;
    if (m_closed)
        return;
    updateDeadline();
    flush(); // every response of this batch in one write
}

bool Connection::dispatch(std::size_t headBytes)
{
    std::size_t headEnd = m_inBegin + headBytes;
    if (m_request.framing != http::BodyFraming::None) {
        const bool whole = m_request.framing == http::BodyFraming::Length &&
                           m_inEnd - headEnd >= m_request.contentLength;
        if (!whole && m_inCap - headEnd < kMinBodyWindow) {
            // Make room for the body to stream through while the head stays put: move this
            // request to the front (and grow if the head alone is that large), then parse the
            // moved bytes again so the views point at them. Rare, and before any view escaped.
            if (m_inBegin > 0) {
                std::memmove(m_in.get(), m_in.get() + m_inBegin, m_inEnd - m_inBegin);
                m_inEnd -= m_inBegin;
                m_inBegin = 0;
            }
            if (m_inCap < headBytes + kMinBodyWindow)
                growInput(headBytes + kMinBodyWindow);
            m_parser.parse({m_in.get(), m_inEnd}, m_request);
            m_parser.reset();
            headEnd = headBytes;
        }
    }
    m_headEnd = headEnd;
    m_bodyPos = m_bodyHeldEnd = headEnd;
    m_exchangeOpen = true;
    ++m_exchangeId;
    m_listener = nullptr;
    m_bodyWanted = false;
    m_bodyLastDelivered = false;
    m_continueSent = false;
    m_notifyWritable = false;
    switch (m_request.framing) {
    case http::BodyFraming::None:
        m_bodyDone = true;
        m_bodyLeft = 0;
        break;
    case http::BodyFraming::Length:
        m_bodyDone = false;
        m_bodyLeft = m_request.contentLength;
        break;
    case http::BodyFraming::Chunked:
        m_bodyDone = false;
        m_bodyLeft = 0;
        m_chunked.reset();
        break;
    }
    m_response = Response::None;
    m_status = 0;
    m_headRequest = m_request.methodId == http::Method::Head;
    setDeadline(Deadline::None); // the handler owns time now (delays, upstream timeouts)
    m_worker.stats().countRequest();
    m_worker.handler().onRequest(m_exchange);
    return true;
}

void Connection::refuse(http::ParseError e)
{
    m_worker.stats().countParseError(e);
    m_worker.fail({}, FailKind::BadRequest);
    writeErrorAndClose(http::statusFor(e), http::toString(e));
}

void Connection::writeErrorAndClose(int status, std::string_view why)
{
    // Body: the status text and why, so a human with curl sees what was wrong.
    static constexpr http::Header kText[] = {{"Content-Type", "text/plain"}};
    const std::string_view phrase = http::reasonPhrase(status);
    http::writeResponseHead(m_out, status, kText, http::ResponseFraming::Length,
                            phrase.size() + 2 + why.size() + 1, http::ConnectionToken::Close);
    m_out.append(phrase);
    m_out.append(": ");
    m_out.append(why);
    m_out.append('\n');
    m_worker.stats().countResponse(status);
    m_closing = true;
    m_discarding = false;
}

// ---------------------------------------------------------------------------------------------
// Request body

void Connection::readBody()
{
    if (!m_exchangeOpen || m_closed)
        return;
    m_bodyWanted = true;
    pumpBody();
}

void Connection::pumpBody()
{
    if (m_inBodyDelivery)
        return; // readBody() from inside onBody: the loop below serves it
    ConnectionPtr self(this);
    m_inBodyDelivery = true;
    while (m_bodyWanted && m_exchangeOpen && !m_closed) {
        releaseHeldBody();
        if (m_bodyDone && m_bodyLastDelivered) {
            m_bodyWanted = false;
            break;
        }
        const BodyPiece piece = nextBodyPiece();
        if (piece.error != http::ParseError::None) {
            m_inBodyDelivery = false;
            bodyFailed(piece.error);
            return;
        }
        if (!piece.available) {
            if (m_request.expectContinue && !m_continueSent && m_response == Response::None) {
                m_continueSent = true;
                m_out.append("HTTP/1.1 100 Continue\r\n\r\n");
                if (!m_inDispatch)
                    flush();
                if (m_closed)
                    break;
            }
            updateDeadline();
            if (m_readPaused && !m_inRead) {
                const std::uint64_t before = m_received;
                readSome(); // the released piece made room
                if (!m_closed && m_received != before)
                    continue;
            }
            break;
        }
        m_bodyWanted = false;
        if (piece.last)
            m_bodyLastDelivered = true;
        if (m_listener)
            m_listener->onBody(m_exchange, piece.data, piece.last);
    }
    m_inBodyDelivery = false;
    if (!m_closed)
        updateDeadline();
}

Connection::BodyPiece Connection::nextBodyPiece()
{
    BodyPiece p;
    if (m_bodyDone) {
        p.available = !m_bodyLastDelivered;
        p.last = true;
        return p;
    }
    const char* base = m_in.get();
    if (m_request.framing == http::BodyFraming::Length) {
        const std::size_t avail = m_inEnd - m_bodyPos;
        if (avail == 0)
            return p;
        const std::size_t n = m_bodyLeft < avail ? static_cast<std::size_t>(m_bodyLeft) : avail;
        p.data = {base + m_bodyPos, n};
        p.available = true;
        m_bodyHeldEnd = m_bodyPos + n;
        m_bodyLeft -= n;
        if (m_bodyLeft == 0) {
            m_bodyDone = true;
            p.last = true;
        }
        return p;
    }
    const auto r = m_chunked.decode({base + m_bodyPos, m_inEnd - m_bodyPos});
    if (r.error != http::ParseError::None) {
        p.error = r.error;
        return p;
    }
    if (!r.data.empty()) {
        p.data = r.data;
        p.available = true;
        m_bodyHeldEnd = m_bodyPos + r.consumed;
        return p;
    }
    m_bodyPos += r.consumed;
    m_bodyHeldEnd = m_bodyPos;
    if (r.done) {
        m_bodyDone = true;
        p.available = true;
        p.last = true;
    }
    return p;
}

bool Connection::discardBody()
{
    while (true) {
        releaseHeldBody();
        if (m_bodyDone) {
            m_discarding = false;
            m_inBegin = m_bodyPos;
            return true;
        }
        const BodyPiece p = nextBodyPiece();
        if (p.error != http::ParseError::None) {
            m_discarding = false;
            bodyFailed(p.error);
            return false;
        }
        if (!p.available) {
            m_discarding = true;
            updateDeadline();
            return false;
        }
    }
}

void Connection::bodyFailed(http::ParseError e)
{
    m_worker.stats().countParseError(e);
    m_worker.fail({}, FailKind::BadRequest);
    const bool canAnswer = m_response == Response::None && m_exchangeOpen && !m_closing;
    if (m_exchangeOpen)
        abortExchange();
    if (!canAnswer) {
        closeNow();
        return;
    }
    writeErrorAndClose(http::statusFor(e), http::toString(e));
    if (!m_inDispatch)
        flush();
}

// ---------------------------------------------------------------------------------------------
// Response

http::ConnectionToken Connection::connectionToken()
{
    if (m_worker.draining() || m_closeAfter || !m_request.keepAlive) {
        m_closeAfter = true;
        return http::ConnectionToken::Close;
    }
    return m_request.versionMinor == 0 ? http::ConnectionToken::KeepAlive
                                       : http::ConnectionToken::None;
}

void Connection::respond(int status, std::span<const http::Header> headers, std::string_view body,
                         BodyOwnership ownership)
{
    if (!m_exchangeOpen || m_response != Response::None || m_closed)
        return;
    if (!m_bodyDone) {
        // The rest of the body is read and dropped to reach the next request, unless the client
        // still waits for 100 Continue (it may never send it) or it is not worth reading.
        if ((m_request.expectContinue && !m_continueSent) ||
            (m_request.framing == http::BodyFraming::Length && m_bodyLeft > kMaxDiscard))
            m_closeAfter = true;
    }
    const bool noBody = http::statusHasNoBody(status);
    http::writeResponseHead(m_out, status, headers,
                            noBody ? http::ResponseFraming::NoBody : http::ResponseFraming::Length,
                            body.size(), connectionToken());
    if (!noBody && !m_headRequest) {
        if (ownership == BodyOwnership::Borrow)
            m_out.appendBorrowed(body);
        else
            m_out.append(body);
    }
    completeExchange(status);
}

void Connection::writeHead(int status, std::span<const http::Header> headers,
                           std::optional<std::uint64_t> contentLength)
{
    if (!m_exchangeOpen || m_response != Response::None || m_closed)
        return;
    if (!m_bodyDone && m_request.expectContinue && !m_continueSent)
        m_closeAfter = true;
    http::ResponseFraming framing;
    bool untilClose = false;
    if (http::statusHasNoBody(status)) {
        framing = http::ResponseFraming::NoBody;
    } else if (contentLength) {
        framing = http::ResponseFraming::Length;
    } else if (m_request.versionMinor == 0) {
        // An HTTP/1.0 client cannot read chunked: delimit the body by closing.
        framing = http::ResponseFraming::NoBody;
        untilClose = true;
        m_closeAfter = true;
    } else {
        framing = http::ResponseFraming::Chunked;
    }
    http::writeResponseHead(m_out, status, headers, framing, contentLength.value_or(0),
                            connectionToken());
    m_response = Response::Streaming;
    m_status = status;
    m_framing = framing;
    m_responseLeft = untilClose                                 ? UINT64_MAX
                     : framing == http::ResponseFraming::Length ? *contentLength
                                                                : 0;
    scheduleFlush();
}

bool Connection::writeBody(std::string_view data, BodyOwnership ownership)
{
    if (!m_exchangeOpen || m_response != Response::Streaming || m_closed)
        return false;
    const bool borrow = ownership == BodyOwnership::Borrow;
    if (!m_headRequest && !data.empty()) {
        if (m_framing == http::ResponseFraming::Chunked) {
            http::writeChunk(m_out, data, borrow);
        } else if (m_responseLeft > 0) {
            // Never send more than the declared length: the excess would be read as a response.
            if (data.size() > m_responseLeft)
                data = data.substr(0, static_cast<std::size_t>(m_responseLeft));
            if (m_responseLeft != UINT64_MAX)
                m_responseLeft -= data.size();
            if (borrow)
                m_out.appendBorrowed(data);
            else
                m_out.append(data);
        }
    }
    scheduleFlush();
    const bool more = !borrow && m_out.pendingBytes() < kHighWater;
    if (!more)
        m_notifyWritable = true;
    return more;
}

void Connection::finish()
{
    if (!m_exchangeOpen || m_closed)
        return;
    if (m_response == Response::None) {
        abort(AbortMode::Close);
        return;
    }
    if (!m_headRequest) {
        if (m_framing == http::ResponseFraming::Chunked)
            http::writeLastChunk(m_out);
        else if (m_responseLeft > 0) // short body, or close-delimited: only a close ends it
            m_closeAfter = true;
    }
    completeExchange(m_status);
}

void Connection::abort(AbortMode mode)
{
    if (!m_exchangeOpen || m_closed)
        return;
    m_exchangeOpen = false;
    m_listener = nullptr;
    m_bodyWanted = false;
    m_resetOnClose = mode == AbortMode::Reset;
    m_closing = true;
    if (!m_inDispatch)
        flush();
}

void Connection::writeRawAndClose(std::string_view bytes)
{
    if (!m_exchangeOpen || m_response != Response::None || m_closed)
        return;
    m_out.append(bytes);
    m_response = Response::Raw;
    m_closeAfter = true;
    completeExchange(0);
}

void Connection::completeExchange(int status)
{
    m_worker.stats().countResponse(status);
    m_exchangeOpen = false;
    m_listener = nullptr;
    m_bodyWanted = false;
    m_notifyWritable = false;
    releaseHeldBody();
    afterExchange();
}

void Connection::afterExchange()
{
    if (m_closeAfter)
        m_closing = true;
    else if (!m_bodyDone)
        discardBody(); // may finish at once, or set m_discarding
    else
        m_inBegin = m_bodyPos;
    if (m_inDispatch || m_closed)
        return; // the dispatch loop goes on and flushes the whole batch
    flush();
    if (m_closed || m_closing)
        return;
    updateDeadline();
    // Buffered pipelined requests (or a paused reader) continue from the event loop, so a
    // handler's respond() never re-enters that handler.
    if (!m_discarding && (m_inEnd > m_inBegin || m_readPaused))
        postDispatch();
}

void Connection::postDispatch()
{
    if (m_dispatchPosted)
        return;
    m_dispatchPosted = true;
    boost::asio::post(m_worker.ioContext(), [self = ConnectionPtr(this)] {
        self->m_dispatchPosted = false;
        if (self->m_closed)
            return;
        self->processRequests();
        if (self->m_readPaused && !self->m_closed)
            self->readSome();
    });
}

void Connection::scheduleFlush()
{
    if (m_inDispatch || m_flushPosted || m_writeWaiting || m_closed)
        return;
    m_flushPosted = true;
    boost::asio::post(m_worker.ioContext(), [self = ConnectionPtr(this)] {
        self->m_flushPosted = false;
        if (!self->m_closed)
            self->flush();
    });
}

void Connection::flush()
{
    if (m_writeWaiting || m_closed)
        return;
    ConnectionPtr self(this);
    while (!m_out.empty()) {
        iovec iov[kMaxIov];
        msghdr msg{};
        msg.msg_iov = iov;
        msg.msg_iovlen = static_cast<std::size_t>(m_out.gather(iov, kMaxIov));
        const ssize_t n = ::sendmsg(m_fd, &msg, MSG_NOSIGNAL);
        if (n >= 0) {
            m_out.consume(static_cast<std::size_t>(n));
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            m_writeWaiting = true; // EPOLLOUT will call flush() again
            setDeadline(Deadline::Write);
            return;
        }
        failAndClose(lastError(), m_exchangeOpen ? FailKind::ClientAbort : FailKind::Write);
        return;
    }
    onOutputDrained();
}

void Connection::onOutputDrained()
{
    if (m_closing) {
        closeGracefully();
        return;
    }
    updateDeadline();
    if (m_notifyWritable && m_listener && m_exchangeOpen) {
        m_notifyWritable = false;
        m_listener->onWritable(m_exchange);
        return;
    }
    if (m_dispatchBlocked && !m_inDispatch && !m_exchangeOpen && !m_discarding)
        postDispatch();
}

// ---------------------------------------------------------------------------------------------
// Closing

void Connection::closeGracefully()
{
    if (m_closed)
        return;
    if (m_resetOnClose || m_peerEof) {
        closeNow();
        return;
    }
    // Half-close and read what the client still sends before closing: closing with unread bytes
    // makes the kernel send RST, which can destroy the response we just sent (a 413 answered
    // while the client is still uploading). This is nginx's lingering close.
    ::shutdown(m_fd, SHUT_WR);
    m_lingering = true;
    setDeadline(Deadline::Linger);
    m_readReady = true;
    readSome();
}

void Connection::abortExchange()
{
    m_exchangeOpen = false;
    m_bodyWanted = false;
    ExchangeListener* l = m_listener;
    m_listener = nullptr;
    if (l)
        l->onAbort();
}

void Connection::failAndClose(std::error_code ec, FailKind kind)
{
    m_worker.fail(ec, kind);
    closeNow();
}

void Connection::closeNow()
{
    if (m_closed)
        return;
    ConnectionPtr self(this);
    m_closed = true;
    if (m_exchangeOpen)
        abortExchange();
    m_deadline = 0;
    if (m_resetOnClose) {
        const linger l{1, 0}; // RST instead of FIN
        ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    ::close(m_fd); // also leaves the worker's epoll set (the descriptor is not shared)
    m_out.clear();
    m_worker.stats().connectionClosed();
    m_worker.detach(this);
}

void Connection::forceClose(FailKind why)
{
    ConnectionPtr self(this);
    m_worker.fail({}, why);
    closeNow();
}

// ---------------------------------------------------------------------------------------------
// Timeouts and drain

void Connection::setDeadline(Deadline kind)
{
    m_deadlineKind = kind;
    const ServerConfig& c = m_worker.config();
    switch (kind) {
    case Deadline::None:
        m_deadline = 0;
        return;
    case Deadline::FirstByte:
    case Deadline::Header:
        m_deadline = m_worker.ticksFor(c.headerTimeout);
        return;
    case Deadline::Idle:
        m_deadline = m_worker.ticksFor(c.idleTimeout);
        return;
    case Deadline::Body:
        m_deadline = m_worker.ticksFor(c.bodyTimeout);
        return;
    case Deadline::Write:
        m_deadline = m_worker.ticksFor(c.writeTimeout);
        return;
    case Deadline::Linger:
        m_deadline = m_worker.ticksFor(c.lingerTimeout);
        return;
    }
}

void Connection::updateDeadline()
{
    if (m_closed || m_lingering)
        return;
    Deadline want;
    if (m_writeWaiting)
        want = Deadline::Write;
    else if (m_exchangeOpen)
        want = m_bodyWanted ? Deadline::Body : Deadline::None;
    else if (m_discarding)
        want = Deadline::Body;
    else if (m_inEnd > m_inBegin)
        want = Deadline::Header; // from the first byte of the head: trickling does not extend it
    else
        want = m_deadlineKind == Deadline::FirstByte ? Deadline::FirstByte : Deadline::Idle;
    if (want != m_deadlineKind)
        setDeadline(want);
}

void Connection::onDeadline()
{
    ConnectionPtr self(this);
    if (m_closed)
        return;
    switch (m_deadlineKind) {
    case Deadline::None:
        return;
    case Deadline::FirstByte:
    case Deadline::Idle:
        failAndClose({}, FailKind::IdleTimeout);
        return;
    case Deadline::Header:
    case Deadline::Body: {
        const FailKind kind =
            m_deadlineKind == Deadline::Header ? FailKind::HeaderTimeout : FailKind::BodyTimeout;
        const bool canAnswer = m_response == Response::None && !m_writeWaiting;
        m_worker.fail({}, kind);
        if (m_exchangeOpen)
            abortExchange();
        if (!canAnswer || m_closing) {
            closeNow();
            return;
        }
        writeErrorAndClose(408, kind == FailKind::HeaderTimeout
                                    ? "request head not received in time"
                                    : "request body not received in time");
        flush();
        return;
    }
    case Deadline::Write:
        failAndClose({}, FailKind::WriteTimeout);
        return;
    case Deadline::Linger:
        closeNow();
        return;
    }
}

void Connection::onDrain()
{
    ConnectionPtr self(this);
    if (m_closed)
        return;
    if (m_lingering || m_closing)
        return; // already on its way out
    if (!m_exchangeOpen && !m_discarding && m_inEnd == m_inBegin && m_out.empty() &&
        !m_writeWaiting) {
        closeNow(); // idle keep-alive connection: nothing unread, nothing to send
        return;
    }
    if (m_discarding || (!m_exchangeOpen && m_inEnd == m_inBegin)) {
        // Nothing in flight: close now, after whatever output is still queued.
        m_discarding = false;
        m_closing = true;
        flush();
        return;
    }
    // In flight (or a head half received): answer it with Connection: close, then close.
    m_closeAfter = true;
}

} // namespace gb::gateway
