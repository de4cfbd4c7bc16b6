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
// Request body

void Connection::readBody()
{
    if (!inExchange())
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
    while (m_bodyWanted && inExchange()) {
        releaseHeldBody();
        if (m_body == RequestBody::Delivered) {
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
            if (m_request->expectContinue && !m_continueSent && m_response == Response::None) {
                m_continueSent = true;
                m_out.append("HTTP/1.1 100 Continue\r\n\r\n");
                if (!m_inDispatch)
                    flush();
                if (closed())
                    break;
            }
            updateDeadline();
            if (m_readPaused && !m_inRead) {
                const std::uint64_t before = m_received;
                readSome(); // the released piece made room
                if (!closed() && m_received != before)
                    continue;
            }
            break;
        }
        m_bodyWanted = false;
        if (piece.last)
            m_body = RequestBody::Delivered;
        if (m_listener)
            m_listener->onBody(m_exchange, piece.data, piece.last);
    }
    m_inBodyDelivery = false;
    if (!closed())
        updateDeadline();
}

Connection::BodyPiece Connection::nextBodyPiece()
{
    BodyPiece p;
    if (m_body != RequestBody::Arriving) {
        p.available = m_body == RequestBody::Received;
        p.last = true;
        return p;
    }
    const char* base = m_in.get();
    if (m_request->framing == http::BodyFraming::Length) {
        const std::size_t avail = m_inEnd - m_bodyPos;
        if (avail == 0)
            return p;
        const std::size_t n = m_bodyLeft < avail ? static_cast<std::size_t>(m_bodyLeft) : avail;
        p.data = {base + m_bodyPos, n};
        p.available = true;
        m_bodyHeldEnd = m_bodyPos + n;
        m_bodyLeft -= n;
        if (m_bodyLeft == 0) {
            m_body = RequestBody::Received;
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
        m_body = RequestBody::Received;
        p.available = true;
        p.last = true;
    }
    return p;
}

bool Connection::discardBody()
{
    while (true) {
        releaseHeldBody();
        if (m_body != RequestBody::Arriving) {
            setPhase(Phase::Waiting);
            m_inBegin = m_bodyPos;
            return true;
        }
        const BodyPiece p = nextBodyPiece();
        if (p.error != http::ParseError::None) {
            bodyFailed(p.error);
            return false;
        }
        if (!p.available) {
            updateDeadline();
            return false;
        }
    }
}

void Connection::bodyFailed(http::ParseError e)
{
    m_worker.stats().countParseError(e);
    m_worker.fail({}, FailKind::BadRequest);
    const bool canAnswer = m_response == Response::None && inExchange();
    if (inExchange())
        abortExchange();
    if (!canAnswer) {
        closeNow();
        return;
    }
    writeErrorAndClose(http::statusFor(e), http::toString(e));
    if (!m_inDispatch)
        flush();
}

} // namespace gb::gateway
