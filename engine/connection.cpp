#include "engine/connection.h"

#include "engine/worker.h"

#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>

#include <cerrno>
#include <cstring>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace gb::engine {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

error_code lastError()
{
    return error_code(errno, boost::system::system_category());
}

} // namespace

Connection::Connection(Worker& worker)
    : throttle(worker.m_io)
    , m_worker(worker)
    , m_socket(worker.m_io)
{}

void Connection::connect()
{
    close();
    m_state = State::Connecting;
    m_connectStartNs = m_worker.now();
    m_dialNs = 0;
    error_code ec;
    m_socket.open(m_worker.m_plan.endpoint.protocol(), ec);
    if (ec)
        return fail(ErrorClass::Connect, ec);
    m_socket.async_connect(m_worker.m_plan.endpoint,
                           [this, gen = m_generation](const error_code& e) {
                               if (gen == m_generation)
                                   onConnect(e);
                           });
}

void Connection::onConnect(const error_code& ec)
{
    if (ec)
        return fail(ErrorClass::Connect, ec);
    error_code ignored;
    m_socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    m_socket.non_blocking(true, ignored);
    if (m_worker.m_plan.tls == nullptr) {
        // From here the socket is this connection's alone: out of Asio's reactor, so that each
        // readable edge wakes one epoll set (the worker's), not two.
        error_code e;
        m_fd = m_socket.release(e);
        if (e)
            return fail(ErrorClass::Connect, e);
        if (!m_worker.watchSocket(m_fd, this))
            return fail(ErrorClass::Connect, lastError());
        m_dialNs = m_worker.now() - m_connectStartNs;
        m_state = State::Idle;
        m_worker.onConnected(*this);
        return;
    }
    m_tls =
        std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(m_socket, *m_worker.m_plan.tls);
    if (!m_tlsBuffer)
        m_tlsBuffer = std::make_unique<ReadBuffer>();
    const std::string& host = m_worker.m_plan.config->request.url.host;
    SSL_set_tlsext_host_name(m_tls->native_handle(), host.c_str());
    m_tls->async_handshake(asio::ssl::stream_base::client,
                           [this, gen = m_generation](const error_code& e) {
                               if (gen != m_generation)
                                   return;
                               if (e)
                                   return fail(ErrorClass::Connect, e);
                               m_dialNs = m_worker.now() - m_connectStartNs;
                               m_state = State::Idle;
                               m_worker.onConnected(*this);
                           });
}

void Connection::send(std::optional<std::int64_t> startNs)
{
    m_state = State::Busy;
    m_sentNs = m_worker.now();
    m_intendedNs = startNs.value_or(m_sentNs);
    m_firstByteNs = 0;
    m_carry.clear();
    m_parser.reset(m_worker.m_plan.config->request.isHead());
    const std::string& bytes = *m_worker.m_plan.requestBytes;
    if (m_tls) {
        asio::async_write(*m_tls, asio::buffer(bytes),
                          [this, gen = m_generation](const error_code& e, std::size_t) {
                              if (gen != m_generation)
                                  return;
                              if (e)
                                  return fail(ErrorClass::Write, e);
                              onWritten();
                          });
        return;
    }
    m_written = 0;
    writeRequest();
}

void Connection::writeRequest()
{
    // A request fits the socket buffer almost always: it goes out now, without a reactor round
    // trip. When it does not, the worker's epoll set reports the writable edge (onReadiness).
    const std::string& bytes = *m_worker.m_plan.requestBytes;
    while (m_written < bytes.size()) {
        const ssize_t n =
            ::send(m_fd, bytes.data() + m_written, bytes.size() - m_written, MSG_NOSIGNAL);
        if (n >= 0) {
            m_written += std::size_t(n);
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            m_writeBlocked = true;
            return;
        } else if (errno != EINTR) {
            return fail(ErrorClass::Write, lastError());
        }
    }
    m_writeBlocked = false;
    onWritten();
}

void Connection::onWritten()
{
    m_writtenNs = m_worker.now();
    if (m_tls)
        readTls();
    else
        waitReadable();
}

void Connection::waitReadable()
{
    // Edge-triggered: an edge that came while nothing was awaited is remembered in m_readReady.
    m_awaitingResponse = true;
    if (m_readReady)
        readAvailable();
}

void Connection::onReadiness(std::uint32_t events)
{
    if (m_fd < 0)
        return; // the event was for a socket closed earlier in the same batch (a failed send)
    // A blocked write goes on when there is room again; an error edge ends it (send fails).
    if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0 && m_writeBlocked) {
        const std::uint64_t generation = m_generation;
        writeRequest();
        if (generation != m_generation)
            return; // the write failed: the events were the old socket's
    }
    if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) == 0)
        return;
    m_readReady = true;
    m_peerClosed |= (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
    if (m_awaitingResponse)
        readAvailable();
}

void Connection::readAvailable()
{
    // Consumed before anything else reads into it: once consume() has completed the response,
    // this connection (or another, from complete()) may read into the same buffer.
    char* buffer = m_worker.m_readBuffer->data();
    for (;;) {
        const std::size_t carried = restoreCarry(buffer);
        const ssize_t n = ::recv(m_fd, buffer + carried, kReadBufferSize - carried, 0);
        if (n > 0) {
            if (!consume(buffer, carried + std::size_t(n)))
                return;
        } else if (n == 0) {
            return onReadEnd(asio::error::eof, true);
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            m_readReady = false;
            return;
        } else if (errno != EINTR) {
            return onReadEnd(lastError(), false);
        }
    }
}

