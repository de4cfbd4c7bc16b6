#include "gateway/extensions/install_features.h"

#include "gateway/access/gateway_features.h"
#include "gateway/analytics/request_capture.h"
#include "gateway/extensions/policy_admin.h"
#include "gateway/extensions/strip_credentials.h"
#include "gateway/keys/token.h"
#include "gateway/proxy/tyk_errors.h"

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <vector>

namespace gb::gateway {

namespace {

/// /tyk/keys: the admin API has checked the secret and read the body; KeyAdmin answers on the
/// worker's loop.
class KeysEndpoint final : public proxy::AdminEndpoint
{
public:
    explicit KeysEndpoint(KeyAdmin& admin)
        : m_admin(admin)
    {}

    void handle(const proxy::AdminRequest& request, proxy::AdminReply reply) override
    {
        boost::asio::io_context& io = reply.ioContext();
        m_admin.handle(
            KeyAdminRequest{request.head.method, request.path, request.query, request.body}, io,
            [reply = std::move(reply)](AdminResponse r) mutable { reply.send(r); });
    }

private:
    KeyAdmin& m_admin;
};

/// One worker's filter. Worker thread only, so its bookkeeping needs no lock.
class FeaturesFilter final : public proxy::RequestFilter
{
public:
    FeaturesFilter(GatewayFeatures& features, WorkerContext& worker)
        : m_features(features)
        , m_io(worker.ioContext)
        , m_worker(std::clamp(worker.index, 0, std::max(0, worker.threadCount - 1)))
        , m_recorder(features.analytics() ? &features.analytics()->recorder(m_worker) : nullptr)
    {}

    proxy::FilterVerdict onRequest(proxy::RequestContext& ctx, proxy::FilterResume resume) override
    {
        const ApiDefinition& api = *ctx.api;
        // The request head is gone by onComplete: take what analytics need now.
        if (m_recorder != nullptr && !api.doNotTrack) {
            ClientIpBuffer buffer;
            const std::string_view ip = clientIp(ctx.exchange->request(), ctx.peer, buffer);
            if (!m_recorder->ignored(ip))
                capture(ctx, ip);
        }
        if (ctx.pendingRefusalStatus != 0)
            return proxy::FilterVerdict::Continue; // refused already (its version): no key check
        AccessDecision decision;
        const bool now = m_features.access().check(
            AccessQuery{api, ctx.exchange->request(), m_io, m_worker, ctx.versionName}, decision,
            [this, resume](AccessDecision later) {
                proxy::RequestContext* c = resume.context();
                if (c == nullptr)
                    return; // the client went away meanwhile
                if (apply(*c, later))
                    resume.proceed();
                else
                    resume.done();
            });
        if (!now)
            return proxy::FilterVerdict::Deferred;
        return apply(ctx, decision) ? proxy::FilterVerdict::Continue
                                    : proxy::FilterVerdict::Responded;
    }

    void onComplete(const proxy::CompletedRequest& done) override
    {
        const ApiDefinition& api = *done.context.api;
        Histograms& h = histogramsFor(api.apiId);
        h.total->observe(done.totalLatency);
        if (done.proxied)
            h.upstream->observe(done.upstreamLatency);

        const std::size_t i = find(&done.context);
        if (i == kNone)
            return;
        Pending* it = &m_pending[i];
        AnalyticsRecord& r = it->record;
        r.responseCode = static_cast<std::uint16_t>(done.status);
        r.requestTimeUs = micros(done.totalLatency);
        r.upstreamLatencyUs = micros(done.upstreamLatency);
        r.apiRef = m_recorder->apiRef(api);
        if (it->session)
            r.keyRef = GatewayFeatures::analyticsKeyRef(*m_recorder, *it->session);
        m_recorder->record(r);
        if (i + 1 != m_pending.size()) {
            m_pending[i] = std::move(m_pending.back());
            m_contexts[i] = m_contexts.back();
        }
        m_pending.pop_back();
        m_contexts.pop_back();
    }

private:
    struct Pending
    {
        AnalyticsRecord record;
        SessionHandle session;
    };
    struct Histograms
    {
        LatencyHistogram* total;
        LatencyHistogram* upstream;
    };

    static std::uint32_t micros(std::chrono::nanoseconds d)
    {
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
        return static_cast<std::uint32_t>(std::clamp<long long>(us, 0, UINT32_MAX));
    }

    static constexpr std::size_t kNone = SIZE_MAX;

