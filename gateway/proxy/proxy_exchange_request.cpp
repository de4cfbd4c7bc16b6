// ProxyExchange, client to upstream: a pooled or new upstream connection, the request head and
// body forwarded as they arrive, and the one resend of a request a closed pooled connection lost.
#include "gateway/proxy/proxy_exchange.h"
#include "gateway/proxy/proxy_exchange_inline.h"
#include "gateway/proxy/proxy_handler.h"
#include "gateway/proxy/proxy_metrics.h"
#include "gateway/proxy/request_head.h"
#include "gateway/proxy/upstream_pool.h"

#include <cerrno>
#include <cstdio>

namespace gb::gateway::proxy {

namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kLastChunk = "0\r\n\r\n";

iovec bytes(const void* data, std::size_t size)
{
    return {const_cast<void*>(data), size};
}

} // namespace

void ProxyExchange::beginUpstream()
{
    Exchange* ex = exchange();
    if (!ex) {
        // A filter answered yet said Continue: the exchange is over, nothing to proxy.
        finishExchange(m_ctx.filterStatus, false);
        return;
    }
    const ProxySettings& settings = m_handler.settings();
    UpstreamHeadParams params;
    params.hostHeader = m_route.api->target.hostHeader;
    params.peer = m_ctx.peer;
    params.closeConnection = settings.closeConnections;
    params.extraHeaders = m_ctx.addUpstreamHeaders;
    params.removeHeaders = m_ctx.removeUpstreamHeaders;
    if (m_ctx.replaceUpstreamQuery) {
        // Go drops the '?' of an emptied query too (RawQuery "" after a filter's rewrite).
        m_route.query = m_ctx.upstreamQuery;
        m_route.requestHasQuery = !m_route.query.empty();
    }
    writeUpstreamHead(m_head, ex->request(), m_route, params);
    m_parser.reset(ex->request().methodId == http::Method::Head);
    m_responseHead.clear();

    m_newOnly = false;
    setStage(Stage::Connecting);
    acquireConnection();
}

void ProxyExchange::acquireConnection()
{
    bool reused = false;
    UpstreamConnection* c = m_slot.pool->acquire(this, m_newOnly, reused);
    if (!c)
        return; // in line: onPoolReady, or the deadline, comes next
    m_conn = c;
    m_reusedConnection = reused;
    if (reused) {
        c->attach(this);
        sendRequest();
        return;
    }
    c->connect(m_slot.pool->endpoints(), this);
}

void ProxyExchange::onUpstreamConnected(std::error_code ec)
{
    if (ec) {
        m_slot.pool->forgetEndpoints();
        fail(ec == std::errc::connection_refused ? UpstreamError::ConnectRefused
                                                 : UpstreamError::ConnectFailed,
             ec);
        return;
    }
    sendRequest();
}

void ProxyExchange::sendRequest()
{
    m_pendingFirst = 0;
    m_pendingCount = 1;
    m_pending[0] = bytes(m_head.data(), m_head.size());
    m_sentAt = monotonicNs();
    m_bodyLastQueued = false;
    setStage(Stage::Sending);
    if (m_hasBody) {
        // Body bytes that came with the head are sent with it, in one write.
        const std::uint64_t generation = m_generation;
        m_gathering = true;
        exchange()->readBody(); // may call onBody now
        if (generation != m_generation)
            return; // the body was refused and the exchange ended
        m_gathering = false;
    }
    flushRequest();
}

void ProxyExchange::onBody(Exchange&, std::string_view data, bool last)
{
    queueBody(data, last);
    if (!m_gathering)
        flushRequest();
}

void ProxyExchange::queueBody(std::string_view data, bool last)
{
    m_requestBytes += data.size();
    const std::size_t at = m_pendingFirst + m_pendingCount;
    std::size_t n = 0;
    if (exchange()->request().framing == http::BodyFraming::Chunked) {
        if (!data.empty()) {
            const int len = std::snprintf(m_chunkLine, sizeof m_chunkLine, "%zx\r\n", data.size());
            m_pending[at + n++] = bytes(m_chunkLine, static_cast<std::size_t>(len));
            m_pending[at + n++] = bytes(data.data(), data.size());
            m_pending[at + n++] = bytes(kCrlf.data(), kCrlf.size());
        }
        if (last)
            m_pending[at + n++] = bytes(kLastChunk.data(), kLastChunk.size());
    } else if (!data.empty()) {
        m_pending[at + n++] = bytes(data.data(), data.size());
    }
    m_pendingCount += n;
    if (last)
        m_bodyLastQueued = true;
}

void ProxyExchange::flushRequest()
{
    if (m_writing || !m_conn)
        return;
    // Straight to the socket: a request almost always fits its buffer, and a wait for
    // writability first would cost an epoll round trip per request.
    while (m_pendingCount != 0) {
        const long n =
            m_conn->writeNow(m_pending.data() + m_pendingFirst, static_cast<int>(m_pendingCount));
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                m_writing = true;
                m_conn->waitWritable();
                return;
            }
            onWriteError({errno, std::system_category()});
            return;
        }
        // Drop what was written from the front of the pending pieces.
        auto written = static_cast<std::size_t>(n);
        while (written != 0 && m_pendingCount != 0) {
            iovec& b = m_pending[m_pendingFirst];
            if (written < b.iov_len) {
                b.iov_base = static_cast<char*>(b.iov_base) + written;
                b.iov_len -= written;
                break;
            }
            written -= b.iov_len;
            ++m_pendingFirst;
            --m_pendingCount;
        }
    }
    m_pendingFirst = 0;
    onRequestFlushed();
}

void ProxyExchange::onUpstreamWritable()
{
    m_writing = false;
    if (m_stage != Stage::Sent && m_headState != Head::Forwarded)
        setDeadlineFromNow(); // progress
    flushRequest();
}

void ProxyExchange::onRequestFlushed()
{
    if (!m_hasBody || m_bodyLastQueued) {
        setStage(Stage::Sent);
        if (!m_gotBytes) {
            // Tyk's proxy_default_timeout is a response-header timeout: it runs from here.
            m_sentAt = monotonicNs();
            setDeadlineFromNow();
        }
        return;
    }
    if (m_headState != Head::Forwarded)
        setDeadlineFromNow();
    exchange()->readBody(); // the next piece, through onBody
}

void ProxyExchange::onWriteError(std::error_code ec)
{
    if (canRetry()) {
        retry();
        return;
    }
    if (m_gotBytes) {
        // The upstream answered early (e.g. 413) and stopped reading: let the response finish;
        // the connection cannot be reused.
        m_pendingCount = 0;
        m_bodyLastQueued = true;
        return;
    }
    fail(UpstreamError::WriteFailed, ec);
}

// ---------------------------------------------------------------------------------------------
// The resend on a new connection (canRetry() decides)

void ProxyExchange::retry()
{
    m_handler.counters().retries.add();
    releaseConnection(false);
    m_retried = true;
    m_writing = false;
    m_parser.reset(exchange()->request().methodId == http::Method::Head);
    m_responseHead.clear();
    setDeadlineFromNow();
    m_newOnly = true;
    setStage(Stage::Connecting);
    acquireConnection();
}

} // namespace gb::gateway::proxy
