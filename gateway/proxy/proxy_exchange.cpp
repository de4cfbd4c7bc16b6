#include "gateway/proxy/proxy_exchange.h"

#include "gateway/proxy/clock.h"
#include "gateway/proxy/header_rules.h"
#include "gateway/proxy/proxy_handler.h"
#include "gateway/proxy/proxy_metrics.h"
#include "gateway/proxy/request_head.h"
#include "gateway/proxy/tyk_errors.h"
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

// ---------------------------------------------------------------------------------------------
// FilterResume

RequestContext* FilterResume::context() const
{
    return m_exchange ? m_exchange->deferredContext(m_generation) : nullptr;
}

void FilterResume::proceed() const
{
    if (m_exchange)
        m_exchange->resumeFilters(m_generation, false);
}

void FilterResume::done() const
{
    if (m_exchange)
        m_exchange->resumeFilters(m_generation, true);
}

// ---------------------------------------------------------------------------------------------

ProxyExchange::ProxyExchange(ProxyHandler& handler)
    : m_handler(handler)
{
    m_visitor.context = this;
    m_visitor.onHeader = &ProxyExchange::onHeaderField;
    m_visitor.onHeadEnd = &ProxyExchange::onHeadComplete;
    m_visitor.onBody = &ProxyExchange::onBodyBytes;
    m_parser.setVisitor(&m_visitor);
}

void ProxyExchange::start(Exchange& ex, TableLease& lease, const RouteMatch& route,
                          const ApiSlot& slot)
{
    m_ref = ExchangeRef(ex);
    m_lease = &lease;
    ++lease.inflight;
    m_slot = slot;
    m_route = route;
    m_conn = nullptr;
    m_filterIndex = 0;

    m_ctx.exchange = &ex;
    m_ctx.api = route.api;
    m_ctx.peer = ex.peerAddress();
    m_ctx.start = std::chrono::steady_clock::now();
    m_ctx.keyId.clear();
    m_ctx.keyAlias.clear();
    m_ctx.keyOrgId.clear();
    m_ctx.filterStatus = 0;
    m_ctx.addUpstreamHeaders.clear();
    m_ctx.removeUpstreamHeaders.clear();
    m_ctx.replaceUpstreamQuery = false;
    m_ctx.strings.reset();
    m_ctx.addResponseHeaders.clear();

    m_pendingFirst = m_pendingCount = 0;
    m_requestBytes = m_responseBytes = 0;
    m_sentAt = m_upstreamLatency = 0;
    m_status = 0;
    m_deferred = m_gathering = m_bodyLastQueued = m_requestSent = m_writing = false;
    m_reusedConnection = m_retried = m_gotBytes = m_headForwarded = m_headError = false;
    m_headPending = false;
    m_wholeBody = {};
    m_clientBlocked = m_readPaused = false;
    m_hasBody = !ex.bodyComplete();

    ex.setListener(this);
    m_handler.activate(this);
    setDeadlineFromNow();
    runFilters();
}

void ProxyExchange::setDeadlineFromNow()
{
    m_deadline = monotonicNs() + m_handler.settings().timeout.count();
}

// ---------------------------------------------------------------------------------------------
// Filters

void ProxyExchange::runFilters()
{
    auto& filters = m_handler.filters();
    while (m_filterIndex < filters.size()) {
        const FilterVerdict v =
            filters[m_filterIndex]->onRequest(m_ctx, FilterResume(this, m_generation));
        if (v == FilterVerdict::Continue) {
            ++m_filterIndex;
            continue;
        }
        if (v == FilterVerdict::Responded) {
            finishByFilter();
            return;
        }
        m_deferred = true;
        return;
    }
    beginUpstream();
}

void ProxyExchange::resumeFilters(std::uint64_t generation, bool responded)
{
    if (generation != m_generation || !m_deferred)
        return; // the client went away, or a duplicate call
    m_deferred = false;
    if (responded) {
        finishByFilter();
        return;
    }
    ++m_filterIndex;
    runFilters();
}

void ProxyExchange::finishByFilter()
{
    // The filter answered through the exchange, which ended it (and dropped us as listener).
    finishExchange(m_ctx.filterStatus, false);
}

// ---------------------------------------------------------------------------------------------
// Request

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

    if (UpstreamConnection* c = m_slot.pool->takeIdle()) {
        m_conn = c;
        m_reusedConnection = true;
        c->attach(this);
        sendRequest();
        return;
    }
    connectFresh();
}

void ProxyExchange::connectFresh()
{
    m_reusedConnection = false;
    m_conn = m_slot.pool->fresh();
    m_conn->connect(m_slot.pool->endpoints(), this);
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
    m_requestSent = false;
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
    if (!m_requestSent && !m_headForwarded)
        setDeadlineFromNow(); // progress
    flushRequest();
}