void Connection::onReadEnd(const error_code& ec, bool orderlyClose)
{
    // A close-delimited body ends with the connection; anything else cut short is an error,
    // "closed" when the server dropped the connection before answering at all.
    if (orderlyClose && m_parser.finishOnEof() == gb::http::ResponseParser::Status::Done)
        return complete(false);
    const ErrorClass cls = m_parser.started() ? ErrorClass::Read : ErrorClass::Closed;
    if (orderlyClose)
        return fail(cls, "connection closed by the server");
    fail(cls, ec);
}

void Connection::readTls()
{
    char* buffer = m_tlsBuffer->data();
    const std::size_t carried = restoreCarry(buffer);
    m_tls->async_read_some(
        asio::buffer(buffer + carried, kReadBufferSize - carried),
        [this, gen = m_generation, buffer, carried](const error_code& ec, std::size_t n) {
            if (gen != m_generation)
                return;
            if (ec)
                return onReadEnd(ec, ec == asio::error::eof ||
                                         ec == asio::ssl::error::stream_truncated);
            if (consume(buffer, carried + n))
                readTls();
        });
}

std::size_t Connection::restoreCarry(char* buffer) const
{
    std::memcpy(buffer, m_carry.data(), m_carry.size());
    return m_carry.size();
}

// Feeds the carried and newly read bytes at `data` to the parser. Returns true when more bytes
// are needed.
bool Connection::consume(char* data, std::size_t available)
{
    if (m_firstByteNs == 0)
        m_firstByteNs = m_worker.now();
    m_carry.clear();
    using S = gb::http::ResponseParser::Status;
    const S s = m_parser.parse(data, available);
    const std::size_t rest = available - m_parser.consumed();
    if (s == S::Error) {
        fail(ErrorClass::Parse, gb::http::ResponseParser::errorText(m_parser.error()));
        return false;
    }
    if (s == S::Done) {
        // Bytes nobody asked for mean the connection's framing can't be trusted: don't reuse it.
        if (rest != 0)
            m_worker.m_stats->recordError(ErrorClass::Parse, "unexpected bytes after the response");
        complete(rest == 0);
        return false;
    }
    // Only a split head line is ever left unconsumed (the parser refuses one longer than
    // kMaxLine, so the next read still has room): keep it for the next read.
    static_assert(gb::http::ResponseParser::kMaxLine + 2 < kReadBufferSize);
    m_carry.assign(data + m_parser.consumed(), rest);
    return true;
}

void Connection::complete(bool reusable)
{
    // A whole response leaves nothing to read, so the next request need not try a read before
    // its edge comes; unless the server's FIN came with the response, in the same edge.
    m_awaitingResponse = false;
    m_readReady = m_peerClosed;
    const std::int64_t done = m_worker.now();
    IntervalStats& st = *m_worker.m_stats;
    const bool openLoop = m_worker.m_plan.schedule != nullptr;
    st.latency.record(done - m_intendedNs);
    if (openLoop)
        st.service.record(done - m_sentNs);
    ++st.completed;
    st.recordStatus(m_parser.statusCode());
    st.bytesRead += m_parser.bodyBytes();
    st.dial.add(m_dialNs);
    st.write.add(m_writtenNs - m_sentNs);
    const std::int64_t firstByte = m_firstByteNs ? m_firstByteNs : done;
    st.wait.add(firstByte - m_writtenNs);
    st.read.add(done - firstByte);
    if (m_worker.m_plan.csv != nullptr) {
        char row[160];
        const int len =
            std::snprintf(row, sizeof row, "%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%d,%.4f\n",
                          (done - m_intendedNs) * 1e-9, m_dialNs * 1e-9, 0.0,
                          (m_writtenNs - m_sentNs) * 1e-9, (firstByte - m_writtenNs) * 1e-9,
                          (done - firstByte) * 1e-9, m_parser.statusCode(), m_intendedNs * 1e-9);
        m_worker.m_csvBuffer.append(row, std::size_t(std::max(0, len)));
    }
    m_dialNs = 0;
    m_reused = true;
    m_state = State::Idle;
    m_worker.onCompleted(*this, reusable && m_parser.keepAlive() &&
                                    m_worker.m_plan.config->request.keepAlive);
}

void Connection::checkTimeout(std::int64_t nowNs, std::int64_t timeoutNs)
{
    if (m_state == State::Busy && nowNs - m_sentNs > timeoutNs)
        fail(ErrorClass::Timeout, "request timed out (no complete response within -t)");
    else if (m_state == State::Connecting && nowNs - m_connectStartNs > timeoutNs)
        fail(ErrorClass::Connect, "connect timed out");
}

void Connection::fail(ErrorClass cls, const error_code& ec)
{
    fail(cls, ec.message());
}

void Connection::fail(ErrorClass cls, std::string_view message)
{
    const bool wasRequest = m_state == State::Busy;
    // A reused keep-alive connection the server had already closed is "closed", as wrk counts it.
    if (cls == ErrorClass::Closed && !m_reused)
        cls = ErrorClass::Read;
    close();
    m_worker.onFailed(*this, cls, std::string(message), wasRequest);
}

void Connection::close()
{
    ++m_generation; // every handler still queued for the old socket becomes a no-op
    if (m_state != State::Closed) {
        error_code ignored;
        m_socket.close(ignored);
        throttle.cancel();
    }
    if (m_fd >= 0) {
        ::close(m_fd); // also leaves the worker's epoll set
        m_fd = -1;
    }
    m_writeBlocked = false;
    m_tls.reset();
    m_awaitingResponse = false;
    m_readReady = false;
    m_peerClosed = false;
    m_state = State::Closed;
    m_reused = false;
    m_carry.clear();
}

} // namespace gb::engine
