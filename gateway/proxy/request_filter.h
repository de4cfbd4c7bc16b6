#pragma once

// The extension point of the proxy path: what authentication, rate limits, quotas and analytics
// (gateway/keys and what follows it) plug into. The proxy runs a chain of RequestFilters, in
// order, on every request that matched an API, before it touches an upstream connection; and it
// tells every filter how each such request ended.

#include "gateway/config/api_definition.h"
#include "gateway/http/request.h"
#include "gateway/server/exchange.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gb::gateway::proxy {

class ProxyExchange;
class ProxyHandler;

/// Text a filter owns per request, for the views it puts in a RequestContext when nothing else
/// outlives the request (e.g. a rewritten Cookie value). Each next() is a cleared string whose
/// address holds until the context is recycled; the strings and their capacity are kept across
/// requests, so steady state does not allocate. Worker thread only.
class RequestStrings
{
public:
    std::string& next()
    {
        if (m_used == m_strings.size())
            m_strings.push_back(std::make_unique<std::string>());
        std::string& s = *m_strings[m_used++];
        s.clear();
        return s;
    }
    /// The proxy, when it recycles the context.
    void reset() noexcept { m_used = 0; }

private:
    std::vector<std::unique_ptr<std::string>> m_strings; // unique_ptr: addresses survive growth
    std::size_t m_used = 0;
};

/// One request on its way through the filters and the proxy. Owned by the proxy and recycled
/// between requests (strings keep their capacity, so filling them does not allocate in steady
/// state); valid from onRequest to onComplete. Worker thread only.
struct RequestContext
{
    /// The client exchange; null once it has ended (the client went away).
    Exchange* exchange = nullptr;
    const ApiDefinition* api = nullptr;
    /// The client's address as text.
    std::string_view peer;
    std::chrono::steady_clock::time_point start;
    /// A versioned API: the version the request names, else its default_version (set by the
    /// built-in version check, for the access check's version rights). Empty otherwise.
    std::string_view versionName;
    /// A versioned API: the version the request itself names (empty: none), what Tyk's
    /// analytics record as APIVersion ("Non Versioned" when empty).
    std::string_view versionNamed;

    /// Set by an authentication filter for later filters and for analytics: the key as stored
    /// (its hash when hash_keys is on), the key's alias and its org. Empty for keyless APIs.
    std::string keyId;
    std::string keyAlias;
    std::string keyOrgId;

    /// Fields to add to / remove from the request sent upstream (e.g. strip the client's
    /// Authorization). The views must stay valid until onComplete (point into the strings above
    /// or into the filter's own storage).
    std::vector<http::Header> addUpstreamHeaders;
    std::vector<std::string_view> removeUpstreamHeaders;
    /// When set, the upstream target carries upstreamQuery instead of the client's query (e.g.
    /// without a credential parameter); the API target's own query still comes first, and an
    /// empty upstreamQuery sends none of the client's. Left unset, nothing is copied.
    bool replaceUpstreamQuery = false;
    std::string upstreamQuery;
    /// Storage for rewritten values a filter adds above (a field is replaced by removing it and
    /// adding the new value).
    RequestStrings strings;
    /// A filter that answers the client itself (Responded, or FilterResume::done) sets the
    /// status it sent here, for /metrics and analytics.
    int filterStatus = 0;
    /// A refusal decided early (the built-in version check, which runs first as in Tyk's
    /// chain): the later filters still see the request, so analytics records it, but must not
    /// act on it (no key check); the proxy sends it (JSON error headers) once they have all
    /// continued. 0: none. The body must live until onComplete.
    int pendingRefusalStatus = 0;
    std::string_view pendingRefusalBody;

    /// Fields to add to the response sent to the client (e.g. X-RateLimit-Remaining), on
    /// proxied responses and on the proxy's own errors alike; same lifetime rule.
    std::vector<http::Header> addResponseHeaders;
};

/// How a request ended, for analytics. Valid during onComplete only.
struct CompletedRequest
{
    const RequestContext& context;
    int status = 0; ///< status sent to the client; 0 when none was (the client went away)
    std::uint64_t requestBodyBytes = 0;
    std::uint64_t responseBodyBytes = 0;
    std::chrono::nanoseconds upstreamLatency{0}; ///< request sent → response head; 0 if none
    std::chrono::nanoseconds totalLatency{0};    ///< request head received → response done
    bool proxied = false; ///< an upstream answered (false: a filter or the proxy answered)
};

/// A deferred filter's way back: call proceed() or done() exactly once, on the worker thread the
/// request came in on (post to WorkerContext::ioContext from other threads). Calls after the
/// client has gone away are ignored, so the filter need not track that. Copyable; cheap.
class FilterResume
{
public:
    FilterResume() = default;
    FilterResume(ProxyHandler* handler, std::uint32_t slot, std::uint64_t generation)
        : m_handler(handler)
        , m_slot(slot)
        , m_generation(generation)
    {}
    /// The request's context while it still waits for this filter; null once the client has
    /// gone away (the context may then already serve another request: never keep a pointer to
    /// it across the wait, ask here).
    RequestContext* context() const;
    /// Run the next filter, or proxy the request if this was the last.
    void proceed() const;
    /// The filter has answered the client itself (through RequestContext::exchange).
    void done() const;

private:
    /// The exchange that waits, if it still does. A slot and a generation, not the object: the
    /// handler frees spare exchanges while filters may still hold their FilterResume.
    ProxyExchange* waiting() const;

    ProxyHandler* m_handler = nullptr;
    std::uint32_t m_slot = 0;
    std::uint64_t m_generation = 0;
};

/// What a filter decided about a request.
enum class FilterVerdict : std::uint8_t
{
    Continue,  ///< pass the request on to the next filter, then to the upstream
    Responded, ///< the filter answered through ctx.exchange (401, 403, 429 ...)
    Deferred,  ///< the filter answers later through the FilterResume (e.g. after Redis replied)
};

/// One step of the request pipeline (auth token check, rate limit, quota, analytics). One
/// instance per worker thread (see RequestFilterFactory), so it may keep per-thread state without
/// locks; state shared between workers (a key store) is the filter's to synchronize.
class RequestFilter
{
public:
    virtual ~RequestFilter() = default;
    /// A request matched ctx.api. Decide; when responding, use ctx.exchange->respond() (and
    /// keep any body the filter formats alive as the Exchange contract says).
    virtual FilterVerdict onRequest(RequestContext& ctx, FilterResume resume) = 0;
    /// Every request that matched an API ends here exactly once, whoever answered it (also one
    /// an earlier filter refused, so analytics sees 401s and 429s).
    virtual void onComplete(const CompletedRequest& /*request*/) {}
    /// The server is draining: flush buffers (an analytics batch) while the loop still runs.
    virtual void onShutdown() {}
};

/// Makes a worker's filter; called once per worker thread before any request.
using RequestFilterFactory = std::function<std::unique_ptr<RequestFilter>(WorkerContext&)>;

} // namespace gb::gateway::proxy
