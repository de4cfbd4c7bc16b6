#pragma once

#include "common/http/response_parser.h"
#include "gateway/config/route_table.h"
#include "gateway/proxy/request_filter.h"
#include "gateway/proxy/response_head.h"
#include "gateway/proxy/table_lease.h"
#include "gateway/proxy/upstream_connection.h"
#include "gateway/proxy/upstream_error.h"
#include "gateway/proxy/upstream_pool.h"
#include "gateway/server/exchange.h"

#include <array>
#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <sys/uio.h>
#include <system_error>
#include <vector>

namespace gb::gateway::proxy {

class ProxyHandler;

/// One client request proxied to an upstream, from routing to the last response byte: the
/// request filters, an upstream connection (pooled, or opened), the request head and body sent
/// as they arrive, the response head and body forwarded as they arrive with the client's
/// backpressure, and every failure mapped to what the client gets:
///
///   refused / unreachable / closed or garbage before a head  → 502 (Tyk's JSON)
///   no head within proxy_default_timeout                     → 504 (Tyk's JSON)
///   cut, garbled or stalled after the head was forwarded     → the client connection is closed,
///                                                              never left open after a short body
///
/// A request that failed on a pooled connection before any response byte is sent once more on
/// a new connection when it is idempotent and bodiless (the upstream had closed the idle
/// connection as we picked it). Recycled by its ProxyHandler; worker thread only.
class ProxyExchange final : public ExchangeListener, public UpstreamUser, public PoolWaiter
{
public:
    /// In the handler's slot `slot`; `generation` continues the count of the exchange that held
    /// the slot before, so a FilterResume of that one never matches this one.
    ProxyExchange(ProxyHandler& handler, std::uint32_t slot, std::uint64_t generation);
    ProxyExchange(const ProxyExchange&) = delete;
    ProxyExchange& operator=(const ProxyExchange&) = delete;

    void start(Exchange& ex, TableLease& lease, const RouteMatch& route, const ApiSlot& slot);
    /// The handler's sweep found the deadline passed.
    void onDeadline();
    /// FilterResume: a deferred filter decided (stale generations are ignored).
    void resumeFilters(std::uint64_t generation, bool responded);
    /// FilterResume: the context, if this generation still waits for its filter.
    RequestContext* deferredContext(std::uint64_t generation)
    {
        return generation == m_generation && m_stage == Stage::Deferred ? &m_ctx : nullptr;
    }

    // ExchangeListener
    void onBody(Exchange& ex, std::string_view data, bool last) override;
    void onWritable(Exchange& ex) override;
    void onAbort() override;

    // UpstreamUser
    void onUpstreamConnected(std::error_code ec) override;
    void onUpstreamWritable() override;
    void onUpstreamData(std::size_t bytes) override;
    void onUpstreamEnd(std::error_code ec) override;

    // PoolWaiter
    void onPoolReady() override { acquireConnection(); }

    std::uint32_t slotIndex() const { return m_slotIndex; }
    /// The generation the next request will have (each completed request moves it on).
    std::uint64_t generation() const { return m_generation; }

    // The handler's active list (exchanges with a deadline) and the deadline, steady ns; 0: none.
    ProxyExchange* m_prevActive = nullptr;
    ProxyExchange* m_nextActive = nullptr;
    std::int64_t m_deadline = 0;

private:
    /// How far the request has gone. Forward only, but for the one resend on a new connection
    /// (Sending or Sent back to Connecting); asserted in debug builds.
    enum class Stage : std::uint8_t
    {
        Filters,    // the request filters run
        Deferred,   // a filter will call back (FilterResume)
        Connecting, // in the pool's line for a connection, or connecting
        Sending,    // the head and body go upstream (the response may already be coming)
        Sent,       // the whole request written
    };
    static constexpr bool canMove(Stage from, Stage to)
    {
        switch (from) {
        case Stage::Filters:
            return to == Stage::Deferred || to == Stage::Connecting;
        case Stage::Deferred:
            return to == Stage::Filters;
        case Stage::Connecting:
            return to == Stage::Sending;
        case Stage::Sending:
            return to == Stage::Sent || to == Stage::Connecting;
        case Stage::Sent:
            return to == Stage::Connecting;
        }
        return false;
    }
    /// The upstream response's head: Awaited → Held → Forwarded, or Awaited → TooLarge.
    enum class Head : std::uint8_t
    {
        Awaited,   // not parsed yet
        Held,      // parsed, held back until it is known whether the body came with it
        Forwarded, // handed to the client: a failure now can only cut the client connection
        TooLarge,  // over the header limit: the response is refused as malformed
    };
    void setStage(Stage next)
    {
        assert(canMove(m_stage, next));
        m_stage = next;
    }
    void setHead(Head next)
    {
        assert(m_headState == Head::Awaited ? next == Head::Held || next == Head::TooLarge
                                            : m_headState == Head::Held && next == Head::Forwarded);
        m_headState = next;
    }