    /// The in-flight slot of a request: a scan of pointers (a worker has tens in flight).
    std::size_t find(const proxy::RequestContext* ctx) const
    {
        for (std::size_t i = 0; i < m_contexts.size(); ++i)
            if (m_contexts[i] == ctx)
                return i;
        return kNone;
    }

    void capture(const proxy::RequestContext& ctx, std::string_view ip)
    {
        if (m_pending.size() > 100'000) { // never expected: onComplete follows every onRequest
            m_pending.clear();
            m_contexts.clear();
        }
        Pending& p = m_pending.emplace_back();
        m_contexts.push_back(&ctx);
        const auto unixUs = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
        // No query is recorded (Tyk's RawPath is the path), so a key sent as a query parameter
        // never reaches Redis with the record.
        captureRequest(p.record, ctx.exchange->request(), ip, unixUs);
        p.record.setVersion(ctx.versionNamed);
    }

    /// True: let the request through. False: answered here.
    bool apply(proxy::RequestContext& ctx, const AccessDecision& d)
    {
        const ApiDefinition& api = *ctx.api;
        if (d.allowed()) {
            if (d.session) {
                ctx.keyId = d.session->storageId;
                ctx.keyAlias = d.session->session.alias;
                ctx.keyOrgId = d.session->session.orgId;
                if (const std::size_t i = find(&ctx); i != kNone)
                    m_pending[i].session = d.session;
            }
            // strip_auth_data: the credential does not reach the upstream (Tyk's StripAuth).
            if (!api.useKeyless && api.stripAuthData)
                stripCredentials(ctx, api.auth);
            const RateLimitHeaders rate(d, m_features.rateLimitHeaders(), api.apiId);
            for (const http::Header& h : rate.headers()) {
                std::string& value = ctx.strings.next();
                value = h.value;
                ctx.addResponseHeaders.push_back({h.name, value}); // names are literals
            }
            return true;
        }
        const RateLimitHeaders rate(d, m_features.rateLimitHeaders(), api.apiId);
        http::Header headers[2 + 4];
        std::size_t n = 0;
        for (const http::Header& h : proxy::kJsonErrorHeaders)
            headers[n++] = h;
        for (const http::Header& h : rate.headers())
            headers[n++] = h;
        const int status = d.outcome == AccessOutcome::QuotaExceeded
                               ? m_features.quotaExceededStatus()
                               : d.status();
        ctx.filterStatus = status;
        ctx.exchange->respond(status, std::span<const http::Header>(headers, n), d.body(),
                              BodyOwnership::Borrow); // the bodies are static strings
        return false;
    }

    Histograms& histogramsFor(const std::string& apiId)
    {
        auto it = m_histograms.find(apiId);
        if (it == m_histograms.end())
            it = m_histograms
                     .emplace(apiId,
                              Histograms{&m_features.requestLatency().histogram(m_worker, apiId),
                                         &m_features.upstreamLatency().histogram(m_worker, apiId)})
                     .first;
        return it->second;
    }

    GatewayFeatures& m_features;
    boost::asio::io_context& m_io;
    int m_worker;
    AnalyticsRecorder* m_recorder;
    std::vector<Pending> m_pending; ///< requests in flight on this worker, for analytics
    std::vector<const proxy::RequestContext*> m_contexts; ///< parallel to m_pending
    std::unordered_map<std::string, Histograms> m_histograms;
};

} // namespace

void installGatewayFeatures(proxy::GatewayExtensions& extensions, GatewayFeatures& features)
{
    extensions.adminRoutes.push_back(
        proxy::AdminRoute{"/tyk/keys", std::make_shared<KeysEndpoint>(features.keyAdmin())});
    extensions.adminRoutes.push_back(
        proxy::AdminRoute{"/tyk/policies", std::make_shared<PolicyAdmin>(features.policies())});
    extensions.reloadHooks.push_back([&features] { features.reloadPolicies(); });
    for (const HealthComponent& c : features.healthComponents()) {
        extensions.healthChecks.push_back([&features, name = c.name] {
            for (HealthComponent& now : features.healthComponents())
                if (now.name == name)
                    return now;
            return HealthComponent{name, HealthStatus::Fail, "datastore", "gone", {}};
        });
    }
    extensions.metricsWriters.push_back(
        [&features](std::string& out) { features.appendMetrics(out); });
    extensions.filters.push_back([&features](WorkerContext& worker) {
        return std::make_unique<FeaturesFilter>(features, worker);
    });
}

} // namespace gb::gateway
