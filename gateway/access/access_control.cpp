#include "gateway/access/access_control.h"

#include "gateway/access/request_limiter.h"
#include "gateway/keys/key_store.h"
#include "gateway/keys/session_cache.h"
#include "gateway/keys/storage_keys.h"
#include "gateway/keys/token.h"
#include "gateway/metrics/prometheus_format.h"
#include "gateway/storage/clock.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>

namespace gb::gateway {

enum class AccessControl::Stage : std::uint8_t
{
    Lookup,   ///< find the session (cache, then store)
    Validate, ///< inactive, expired, rights; resolve the limits that apply
    Global,   ///< the API's global_rate_limit
    KeyRate,  ///< the key's rate limit
    Quota,    ///< the key's quota
    Done,
};

/// Everything a check needs, as views while it runs synchronously inside check(); a Pending
/// copy owns the strings once it has to wait.
struct AccessControl::State
{
    std::string_view apiId;
    std::string_view apiOrgId;
    RateLimit globalRate;
    bool keyless = false;
    bool disableRateLimit = false;
    bool disableQuota = false;
    std::string_view token;
    std::string_view version; ///< AccessQuery::version
    std::string_view defaultVersion;
    bool fallbackToDefault = false;
    boost::asio::io_context* io = nullptr;
    int worker = 0;
    Stage stage = Stage::Lookup;
    SessionHandle session;
    RateLimitInfo rate;
    RateLimitInfo quota; ///< the key's quota window once it passed (AccessDecision::quota)
    // Resolved by Validate; the views point into *session, which the state keeps alive.
    WindowSpec rateSpec;
    WindowSpec quotaSpec;
    QuotaSeed quotaSeed;
    bool perApiLimit = false;
    bool keyHasPolicies = false;
    std::string_view allowanceScope;