    // Defined in proxy_exchange.cpp (start, filters, failures, completion), _request.cpp and
    // _response.cpp. `inline` marks the small steps kept inlined across that split (they are on
    // the per-request path); proxy_exchange_inline.h holds those that several files call.
    Exchange* exchange() const { return m_ref.get(); }
    void runFilters();
    void finishByFilter();
    void beginUpstream();
    /// A pooled connection, or a new one (m_newOnly: a new one only), or a place in the pool's
    /// line until one frees up.
    void acquireConnection();
    void sendRequest();
    void queueBody(std::string_view data, bool last);
    void flushRequest();
    inline void onRequestFlushed();
    inline void onWriteError(std::error_code ec);
    void onResponseBytes();
    void responseDone(bool reusable);
    inline bool canRetry() const;
    void retry();
    void fail(UpstreamError error, std::error_code ec = {});
    inline void releaseConnection(bool reusable);
    void finishExchange(int status, bool proxied);
    inline void setDeadlineFromNow();

    // ResponseParser visitor: the head and body of the upstream response, as they are parsed.
    static void onHeaderField(void* self, std::string_view name, std::string_view value);
    static void onHeadComplete(void* self);
    static void onBodyBytes(void* self, std::string_view data);
    void headComplete();
    void bodyBytes(std::string_view data);
    void writeHeadNow();

    ProxyHandler& m_handler;
    ExchangeRef m_ref;
    RequestContext m_ctx;
    TableLease* m_lease = nullptr;
    ApiSlot m_slot;
    RouteMatch m_route;
    UpstreamConnection* m_conn = nullptr;
    const std::uint32_t m_slotIndex;
    std::uint64_t m_generation;
    std::size_t m_filterIndex = 0;
    Stage m_stage = Stage::Filters;
    Head m_headState = Head::Awaited;

    // request
    std::string m_head; // the request head sent upstream
    std::array<iovec, 6> m_pending;
    std::size_t m_pendingFirst = 0;
    std::size_t m_pendingCount = 0;
    char m_chunkLine[24];
    std::uint64_t m_requestBytes = 0;
    std::int64_t m_sentAt = 0;

    // response
    http::ResponseVisitor m_visitor;
    http::ResponseParser m_parser;
    ResponseHead m_responseHead;
    std::vector<http::Header> m_errorHeaders;
    std::string_view m_wholeBody; // a Length body that came whole with its head (in the buffer)
    std::uint64_t m_responseBytes = 0;
    std::int64_t m_upstreamLatency = 0;
    int m_status = 0;

    bool m_hasBody = false;        // the client request has body bytes to forward
    bool m_gathering = false;      // sendRequest() collects the first body piece with the head
    bool m_bodyLastQueued = false; // the body's last piece is among the pending ones
    bool m_writing = false;        // waiting for the upstream socket to take more
    bool m_reusedConnection = false;
    bool m_newOnly = false; // the resend goes on a new connection
    bool m_retried = false;
    bool m_gotBytes = false;      // this attempt received response bytes
    bool m_clientBlocked = false; // writeBody() asked us to wait for onWritable
    bool m_readPaused = false;    // upstream reads stopped until onWritable
};

} // namespace gb::gateway::proxy
