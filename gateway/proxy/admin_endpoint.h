#pragma once

// The extension point of the admin API: what /tyk/keys/* (gateway/keys) and later admin
// resources plug into. An AdminEndpoint is registered for a path prefix; the admin API checks
// x-tyk-authorization, reads the (bounded) request body, and hands the endpoint one AdminRequest.

#include "gateway/config/admin_responses.h"
#include "gateway/http/request.h"
#include "gateway/server/exchange.h"

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace gb::gateway::proxy {

/// An admin request as an endpoint sees it. Views are valid during AdminEndpoint::handle only.
struct AdminRequest
{
    const http::Request& head; ///< method, target, every header
    std::string_view path;     ///< e.g. "/tyk/keys/abc"
    std::string_view query;    ///< without '?', e.g. "hashed=true"
    std::string_view body;     ///< the whole request body (at most AdminApi::kMaxBody bytes)
};

/// The answer slot of one admin request: call send() exactly once, now or later, on the worker
/// thread the request came in on (from another thread, post to ioContext() first). Move-only;
/// destroying it unsent answers 500, so a forgotten path cannot hang a client. Sending after the
/// client has gone away is a no-op.
class AdminReply
{
public:
    AdminReply() = default;
    explicit AdminReply(Exchange& exchange);
    AdminReply(AdminReply&& other) noexcept = default;
    AdminReply& operator=(AdminReply&& other) noexcept;
    AdminReply(const AdminReply&) = delete;
    AdminReply& operator=(const AdminReply&) = delete;
    ~AdminReply();

    /// A JSON answer (Content-Type: application/json), e.g. one of admin_responses.h.
    void send(const AdminResponse& response);
    void send(int status, std::string_view contentType, std::string_view body);
    bool pending() const { return static_cast<bool>(m_exchange); }
    /// The worker's loop, to come back to after work done elsewhere; valid while pending().
    boost::asio::io_context& ioContext() const;

private:
    ExchangeRef m_exchange;
};

/// A resource of the admin API. One instance serves every worker thread concurrently: handle()
/// must be thread-safe. The x-tyk-authorization secret has been checked before it is called.
class AdminEndpoint
{
public:
    virtual ~AdminEndpoint() = default;
    virtual void handle(const AdminRequest& request, AdminReply reply) = 0;
};

/// A registration: requests whose path is `prefix` or starts with `prefix` + "/" go to endpoint
/// (e.g. prefix "/tyk/keys" takes "/tyk/keys", "/tyk/keys/", "/tyk/keys/create" ...).
struct AdminRoute
{
    std::string prefix;
    std::shared_ptr<AdminEndpoint> endpoint;
};

/// Appends whole metric families (HELP, TYPE, samples; Prometheus text format 0.0.4) to the
/// /metrics body. Called on any thread, possibly concurrently, so it must be thread-safe.
using MetricsWriter = std::function<void(std::string&)>;

} // namespace gb::gateway::proxy
