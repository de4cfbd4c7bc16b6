#include "gateway/server/connection.h"
#include "gateway/server/connection_limits.h"
#include "gateway/server/worker.h"

#include <boost/asio/post.hpp>

#include <cerrno>
#include <cstring>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>

namespace gb::gateway {

using namespace connection_limits;

// ---------------------------------------------------------------------------------------------
// Response

http::ConnectionToken Connection::connectionToken()
{
    if (m_worker.draining() || m_closeAfter || !m_request || !m_request->keepAlive) {
        m_closeAfter = true;
        return http::ConnectionToken::Close;
    }
    return m_request->versionMinor == 0 ? http::ConnectionToken::KeepAlive
                                        : http::ConnectionToken::None;
}

void Connection::respond(int status, std::span<const http::Header> headers, std::string_view body,
                         BodyOwnership ownership)
{
    if (!inExchange() || m_response != Response::None)
        return;
    if (m_body == RequestBody::Arriving) {
        // The rest of the body is read and dropped to reach the next request, unless the client
        // still waits for 100 Continue (it may never send it) or it is not worth reading.
        if ((m_request->expectContinue && !m_continueSent) ||
            (m_request->framing == http::BodyFraming::Length && m_bodyLeft > kMaxDiscard))
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
    if (!inExchange() || m_response != Response::None)
        return;
    if (m_body == RequestBody::Arriving && m_request->expectContinue && !m_continueSent)
        m_closeAfter = true;
    http::ResponseFraming framing;
    bool untilClose = false;
    if (http::statusHasNoBody(status)) {
        framing = http::ResponseFraming::NoBody;
    } else if (contentLength) {
        framing = http::ResponseFraming::Length;
    } else if (m_request->versionMinor == 0) {
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
    if (!inExchange() || m_response != Response::Streaming)
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
    if (!inExchange())
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
    if (!inExchange())
        return;
    m_listener = nullptr;
    m_bodyWanted = false;
    m_resetOnClose = mode == AbortMode::Reset;
    setPhase(Phase::Closing);
    if (!m_inDispatch)
        flush();
}

void Connection::writeRawAndClose(std::string_view bytes)
{
    if (!inExchange() || m_response != Response::None)
        return;
    m_out.append(bytes);
    m_response = Response::Raw;
    m_closeAfter = true;
    completeExchange(0);
}

void Connection::completeExchange(int status)
{
    m_worker.stats().countResponse(status);
    m_listener = nullptr;
    m_bodyWanted = false;
    m_notifyWritable = false;
    releaseHeldBody();
    afterExchange();
}

void Connection::afterExchange()
{
    if (m_closeAfter) {
        setPhase(Phase::Closing);
    } else if (m_body == RequestBody::Arriving) {
        setPhase(Phase::Discarding);
        discardBody(); // may finish at once (Waiting), or fail (Closed)
    } else {
        setPhase(Phase::Waiting);
        m_inBegin = m_bodyPos;
    }
    if (m_inDispatch || closed())
        return; // the dispatch loop goes on and flushes the whole batch
    flush();
    if (m_phase >= Phase::Closing)
        return;
    updateDeadline();
    // Buffered pipelined requests (or a paused reader) continue from the event loop, so a
    // handler's respond() never re-enters that handler.
    if (m_phase == Phase::Waiting && (m_inEnd > m_inBegin || m_readPaused))
        postDispatch();
}

void Connection::postDispatch()
{
    if (m_dispatchPosted)
        return;
    m_dispatchPosted = true;
    boost::asio::post(m_worker.ioContext(), [self = ConnectionPtr(this)] {
        self->m_dispatchPosted = false;
        if (self->closed())
            return;
        self->processRequests();
        if (self->m_readPaused && !self->closed())
            self->readSome();
    });
}

void Connection::scheduleFlush()
{
    if (m_inDispatch || m_flushPosted || m_writeWaiting || closed())
        return;
    m_flushPosted = true;
    boost::asio::post(m_worker.ioContext(), [self = ConnectionPtr(this)] {
        self->m_flushPosted = false;
        if (!self->closed())
            self->flush();
    });
}

void Connection::flush()
{
    if (m_writeWaiting || closed())
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
        failAndClose(lastError(), inExchange() ? FailKind::ClientAbort : FailKind::Write);
        return;
    }
    onOutputDrained();
}

void Connection::onOutputDrained()
{
    if (m_phase == Phase::Closing) {
        closeGracefully();
        return;
    }
    updateDeadline();
    if (m_notifyWritable && m_listener && inExchange()) {
        m_notifyWritable = false;
        m_listener->onWritable(m_exchange);
        return;
    }
    if (m_dispatchBlocked && !m_inDispatch && m_phase == Phase::Waiting)
        postDispatch();
}

} // namespace gb::gateway
