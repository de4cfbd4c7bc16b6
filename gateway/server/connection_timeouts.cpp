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
        if (kind == Deadline::FirstByte)
            m_waitingSince = m_worker.tick();
        return;
    case Deadline::Idle:
        m_deadline = m_worker.ticksFor(c.idleTimeout);
        m_waitingSince = m_worker.tick();
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
    if (m_phase == Phase::Lingering || closed())
        return;
    Deadline want;
    if (m_writeWaiting)
        want = Deadline::Write;
    else if (inExchange())
        want = m_bodyWanted ? Deadline::Body : Deadline::None;
    else if (m_phase == Phase::Discarding)
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
    if (closed())
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
        if (inExchange())
            abortExchange();
        if (!canAnswer || m_phase == Phase::Closing) {
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

void Connection::releaseBuffersIfIdleSince(std::uint64_t idleSince)
{
    const bool waiting = m_deadlineKind == Deadline::Idle || m_deadlineKind == Deadline::FirstByte;
    if (!waiting || m_waitingSince > idleSince || !m_in || m_phase != Phase::Waiting ||
        m_inEnd != m_inBegin || !m_out.empty() || m_writeWaiting || m_inRead)
        return;
    m_in.reset();
    m_inCap = m_inBegin = m_inEnd = 0;
    m_out.releaseMemory();
    m_request.reset();
}

void Connection::onDrain()
{
    ConnectionPtr self(this);
    if (m_phase >= Phase::Closing)
        return; // already on its way out
    if (m_phase == Phase::Waiting && m_inEnd == m_inBegin && m_out.empty() && !m_writeWaiting) {
        closeNow(); // idle keep-alive connection: nothing unread, nothing to send
        return;
    }
    if (m_phase == Phase::Discarding || (m_phase == Phase::Waiting && m_inEnd == m_inBegin)) {
        // Nothing in flight: close now, after whatever output is still queued.
        setPhase(Phase::Closing);
        flush();
        return;
    }
    // In flight (or a head half received): answer it with Connection: close, then close.
    m_closeAfter = true;
}

} // namespace gb::gateway