void ProxyExchange::onRequestFlushed()
{
    if (!m_hasBody || m_bodyLastQueued) {
        m_requestSent = true;
        if (!m_gotBytes) {
            // Tyk's proxy_default_timeout is a response-header timeout: it runs from here.
            m_sentAt = monotonicNs();
            setDeadlineFromNow();
        }
        return;
    }
    if (!m_headForwarded)
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
// Response

void ProxyExchange::onUpstreamData(std::size_t bytes)
{
    if (bytes != 0)
        m_gotBytes = true;
    onResponseBytes();
}

void ProxyExchange::onResponseBytes()
{
    const std::size_t size = m_conn->buffered();
    const auto status = m_parser.parse(m_conn->buffer(), size);
    const std::size_t leftover = size - m_parser.consumed();
    if (m_headError || status == http::ResponseParser::Status::Error) {
        fail(UpstreamError::Malformed);
        return;
    }
    if (status == http::ResponseParser::Status::Done) {
        // Bytes after the response mean the upstream's framing cannot be trusted.
        m_conn->consumeAllBut(leftover);
        responseDone(leftover == 0 && m_parser.keepAlive() && m_requestSent &&
                     !m_handler.settings().closeConnections);
        return;
    }
    m_conn->consumeAllBut(leftover);
    if (m_headPending)
        writeHeadNow(); // the body is still to come: stream it
    if (m_headForwarded)
        setDeadlineFromNow(); // a body in progress: the timeout is between reads
    if (m_clientBlocked) {
        m_readPaused = true;
        m_conn->pauseReading();
        m_deadline = 0; // the client is slow, not the upstream: the core's write timeout rules
    }
}

void ProxyExchange::onUpstreamEnd(std::error_code ec)
{
    if (!ec && m_parser.finishOnEof() == http::ResponseParser::Status::Done) {
        responseDone(false); // a body delimited by the close
        return;
    }
    if (!m_gotBytes && canRetry()) {
        retry();
        return;
    }
    fail(m_headForwarded ? UpstreamError::Truncated : UpstreamError::ClosedEarly, ec);
}

void ProxyExchange::onWritable(Exchange&)
{
    m_clientBlocked = false;
    if (m_readPaused && m_conn) {
        m_readPaused = false;
        setDeadlineFromNow();
        m_conn->resumeReading();
    }
}

void ProxyExchange::responseDone(bool reusable)
{
    Exchange* ex = exchange();
    if (m_headPending && ex->request().methodId != http::Method::Head) {
        // The whole response came in one read (the usual case for small JSON): one respond(),
        // which the core writes at once, instead of a streamed head, body and end.
        m_headPending = false;
        m_headForwarded = true;
        if (m_handler.settings().closeConnections)
            ex->closeAfterResponse();
        ex->respond(m_status, m_responseHead.forwarded(m_ctx.addResponseHeaders), m_wholeBody);
        releaseConnection(reusable);
        finishExchange(m_status, true);
        return;
    }
    if (m_headPending)
        writeHeadNow(); // HEAD: the declared length goes out, no body
    releaseConnection(reusable);
    if (m_headError || !m_headForwarded) {
        // Done without a head cannot happen; be safe rather than answer nothing.
        fail(UpstreamError::Malformed);
        return;
    }
    ex->finish();
    finishExchange(m_status, true);
}

void ProxyExchange::onHeaderField(void* self, std::string_view name, std::string_view value)
{
    static_cast<ProxyExchange*>(self)->m_responseHead.add(name, value);
}

void ProxyExchange::onHeadComplete(void* self)
{
    static_cast<ProxyExchange*>(self)->headComplete();
}

void ProxyExchange::onBodyBytes(void* self, std::string_view data)
{
    static_cast<ProxyExchange*>(self)->bodyBytes(data);
}

void ProxyExchange::headComplete()
{
    m_upstreamLatency = monotonicNs() - m_sentAt;
    if (m_responseHead.overflowed()) {
        m_headError = true;
        return;
    }
    // Held back until it is known whether the body came with it (see responseDone).
    m_status = m_parser.statusCode();
    m_headPending = true;
}

void ProxyExchange::bodyBytes(std::string_view data)
{
    if (m_headError)
        return;
    m_responseBytes += data.size();
    if (m_headPending) {
        if (m_parser.framing() == http::ResponseParser::Framing::Length &&
            static_cast<std::int64_t>(data.size()) == m_parser.declaredLength()) {
            m_wholeBody = data; // valid until this parse() returns: used by responseDone
            return;
        }
        writeHeadNow();
    }
    if (!exchange()->writeBody(data))
        m_clientBlocked = true;
}

void ProxyExchange::writeHeadNow()
{
    Exchange* ex = exchange();
    const std::int64_t declared = m_parser.declaredLength();
    std::optional<std::uint64_t> length;
    switch (m_parser.framing()) {
    case http::ResponseParser::Framing::None:
        if (ex->request().methodId != http::Method::Head)
            length = 0;
        else if (declared >= 0) // HEAD: tell the client the length a GET would have had
            length = static_cast<std::uint64_t>(declared);
        break;
    case http::ResponseParser::Framing::Length:
        length = static_cast<std::uint64_t>(declared);
        break;
    case http::ResponseParser::Framing::Chunked:
    case http::ResponseParser::Framing::UntilClose:
        break; // the core re-frames: chunked to HTTP/1.1 clients, until close to HTTP/1.0 ones
    }
    if (m_handler.settings().closeConnections)
        ex->closeAfterResponse();
    ex->writeHead(m_status, m_responseHead.forwarded(m_ctx.addResponseHeaders), length);
    m_headPending = false;
    m_headForwarded = true;
}

// ---------------------------------------------------------------------------------------------
// Failures and the end

bool ProxyExchange::canRetry() const
{
    const Exchange* ex = exchange();
    return m_reusedConnection && !m_retried && !m_gotBytes && !m_headForwarded && !m_hasBody &&
           ex && isIdempotentMethod(ex->request().method);
}

void ProxyExchange::retry()
{
    m_handler.counters().retries.add();
    releaseConnection(false);
    m_retried = true;
    m_writing = false;
    m_parser.reset(exchange()->request().methodId == http::Method::Head);
    m_responseHead.clear();
    setDeadlineFromNow();
    connectFresh();
}

void ProxyExchange::onDeadline()
{
    fail(UpstreamError::Timeout);
}

void ProxyExchange::fail(UpstreamError error, std::error_code ec)
{
    m_handler.counters().upstreamErrors[static_cast<std::size_t>(error)].add();
    releaseConnection(false);
    if (m_handler.mayLog()) {
        const UpstreamUrl& t = m_route.api->target;
        std::fprintf(stderr, "api %s: upstream %s:%u: %s%s%s\n", m_route.api->apiId.c_str(),
                     t.host.c_str(), static_cast<unsigned>(t.port), toString(error).data(),
                     ec ? ": " : "", ec ? ec.message().c_str() : "");
    }
    Exchange* ex = exchange();
    if (!ex) {
        finishExchange(m_headForwarded ? m_status : 0, m_headForwarded);
        return;
    }
    if (m_headForwarded) {
        // Part of the response is on its way: the only honest end is to cut the connection.
        ex->abort(AbortMode::Close);
        finishExchange(m_status, true);
        return;
    }
    const int status = error == UpstreamError::Timeout ? 504 : 502;
    const std::string_view body = status == 504 ? kTimeoutBody : kProxyErrorBody;
    std::span<const http::Header> headers = kJsonErrorHeaders;
    if (!m_ctx.addResponseHeaders.empty()) {
        m_errorHeaders.assign(std::begin(kJsonErrorHeaders), std::end(kJsonErrorHeaders));
        m_errorHeaders.insert(m_errorHeaders.end(), m_ctx.addResponseHeaders.begin(),
                              m_ctx.addResponseHeaders.end());
        headers = m_errorHeaders;
    }
    if (m_handler.settings().closeConnections)
        ex->closeAfterResponse();
    ex->respond(status, headers, body, BodyOwnership::Borrow);
    finishExchange(status, false);
}

void ProxyExchange::onAbort()
{
    // The client is gone (or the drain gave up): the upstream exchange is abandoned mid-way, so
    // its connection cannot be reused.
    m_ref.reset();
    releaseConnection(false);
    finishExchange(m_headForwarded ? m_status : 0, m_headForwarded);
}

void ProxyExchange::releaseConnection(bool reusable)
{
    if (!m_conn)
        return;
    if (m_handler.draining())
        reusable = false; // the pool was emptied for the drain; keep it empty
    UpstreamConnection* c = m_conn;
    m_conn = nullptr;
    m_writing = false;
    m_readPaused = false;
    c->release(reusable);
}

void ProxyExchange::finishExchange(int status, bool proxied)
{
    m_handler.deactivate(this);
    m_deferred = false;
    if (m_slot.counters)
        m_slot.counters->count(m_handler.worker().index, status);
    auto& filters = m_handler.filters();
    if (!filters.empty()) {
        const auto now = std::chrono::steady_clock::now();
        CompletedRequest done{m_ctx};
        done.status = status;
        done.requestBodyBytes = m_requestBytes;
        done.responseBodyBytes = m_responseBytes;
        done.upstreamLatency = std::chrono::nanoseconds(proxied ? m_upstreamLatency : 0);
        done.totalLatency = now - m_ctx.start;
        done.proxied = proxied;
        m_ctx.exchange = nullptr;
        for (auto& f : filters)
            f->onComplete(done);
    }
    m_ctx.exchange = nullptr;
    m_ref.reset();
    m_handler.releaseLease(m_lease);
    m_lease = nullptr;
    ++m_generation; // stale FilterResumes become no-ops
    m_handler.recycle(this);
}

} // namespace gb::gateway::proxy
