#pragma once

#include "gateway/server/exchange.h"
#include "gateway/upstream/content.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string_view>
#include <vector>

namespace gb::gateway::upstream {

/// What one request asks for, decided once from method and path.
struct Route
{
    enum class Kind : std::uint8_t
    {
        JsonValid,
        JsonInvalid,
        Delay,
        Size,
        Xml,
        Soap,
        ResourceIndex,
        Resource,
        Status,
        Echo,
        Health,
        NotFound,
        MethodNotAllowed,
        BadRequest,
    };
    Route() = default;
    Route(Kind k, std::uint64_t n = 0, std::string_view t = {})
        : kind(k)
        , number(n)
        , text(t)
    {}

    Kind kind = Kind::NotFound;
    std::uint64_t number = 0; ///< Delay: ns; Size: bytes; Resource: id; Index: limit; Status: code
    std::string_view text;    ///< MethodNotAllowed: Allow value; BadRequest: why
};

/// Decides the route of a request (pure; exposed for tests).
Route matchRoute(const http::Request& request);

/// go-bench-suite's upstream routes plus ours (/status, /echo, /health, X-Fault). One per worker
/// (HandlerFactory), so its random generator and its pools of timers need no lock; shared content
/// is read-only. Delays run on timers of the worker's io_context, never by sleeping.
class UpstreamHandler final : public Handler
{
public:
    UpstreamHandler(WorkerContext& worker, const Content& content,
                    std::chrono::steady_clock::time_point processStart, std::uint64_t maxEchoBody);
    ~UpstreamHandler() override;

    void onRequest(Exchange& ex) override;

private:
    class Delayed;
    class SizeStream;
    friend class Delayed;
    friend class SizeStream;

    void respondRoute(Exchange& ex, const Route& route);
    void respondJson(Exchange& ex, bool valid);
    void respondSize(Exchange& ex, std::uint64_t size);
    void fault(Exchange& ex, std::string_view mode);
    void after(Exchange& ex, std::chrono::nanoseconds delay, const Route& route, bool resetNow);
    void recycle(Delayed* d);
    void recycle(SizeStream* s);
    /// X-Delay (+ X-Delay-Percent) and, for /json, X-Slowdown + X-Slowdown-From; false if
    /// malformed.
    bool requestDelay(const http::Request& req, bool json, std::chrono::nanoseconds& out,
                      std::string_view& why);

    WorkerContext& m_worker;
    const Content& m_content;
    std::chrono::steady_clock::time_point m_processStart;
    std::uint64_t m_maxEchoBody;
    std::minstd_rand m_rng;
    std::vector<std::unique_ptr<Delayed>> m_delays; // all ever made (owner)
    std::vector<Delayed*> m_freeDelays;             // idle ones, reused
    std::vector<std::unique_ptr<SizeStream>> m_streams;
    std::vector<SizeStream*> m_freeStreams;
};

} // namespace gb::gateway::upstream
