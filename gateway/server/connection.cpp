#include "gateway/server/connection.h"

#include "gateway/server/connection_limits.h"
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

using namespace connection_limits;

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
    if (closed())
        return;
    if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
        if (m_writeWaiting) {
            m_writeWaiting = false;
            setDeadline(Deadline::Write); // progress restarts the write timeout
            flush();
            if (closed())
                return;
        }
    }
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) {
        m_readReady = true;
        m_peerHangUp |= (events & (EPOLLRDHUP | EPOLLERR | EPOLLHUP)) != 0;
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
    while (m_readReady && !closed()) {
        const bool lingering = m_phase == Phase::Lingering;
        if (m_phase == Phase::Closing || (m_peerEof && !lingering))
            return; // no more requests: leave the bytes in the socket
        char* at;
        std::size_t space;
        // A connection waiting for a request without a buffer (new, or one that gave it back
        // while idle) reads onto the stack and allocates only once bytes come: an idle client
        // costs no buffer, even at its first readiness edge.
        char firstBytes[kInitialInput];
        if (lingering) {
            if (!m_in)
                growInput(kInitialInput);
            at = m_in.get(); // leftovers are read only to be dropped
            space = m_inCap;
        } else if (!m_in) {
            at = firstBytes;
            space = sizeof firstBytes;
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
            // A short read drained the socket: the next byte raises a new edge. A FIN that came
            // with the bytes raises none: read on to see it (the request, then the end).
            if (static_cast<std::size_t>(n) < space && !m_peerHangUp)
                m_readReady = false;
            if (at == firstBytes) {
                growInput(kInitialInput);
                std::memcpy(m_in.get(), firstBytes, static_cast<std::size_t>(n));
            }
            if (!lingering) {
                m_inEnd += static_cast<std::size_t>(n);
                m_received += static_cast<std::size_t>(n);
                onInput();
            }
            continue;
        }
        if (n == 0) {
            m_readReady = false;
            if (lingering)
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
        if (lingering)
            closeNow();
        else
            failAndClose(lastError(), inExchange() ? FailKind::ClientAbort : FailKind::Read);
        return;
    }
}

void Connection::onEof()
{
    m_peerEof = true;
    if (m_phase != Phase::Waiting || m_inEnd > m_inBegin) {
        // Gone mid-request: nothing left to answer (as nginx, a FIN aborts the exchange).
        failAndClose({}, FailKind::ClientAbort);
    } else if (!m_out.empty() || m_writeWaiting) {
        setPhase(Phase::Closing);
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
    if (m_phase != Phase::Exchange && m_phase != Phase::Discarding) {
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
    const std::size_t floor = inExchange() ? m_headEnd : 0;
    const bool held = m_bodyHeldEnd > m_bodyPos;
    if (!held && m_bodyPos == m_inEnd) {
        m_bodyPos = m_bodyHeldEnd = m_inEnd = floor;
        if (!inExchange())
            m_inBegin = 0;
    }
    if (m_inCap - m_inEnd >= kMinReadSpace)
        return true;
    if (!held && m_bodyPos > floor) {
        std::memmove(m_in.get() + floor, m_in.get() + m_bodyPos, m_inEnd - m_bodyPos);
        m_inEnd -= m_bodyPos - floor;
        m_bodyPos = m_bodyHeldEnd = floor;
        if (!inExchange())
            m_inBegin = 0;
    }
    return m_inEnd < m_inCap;
}

void Connection::onInput()
{
    if (inExchange()) {
        // Pipelined bytes wait for the exchange in flight; body bytes go to its reader.
        if (m_bodyWanted) {
            setDeadline(Deadline::Body);
            pumpBody();
        }
        return;
    }
    if (m_phase == Phase::Discarding) {
        setDeadline(Deadline::Body);
        if (!discardBody())
            return;
    }
    processRequests();
}

void Connection::processRequests()
{
    if (m_inDispatch || closed())
        return;
    m_inDispatch = true;
    m_dispatchBlocked = false;
    while (m_phase == Phase::Waiting && m_inBegin < m_inEnd) {
        if (m_out.pendingBytes() >= kHighWater) {
            m_dispatchBlocked = true; // resumed by onOutputDrained
            break;
        }
        if (!m_request)
            m_request = std::make_unique<http::Request>();
        const auto r = m_parser.parse({m_in.get() + m_inBegin, m_inEnd - m_inBegin}, *m_request);
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
    if (closed())
        return;
    updateDeadline();
    flush(); // every response of this batch in one write
}

bool Connection::dispatch(std::size_t headBytes)
{
    std::size_t headEnd = m_inBegin + headBytes;
    if (m_request->framing != http::BodyFraming::None) {
        const bool whole = m_request->framing == http::BodyFraming::Length &&
                           m_inEnd - headEnd >= m_request->contentLength;
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
            m_parser.parse({m_in.get(), m_inEnd}, *m_request);
            m_parser.reset();
            headEnd = headBytes;
        }
    }
    m_headEnd = headEnd;
    m_bodyPos = m_bodyHeldEnd = headEnd;
    setPhase(Phase::Exchange);
    ++m_exchangeId;
    m_listener = nullptr;
    m_bodyWanted = false;
    m_continueSent = false;
    m_notifyWritable = false;
    switch (m_request->framing) {
    case http::BodyFraming::None:
        m_body = RequestBody::Received;
        m_bodyLeft = 0;
        break;
    case http::BodyFraming::Length:
        m_body = RequestBody::Arriving;
        m_bodyLeft = m_request->contentLength;
        break;
    case http::BodyFraming::Chunked:
        m_body = RequestBody::Arriving;
        m_bodyLeft = 0;
        m_chunked.reset();
        break;
    }
    m_response = Response::None;
    m_status = 0;
    m_headRequest = m_request->methodId == http::Method::Head;
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
    setPhase(Phase::Closing);
}

// ---------------------------------------------------------------------------------------------
// Closing

void Connection::closeGracefully()
{
    if (closed())
        return;
    if (m_resetOnClose || m_peerEof) {
        closeNow();
        return;
    }
    // Half-close and read what the client still sends before closing: closing with unread bytes
    // makes the kernel send RST, which can destroy the response we just sent (a 413 answered
    // while the client is still uploading). This is nginx's lingering close.
    ::shutdown(m_fd, SHUT_WR);
    setPhase(Phase::Lingering);
    setDeadline(Deadline::Linger);
    m_readReady = true;
    readSome();
}

void Connection::abortExchange()
{
    setPhase(Phase::Waiting); // the caller closes next
    notifyAbort();
}

void Connection::notifyAbort()
{
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
    if (closed())
        return;
    ConnectionPtr self(this);
    const bool hadExchange = inExchange();
    setPhase(Phase::Closed);
    if (hadExchange)
        notifyAbort();
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

} // namespace gb::gateway
