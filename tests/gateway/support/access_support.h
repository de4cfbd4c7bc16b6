#pragma once

// Helpers for tests of the access layer: drive an io_context until a deferred answer arrives,
// make API definitions, and call the key admin API synchronously (bounded waits throughout).

#include "gateway/access/access_control.h"
#include "gateway/access/key_admin.h"
#include "gateway/config/api_definition.h"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace gb::test {

using namespace std::chrono_literals;

/// Runs `io` until `done()` or `limit` passed. False on timeout.
inline bool runUntil(boost::asio::io_context& io, const std::function<bool()>& done,
                     std::chrono::milliseconds limit = 10s)
{
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= end)
            return false;
        io.restart();
        if (io.run_for(2ms) == 0)
            std::this_thread::sleep_for(200us);
    }
    return true;
}

inline gateway::ApiDefinition makeApi(std::string id, bool keyless = false)
{
    gateway::ApiDefinition api;
    api.apiId = std::move(id);
    api.name = "API " + api.apiId;
    api.orgId = "default";
    api.useKeyless = keyless;
    api.listenPath = "/" + api.apiId + "/";
    return api;
}

struct CheckResult
{
    gateway::AccessDecision decision;
    bool deferred = false;
    bool answered = false;
    std::chrono::nanoseconds waited{0};
};

/// One access check by token, waiting (bounded) for a deferred answer.
inline CheckResult checkToken(gateway::AccessControl& access, const gateway::ApiDefinition& api,
                              std::string_view token, boost::asio::io_context& io, int worker = 0,
                              std::chrono::milliseconds limit = 10s)
{
    CheckResult r;
    const auto start = std::chrono::steady_clock::now();
    std::optional<gateway::AccessDecision> later;
    if (access.checkToken(api, token, io, worker, r.decision,
                          [&later](gateway::AccessDecision d) { later = std::move(d); })) {
        r.answered = true;
    } else {
        r.deferred = true;
        r.answered = runUntil(
            io, [&] { return later.has_value(); }, limit);
        if (later)
            r.decision = std::move(*later);
    }
    r.waited = std::chrono::steady_clock::now() - start;
    return r;
}

/// One admin call, waiting (bounded) for its answer. Status 0 if none came.
inline gateway::AdminResponse adminCall(gateway::KeyAdmin& admin, boost::asio::io_context& io,
                                        std::string_view method, std::string_view path,
                                        std::string_view body = {}, std::string_view query = {})
{
    std::optional<gateway::AdminResponse> reply;
    admin.handle(gateway::KeyAdminRequest{method, path, query, body}, io,
                 [&reply](gateway::AdminResponse r) { reply = std::move(r); });
    if (!runUntil(io, [&] { return reply.has_value(); }))
        return {0, {}};
    return *reply;
}

} // namespace gb::test