    /// Whose counters: the session's own (""), or the allowance scope of a per-API limit. A
    /// key without policies has its per-API limits counted per API (Tyk's Apply sets their
    /// scope to the API, internal/policy/apply.go:179-187); with policies the scope is theirs.
    std::string_view scope() const
    {
        if (!perApiLimit)
            return {};
        return allowanceScope.empty() && !keyHasPolicies ? apiId : allowanceScope;
    }
};

/// A limiter decision a check waits for, and how it goes on from there.
struct AccessControl::LimitWait
{
    LimitWindow window = LimitWindow::Rate;
    std::string key;
    WindowSpec spec;
    AccessOutcome refusal = AccessOutcome::RateLimited;
    Stage next = Stage::Done;
    bool keepInfo = false;
};

/// A check that waits (for the store, for a lease). Lives on the heap, owned by the callbacks
/// that will resume it; touched only on its worker's thread, hence no atomics.
struct AccessControl::Pending : State
{
    std::string ownedApiId;
    std::string ownedApiOrgId;
    std::string ownedToken;
    std::string ownedVersion;
    std::string ownedDefaultVersion;
    Callback callback;
    std::unique_ptr<boost::asio::steady_timer> timer; ///< the current wait's budget
    std::uint32_t waitNumber = 0; ///< answers of an earlier wait (late, replaced) are ignored
    LimitWait limitWait;
    bool finished = false;
};

namespace {

/// Tyk's AccessRightsCheck for a versioned API (gateway/mw_access_rights.go:43-65): the key's
/// `versions` must list the version, or the default one when fallback_to_default applies.
bool mayUseVersion(const AccessDefinition& access, const auto& st)
{
    if (st.version.empty())
        return true;
    const auto listed = [&access](std::string_view name) {
        return std::find(access.versions.begin(), access.versions.end(), name) !=
               access.versions.end();
    };
    if (listed(st.version))
        return true;
    return st.fallbackToDefault && st.version != st.defaultVersion && listed(st.defaultVersion);
}

/// Counter names are built in a per-thread buffer: no allocation per request. The limiters
/// copy what they keep.
std::string& scratch()
{
    thread_local std::string s;
    return s;
}

std::string_view globalKey(std::string_view apiId)
{
    std::string& s = scratch();
    s.assign("a:").append(apiId);
    return s;
}

std::string_view rateKey(std::string_view scope, std::string_view id)
{
    std::string& s = scratch();
    s.assign("k:");
    if (!scope.empty())
        s.append(scope).push_back(':');
    s.append(id);
    return s;
}

std::string_view quotaKey(std::string_view scope, std::string_view id)
{
    std::string& s = scratch();
    s.assign(storage_keys::kQuotaPrefix);
    if (!scope.empty())
        s.append(scope).push_back('-');
    s.append(id);
    return s;
}

} // namespace

AccessControl::AccessControl(AccessOptions options, KeyStore& store, SessionCache& cache,
                             const PolicyStore& policies, RequestLimiter& limiter,
                             const Clock& clock, int workers)
    : m_options(options)
    , m_store(store)
    , m_cache(cache)
    , m_policies(policies)
    , m_limiter(limiter)
    , m_clock(clock)
{
    for (int i = 0; i < std::max(1, workers); ++i)
        m_counts.push_back(std::make_unique<WorkerCounts>());
}

AccessControl::~AccessControl() = default;

bool AccessControl::check(const AccessQuery& query, AccessDecision& out, Callback&& later)
{
    thread_local std::string decoded; // a percent-encoded query token lands here
    std::string_view token;
    if (!query.api.useKeyless)
        token = findToken(query.request, query.api.auth, decoded).token;
    return start(query.api, token, query.version, query.io, query.worker, out, later);
}

bool AccessControl::checkToken(const ApiDefinition& api, std::string_view token,
                               boost::asio::io_context& io, int worker, AccessDecision& out,
                               Callback&& later)
{
    return start(api, token, {}, io, worker, out, later);
}

bool AccessControl::start(const ApiDefinition& api, std::string_view token,
                          std::string_view version, boost::asio::io_context& io, int worker,
                          AccessDecision& out, Callback& later)
{
    State st;
    st.apiId = api.apiId;
    st.apiOrgId = api.orgId;
    st.version = version;
    st.defaultVersion = api.versionData.defaultVersion;
    st.fallbackToDefault = api.versionData.fallbackToDefault;
    st.globalRate = api.globalRateLimit;
    st.keyless = api.useKeyless;
    st.disableRateLimit = api.disableRateLimit;
    st.disableQuota = api.disableQuota;
    st.token = token;
    st.io = &io;
    st.worker = std::clamp(worker, 0, static_cast<int>(m_counts.size()) - 1);
    if (st.keyless) {
        st.stage = Stage::Global;
    } else if (token.empty()) {
        out = AccessDecision{AccessOutcome::KeyMissing, nullptr, {}, {}};
        count(st.worker, out.outcome);
        return true;
    }
    if (!run(st, nullptr, &later, out))
        return false;
    count(st.worker, out.outcome);
    return true;
}

RateLimitInfo AccessControl::rateInfo(std::uint64_t limit, std::uint64_t remaining,
                                      std::int64_t resetInMs) const
{
    RateLimitInfo info;
    info.present = true;
    info.limit = limit;
    info.remaining = remaining;
    info.resetInMs = std::max<std::int64_t>(0, resetInMs);
    info.retryAfterSeconds = std::max<std::int64_t>(1, (info.resetInMs + 999) / 1000);
    return info;
}

void AccessControl::stampReset(RateLimitInfo& info) const
{
    // Only answers that carry the headers need the wall clock (refusals; the proxy may ask
    // RateLimitHeaders for the others).
    if (info.present && info.resetUnix == 0)
        info.resetUnix = (m_clock.unixMs() + info.resetInMs + 999) / 1000;
}

bool AccessControl::run(State& st, const PendingPtr& pending, Callback* later, AccessDecision& out)
{
    const auto conclude = [&](AccessOutcome outcome) {
        out.outcome = outcome;
        out.session = st.session;
        out.rate = st.rate;
        out.quota = st.quota;
        if (outcome != AccessOutcome::Allowed)
            stampReset(out.rate);
        return true;
    };
    const auto wait = [&]() -> PendingPtr {
        return pending ? pending : promote(st, std::move(*later));
    };

    for (;;) {
        switch (st.stage) {
        case Stage::Lookup: {
            if (SessionHandle h = m_cache.find(st.token)) {
                maybeRefresh(h, st.token);
                st.session = std::move(h);
                st.stage = Stage::Validate;
                break;
            }
            if (m_store.isLocal()) {
                // The in-memory store answers inline: nothing to wait for.
                const Lookup lookup = lookupFor(st.token, st.apiOrgId);
                const std::uint64_t generation = m_cache.generation();
                StoreResult result;
                m_store.getFirst(lookup.ids, [&result](StoreResult r) { result = std::move(r); });
                const std::size_t i = std::min(result.index, lookup.ids.size() - 1);
                LoadResult lr =
                    loaded(st.token, lookup.keys[i], lookup.ids[i], generation, std::move(result));
                if (!lr.session)
                    return conclude(lr.outcome);
                st.session = std::move(lr.session);
                st.stage = Stage::Validate;
                break;
            }
            startLoad(wait());
            return false;
        }
        case Stage::Validate: {
            const CachedSession& entry = *st.session;
            const Session& s = entry.session;
            // Tyk's order: policies applied (a key whose policies cannot apply, or apply for
            // another organisation, is refused as unknown: gateway/middleware.go:676-710), the
            // key's own state, then its rights to this API.
            if (entry.hasPolicies &&
                (!entry.policyError.empty() || entry.policyOrgId != st.apiOrgId))
                return conclude(AccessOutcome::KeyUnknown);
            if (s.isInactive)
                return conclude(AccessOutcome::KeyInactive);
            if (s.expires > 0 && s.expiredAt(m_clock.unixMs() / 1000))
                return conclude(AccessOutcome::KeyExpired);
            const AccessDefinition* access = s.access(st.apiId);
            if (access == nullptr || !mayUseVersion(*access, st))
                return conclude(AccessOutcome::KeyUnknown);
            const ApiLimit* limit =
                access->limit && !access->limit->isEmpty() ? &*access->limit : nullptr;
            st.keyHasPolicies = entry.hasPolicies;
            if (limit != nullptr) {
                st.perApiLimit = true;
                st.allowanceScope = access->allowanceScope;
                st.rateSpec = rateWindow(limit->rate, limit->per);
                st.quotaSpec = quotaWindow(limit->quotaMax, limit->quotaRenewalRate);
                st.quotaSeed = {limit->quotaRemaining, limit->quotaRenews};
            } else {
                st.rateSpec = rateWindow(s.rate, s.per);
                st.quotaSpec = quotaWindow(s.quotaMax, s.quotaRenewalRate);
                st.quotaSeed = {s.quotaRemaining, s.quotaRenews};
            }
            // Policies clear the remaining counts (Tyk's ClearSession): the counter starts
            // fresh rather than from a zero that would read as used up.
            if (entry.hasPolicies)
                st.quotaSeed = {};
            st.stage = Stage::Global;
            break;
        }
        case Stage::Global: {
            const Stage next = st.keyless ? Stage::Done : Stage::KeyRate;
            if (!st.globalRate.isSet()) {
                st.stage = next;
                break;
            }
            const WindowSpec spec = rateWindow(st.globalRate.rate, st.globalRate.per);
            WindowDecision d;
            if (m_limiter.tryHit(LimitWindow::Rate, globalKey(st.apiId), spec, {}, d)) {
                if (!d.allowed || st.keyless)
                    st.rate = rateInfo(d.limit, d.remaining, d.resetInMs);
                if (!d.allowed)
                    return conclude(AccessOutcome::ApiRateLimited);
                st.stage = next;
                break;
            }
            const PendingPtr p = wait();
            waitForLimit(p, {LimitWindow::Rate, std::string(globalKey(p->apiId)), spec,
                             AccessOutcome::ApiRateLimited, next, p->keyless});
            return false;
        }
        case Stage::KeyRate: {
            if (st.disableRateLimit || !st.rateSpec.enabled()) {
                st.stage = Stage::Quota;
                break;
            }
            WindowDecision d;
            if (m_limiter.tryHit(LimitWindow::Rate, rateKey(st.scope(), st.session->storageId),
                                 st.rateSpec, {}, d)) {
                st.rate = rateInfo(d.limit, d.remaining, d.resetInMs);
                if (!d.allowed)
                    return conclude(AccessOutcome::RateLimited);
                st.stage = Stage::Quota;
                break;
            }
            const PendingPtr p = wait();
            waitForLimit(p, {LimitWindow::Rate,
                             std::string(rateKey(p->scope(), p->session->storageId)), p->rateSpec,
                             AccessOutcome::RateLimited, Stage::Quota, true});
            return false;
        }
        case Stage::Quota: {
            if (st.disableQuota || !st.quotaSpec.enabled()) {
                st.stage = Stage::Done;
                break;
            }
            WindowDecision d;
            if (m_limiter.tryHit(LimitWindow::Quota, quotaKey(st.scope(), st.session->storageId),
                                 st.quotaSpec, st.quotaSeed, d)) {
                if (!d.allowed || !st.rate.present)
                    st.rate = rateInfo(d.limit, d.remaining, d.resetInMs);
                if (!d.allowed)
                    return conclude(AccessOutcome::QuotaExceeded);
                st.quota = rateInfo(d.limit, d.remaining, d.resetInMs);
                st.stage = Stage::Done;
                break;
            }
            const PendingPtr p = wait();
            waitForLimit(p, {LimitWindow::Quota,
                             std::string(quotaKey(p->scope(), p->session->storageId)), p->quotaSpec,
                             AccessOutcome::QuotaExceeded, Stage::Done, !p->rate.present});
            return false;
        }
        case Stage::Done:
            return conclude(AccessOutcome::Allowed);
        }
    }
}

AccessControl::PendingPtr AccessControl::promote(State& st, Callback&& later)
{
    auto p = std::make_shared<Pending>();
    static_cast<State&>(*p) = st;
    // The request's buffer and the API definition may be gone by the time the store answers.
    p->ownedApiId = std::string(st.apiId);
    p->apiId = p->ownedApiId;
    p->ownedApiOrgId = std::string(st.apiOrgId);
    p->apiOrgId = p->ownedApiOrgId;
    p->ownedToken = std::string(st.token);
    p->token = p->ownedToken;
    p->ownedVersion = std::string(st.version);
    p->version = p->ownedVersion;
    p->ownedDefaultVersion = std::string(st.defaultVersion);
    p->defaultVersion = p->ownedDefaultVersion;
    p->callback = std::move(later);
    p->timer = std::make_unique<boost::asio::steady_timer>(*st.io);
    return p;
}

std::uint32_t AccessControl::armBudget(const PendingPtr& p, std::chrono::milliseconds budget)
{
    const std::uint32_t number = ++p->waitNumber;
    p->timer->expires_after(budget); // cancels the previous wait's budget
    p->timer->async_wait([this, p, number](const boost::system::error_code& ec) {
        if (!ec && !p->finished && number == p->waitNumber)
            onBudgetPassed(p);
    });
    return number;
}

void AccessControl::onBudgetPassed(const PendingPtr& p)
{
    if (p->stage == Stage::Lookup) {
        // No answer without the store: say so rather than guess (never a 401/403). The read goes
        // on and fills the cache for the requests after this one.
        finish(p, AccessDecision{AccessOutcome::StoreUnavailable, p->session, {}, {}});
        return;
    }
    // The lease is late (a stalled or slow Redis): this node's counters decide.
    const LimitWait& w = p->limitWait;
    limitDecided(p, m_limiter.decideLocally(w.window, w.key, w.spec));
}

void AccessControl::waitForLimit(const PendingPtr& p, LimitWait wait)
{
    p->limitWait = std::move(wait);
    const std::uint32_t number = armBudget(p, m_options.decisionBudget);
    auto decided = [this, p, number](WindowDecision d) {
        if (!p->finished && number == p->waitNumber)
            limitDecided(p, d);
    };
    const LimitWait& w = p->limitWait;
    m_limiter.hitLater(w.window, w.key, w.spec, *p->io, std::move(decided));
}

void AccessControl::limitDecided(const PendingPtr& p, const WindowDecision& d)
{
    ++p->waitNumber; // whichever of the lease and the budget comes second is ignored
    const LimitWait& w = p->limitWait;
    afterLimit(p, d, w.refusal, w.next, w.keepInfo);
}

void AccessControl::afterLimit(const PendingPtr& p, const WindowDecision& d, AccessOutcome refusal,
                               Stage next, bool keepInfo)
{
    if (p->finished)
        return;
    if (!d.allowed || keepInfo)
        p->rate = rateInfo(d.limit, d.remaining, d.resetInMs);
    if (d.allowed && refusal == AccessOutcome::QuotaExceeded)
        p->quota = rateInfo(d.limit, d.remaining, d.resetInMs);
    if (!d.allowed) {
        AccessDecision refused{refusal, p->session, p->rate, {}};
        stampReset(refused.rate);
        finish(p, std::move(refused));
        return;
    }
    p->stage = next;
    resume(p);
}

void AccessControl::resume(const PendingPtr& p)
{
    AccessDecision out;
    if (run(*p, p, nullptr, out))
        finish(p, std::move(out));
}

void AccessControl::finish(const PendingPtr& p, AccessDecision decision)
{
    if (p->finished)
        return;
    p->finished = true;
    if (p->timer)
        p->timer->cancel();
    count(p->worker, decision.outcome);
    Callback callback = std::move(p->callback);
    callback(std::move(decision));
}

void AccessControl::startLoad(const PendingPtr& p)
{
    armBudget(p, m_options.lookupBudget);
    {
        std::lock_guard lock(m_loadMutex);
        std::vector<PendingPtr>& waiting = m_loading[p->ownedToken];
        waiting.push_back(p);
        if (waiting.size() > 1)
            return; // a read of this key is already under way: share its answer
    }
    Lookup lookup = lookupFor(p->token, p->apiOrgId);
    std::vector<std::string> ids = lookup.ids;
    const std::uint64_t generation = m_cache.generation();
    // Runs on the store's thread (or inline when the store fails at once).
    m_store.getFirst(std::move(ids), [this, token = p->ownedToken, lookup = std::move(lookup),
                                      generation](StoreResult r) mutable {
        const std::size_t i = std::min(r.index, lookup.ids.size() - 1);
        const LoadResult lr =
            loaded(token, lookup.keys[i], lookup.ids[i], generation, std::move(r));
        std::vector<PendingPtr> waiting;
        {
            std::lock_guard lock(m_loadMutex);
            const auto it = m_loading.find(token);
            if (it != m_loading.end()) {
                waiting = std::move(it->second);
                m_loading.erase(it);
            }
        }
        for (PendingPtr& w : waiting) {
            boost::asio::io_context& io = *w->io;
            boost::asio::post(io, [this, w = std::move(w), lr]() {
                if (w->finished)
                    return;
                if (!lr.session) {
                    finish(w, AccessDecision{lr.outcome, nullptr, {}, {}});
                    return;
                }
                w->session = lr.session;
                w->stage = Stage::Validate;
                resume(w);
            });
        }
    });
}

void AccessControl::count(int worker, AccessOutcome o)
{
    m_counts[static_cast<std::size_t>(worker)]->byOutcome[static_cast<std::size_t>(o)].fetch_add(
        1, std::memory_order_relaxed);
}

std::array<std::uint64_t, kAccessOutcomeCount> AccessControl::counts() const
{
    std::array<std::uint64_t, kAccessOutcomeCount> sum{};
    for (const auto& w : m_counts)
        for (std::size_t i = 0; i < kAccessOutcomeCount; ++i)
            sum[i] += w->byOutcome[i].load(std::memory_order_relaxed);
    return sum;
}

void AccessControl::appendMetrics(std::string& out) const
{
    const auto sum = counts();
    appendFamily(out, "gatebench_access_decisions_total", MetricType::Counter,
                 "Access checks by outcome.");
    for (std::size_t i = 0; i < kAccessOutcomeCount; ++i) {
        out.append("gatebench_access_decisions_total{outcome=\"");
        out.append(accessOutcomeName(static_cast<AccessOutcome>(i)));
        out.append("\"} ");
        appendValue(out, static_cast<std::uint64_t>(sum[i]));
        out.push_back('\n');
    }
}

} // namespace gb::gateway
