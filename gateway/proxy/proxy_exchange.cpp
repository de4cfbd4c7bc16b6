// ProxyExchange's lifecycle: start, the request filters, failures mapped to what the client gets,
// and completion; the request side is in proxy_exchange_request.cpp, the response side in
// proxy_exchange_response.cpp.
#include "gateway/proxy/proxy_exchange.h"

#include "gateway/proxy/proxy_exchange_inline.h"
#include "gateway/proxy/proxy_handler.h"
#include "gateway/proxy/proxy_metrics.h"
#include "gateway/proxy/tyk_errors.h"

#include <cstdio>

namespace gb::gateway::proxy {

// ---------------------------------------------------------------------------------------------
// FilterResume

ProxyExchange* FilterResume::waiting() const
{
    return m_handler ? m_handler->exchangeIn(m_slot) : nullptr;
}

RequestContext* FilterResume::context() const
{
    ProxyExchange* exchange = waiting();
    return exchange ? exchange->deferredContext(m_generation) : nullptr;
}

void FilterResume::proceed() const
{
    if (ProxyExchange* exchange = waiting())
        exchange->resumeFilters(m_generation, false);
}

void FilterResume::done() const
{
    if (ProxyExchange* exchange = waiting())
        exchange->resumeFilters(m_generation, true);
}

// ---------------------------------------------------------------------------------------------
// Start

ProxyExchange::ProxyExchange(ProxyHandler& handler, std::uint32_t slot, std::uint64_t generation)
    : m_handler(handler)
    , m_slotIndex(slot)
    , m_generation(generation)
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
    m_ctx.versionName = {};
    m_ctx.versionNamed = {};
    m_ctx.keyId.clear();
    m_ctx.keyAlias.clear();
    m_ctx.keyOrgId.clear();
    m_ctx.filterStatus = 0;
    m_ctx.pendingRefusalStatus = 0;
    m_ctx.pendingRefusalBody = {};
    m_ctx.addUpstreamHeaders.clear();
    m_ctx.removeUpstreamHeaders.clear();
    m_ctx.replaceUpstreamQuery = false;
    m_ctx.strings.reset();
    m_ctx.addResponseHeaders.clear();

    m_pendingFirst = m_pendingCount = 0;
    m_requestBytes = m_responseBytes = 0;
    m_sentAt = m_upstreamLatency = 0;
    m_status = 0;
    m_stage = Stage::Filters;
    m_headState = Head::Awaited;
    m_gathering = m_bodyLastQueued = m_writing = false;
    m_reusedConnection = m_retried = m_gotBytes = false;
    m_wholeBody = {};
    m_clientBlocked = m_readPaused = false;
    m_hasBody = !ex.bodyComplete();

    ex.setListener(this);
    m_handler.activate(this);
    setDeadlineFromNow();
    runFilters();
}

// ---------------------------------------------------------------------------------------------
// Filters

void ProxyExchange::runFilters()
{
    auto& filters = m_handler.filters();
    while (m_filterIndex < filters.size()) {
        const FilterVerdict v = filters[m_filterIndex]->onRequest(
            m_ctx, FilterResume(&m_handler, m_slotIndex, m_generation));
        if (v == FilterVerdict::Continue) {
            ++m_filterIndex;
            continue;
        }
        if (v == FilterVerdict::Responded) {
            finishByFilter();
            return;
        }
        setStage(Stage::Deferred);
        return;
    }
    if (m_ctx.pendingRefusalStatus != 0) {
        if (Exchange* ex = exchange()) {
            m_ctx.filterStatus = m_ctx.pendingRefusalStatus;
            ex->respond(m_ctx.pendingRefusalStatus, kJsonErrorHeaders, m_ctx.pendingRefusalBody);
        }
        finishByFilter();
        return;
    }
    beginUpstream();
}

void ProxyExchange::resumeFilters(std::uint64_t generation, bool responded)
{
    if (generation != m_generation || m_stage != Stage::Deferred)
        return; // the client went away, or a duplicate call
    setStage(Stage::Filters);
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
// Failures and the end

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
    const bool forwarded = m_headState == Head::Forwarded;
    if (!ex) {
        finishExchange(forwarded ? m_status : 0, forwarded);
        return;
    }
    if (forwarded) {
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
    const bool forwarded = m_headState == Head::Forwarded;
    finishExchange(forwarded ? m_status : 0, forwarded);
}

void ProxyExchange::finishExchange(int status, bool proxied)
{
    if (m_waiting)
        m_slot.pool->cancelWait(this); // timed out, or the client left, while in line
    m_handler.deactivate(this);
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
