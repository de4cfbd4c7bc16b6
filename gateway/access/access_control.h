#pragma once

#include "gateway/access/access_decision.h"
#include "gateway/config/api_definition.h"
#include "gateway/config/key_hash_function.h"
#include "gateway/http/request.h"
#include "gateway/storage/unique_function.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace gb::gateway {

class Clock;
struct CachedSession;
class KeyStore;
class PolicyStore;
struct StoreResult;
struct WindowDecision;
class RequestLimiter;
class SessionCache;

struct AccessOptions
{
    bool hashKeys = true; ///< tyk.conf hash_keys: the store files keys under their hash (keyHash)
    /// hash_key_function and hash_key_function_fallback: how a key name given to
    /// POST /tyk/keys/{name} was filed, so that a client presenting the name is found.
    KeyHashFunction hashKeyFunction = KeyHashFunction::Legacy;
    std::vector<KeyHashFunction> hashKeyFunctionFallback;
    /// Longest a request waits for a rate-limit or quota lease from a shared store; past it the
    /// node's own counters decide (a stalled Redis must not stop requests it can answer).
    std::chrono::milliseconds decisionBudget{5};
    /// Longest a request waits for the store to read a key not cached yet; past it, 503 (there is
    /// no answer without the store). Longer than decisionBudget, so that a slow but working
    /// store still admits new keys.
    std::chrono::milliseconds lookupBudget{50};
    /// A cached session older than this is re-read from a shared store in the background (the
    /// request is served from the cache meanwhile). This bounds how long another gateway's
    /// update or delete of a key can go unnoticed here. Unused for the in-memory store.
    std::chrono::milliseconds refreshAfter{5000};
};

/// One request's access check, as the proxy asks for it.
struct AccessQuery
{
    const ApiDefinition& api;
    const http::Request& request;
    boost::asio::io_context& io; ///< the worker's loop: a deferred answer comes back here
    int worker = 0;
    /// A versioned API: the version the request names, else its default_version (Tyk's
    /// AccessRightsCheck, gateway/mw_access_rights.go:39-65). Empty for an API that is not
    /// versioned: no version rights are checked then.
    std::string_view version = {};
};

/// The access check of every request to an API: the token (use_keyless: none), the session
/// (cache, else the key store), the key's state and rights, the API's global rate limit, the
/// key's rate limit (the per-API `limit` wins over the session's), and its quota. Shared by all
/// workers; thread-safe.
///
/// check() answers at once whenever it can: a cached key with tokens in hand costs no
/// allocation and no store round trip. Otherwise (a key not cached yet, a rate-limit lease to
/// fetch) it returns false and calls `later` exactly once, on the query's io_context: a lease
/// that does not come within decisionBudget is replaced by the node's own counters' decision; a
/// key read that does not come within lookupBudget is answered StoreUnavailable (503), never a
/// misleading 401/403. Keys already cached keep working while the store is down or stalled.
/// Concurrent checks of the same uncached key share one store read.
///
/// Lifetime: must outlive every io_context it was given work for, or be destroyed after their
/// loops stopped (see GatewayFeatures::stop for the order).
class AccessControl
{
public:
    using Callback = UniqueFunction<void(AccessDecision)>;

    /// `policies`: what keys naming apply_policies get their limits and rights from.
    AccessControl(AccessOptions options, KeyStore& store, SessionCache& cache,
                  const PolicyStore& policies, RequestLimiter& limiter, const Clock& clock,
                  int workers);
    ~AccessControl();
    AccessControl(const AccessControl&) = delete;
    AccessControl& operator=(const AccessControl&) = delete;

    /// Reads the token from the request as the API's definition says, then checks it.
    bool check(const AccessQuery& query, AccessDecision& out, Callback&& later);
    /// The same with a token already extracted ("" = none presented).
    bool checkToken(const ApiDefinition& api, std::string_view token, boost::asio::io_context& io,
                    int worker, AccessDecision& out, Callback&& later);

    /// Decisions so far, by outcome, summed over workers.
    std::array<std::uint64_t, kAccessOutcomeCount> counts() const;
    void appendMetrics(std::string& out) const;

private:
    struct State;
    struct Pending;
    /// A store read's outcome: the cached session, or why there is none.
    struct LoadResult
    {
        AccessOutcome outcome = AccessOutcome::StoreUnavailable;
        std::shared_ptr<const CachedSession> session;
    };
    struct LimitWait;
    using PendingPtr = std::shared_ptr<Pending>;
    enum class Stage : std::uint8_t;

    bool start(const ApiDefinition& api, std::string_view token, std::string_view version,
               boost::asio::io_context& io, int worker, AccessDecision& out, Callback& later);
    bool run(State& st, const PendingPtr& pending, Callback* later, AccessDecision& out);
    PendingPtr promote(State& st, Callback&& later);
    void startLoad(const PendingPtr& p);
    /// The keys a presented token may be filed under, with their storage ids (keysToTry).
    struct Lookup
    {
        std::vector<std::string> keys;
        std::vector<std::string> ids;
    };
    Lookup lookupFor(std::string_view token, std::string_view apiOrgId) const;
    /// A store read's answer: `key` the key it was found under (or the first tried), `id` its
    /// storage id.
    LoadResult loaded(std::string_view token, const std::string& key, const std::string& id,
                      std::uint64_t generation, StoreResult result);
    void afterLimit(const PendingPtr& p, const WindowDecision& d, AccessOutcome refusal, Stage next,
                    bool keepInfo);
    /// Waits for the limiter's lease, at most decisionBudget.
    void waitForLimit(const PendingPtr& p, LimitWait wait);
    void limitDecided(const PendingPtr& p, const WindowDecision& d);
    /// Starts the budget of the pending's current wait; the wait's number.
    std::uint32_t armBudget(const PendingPtr& p, std::chrono::milliseconds budget);
    void onBudgetPassed(const PendingPtr& p);
    void resume(const PendingPtr& p);
    void finish(const PendingPtr& p, AccessDecision decision);
    void count(int worker, AccessOutcome o);
    void maybeRefresh(const SessionHandle& session, std::string_view token);
    RateLimitInfo rateInfo(std::uint64_t limit, std::uint64_t remaining,
                           std::int64_t resetInMs) const;
    void stampReset(RateLimitInfo& info) const;

    AccessOptions m_options;
    KeyStore& m_store;
    SessionCache& m_cache;
    const PolicyStore& m_policies;
    RequestLimiter& m_limiter;
    const Clock& m_clock;

    struct alignas(64) WorkerCounts
    {
        std::array<std::atomic<std::uint64_t>, kAccessOutcomeCount> byOutcome{};
    };
    std::vector<std::unique_ptr<WorkerCounts>> m_counts;

    /// Checks waiting for the store read of a token already under way.
    std::mutex m_loadMutex;
    std::unordered_map<std::string, std::vector<PendingPtr>> m_loading;
};

} // namespace gb::gateway
