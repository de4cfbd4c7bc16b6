// RedisClient's private state and its storage thread's operations (private to gateway/storage/).
#pragma once

#include "gateway/storage/redis_client.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

// hiredis stays out of this header: only redis_client_io.cpp includes it.
struct redisAsyncContext;
struct redisReply;

namespace gb::gateway {

/// Everything the storage thread owns lives here. Members marked "storage thread" are touched by
/// that thread only; the inbox and the state are shared with submitters under `mutex`.
///
/// The operations are split by job: submitting (any thread) in redis_client.cpp, hiredis and the
/// poll loop in redis_client_io.cpp, connection state, timers and failing commands in
/// redis_client_state.cpp.
struct RedisClient::Impl
{
    using SteadyClock = std::chrono::steady_clock;
    using Ms = std::chrono::milliseconds;

    struct Pending
    {
        Callback callback;
        Command command;
        SteadyClock::time_point deadline;
        bool internal = false; ///< handshake or heartbeat: not a caller's command
    };
    using PendingPtr = std::unique_ptr<Pending>;

    /// hiredis' event hooks for one context (defined in redis_client_io.cpp).
    struct Hooks;

    explicit Impl(RedisOptions o);
    ~Impl();

    // ---- any thread ----------------------------------------------------------------------

    void enqueue(PendingPtr p);
    void signal() const;

    static void invoke(Pending& p, RedisResult result)
    {
        try {
            p.callback(std::move(result));
        } catch (const std::exception& e) {
            std::fprintf(stderr, "redis: a completion threw: %s\n", e.what());
        } catch (...) {
            std::fprintf(stderr, "redis: a completion threw\n");
        }
    }

    // ---- storage thread: hiredis and the poll loop (redis_client_io.cpp) -----------------

    void run();
    void connect();
    void issueInternal(Command command, SteadyClock::time_point deadline, const char* what,
                       bool last = false);
    /// Hands one command to hiredis (storage thread).
    void issue(PendingPtr p);
    static void replyHook(redisAsyncContext* c, void* reply, void* privdata);
    static void cleanupHook(void* data);
    void replied(Pending* raw, redisReply* reply);
    /// hiredis is freeing a context (its own error path, or our redisAsyncFree).
    void contextGone(redisAsyncContext* c);
    /// Frees the context on purpose, if there is one: its pending commands complete with status.
    void dropContext(RedisStatus status);

    // ---- storage thread: state, timers, failing commands (redis_client_state.cpp) --------

    void finish(PendingPtr p, RedisResult result)
    {
        if (!p->internal)
            outstanding.fetch_sub(1, std::memory_order_relaxed);
        invoke(*p, std::move(result));
    }

    /// State changes requested from inside hiredis callbacks run here, once hiredis returned.
    void afterHiredis();
    void lost(const std::string& reason, RedisStatus status);
    void connectFailed(const std::string& reason);
    void failInflight(RedisStatus status);
    void setDown(const std::string& reason);
    void markUp();
    void scheduleReconnect();
    /// Moves queued commands to hiredis once the connection is up.
    void takeInbox();
    void checkTimers(SteadyClock::time_point now);
    int pollTimeoutMs(SteadyClock::time_point now);
    void shutdown();
    void failWaiting(RedisStatus status);

    RedisOptions options;
    int wakeFd = -1;
    std::thread thread;
    std::atomic<StorageState> state{StorageState::Connecting};
    std::atomic<bool> stopRequested{false};
    std::atomic<std::size_t> outstanding{0};
    std::atomic<std::uint64_t> answered{0};
    std::atomic<std::uint64_t> timeouts{0};
    std::atomic<std::uint64_t> rejected{0};

    std::mutex mutex; // guards inbox, wakePending, started and state transitions
    std::deque<PendingPtr> inbox;
    bool wakePending = false;
    bool started = false;

    mutable std::mutex healthMutex;
    StorageHealth health; // counters not kept in atomics above

    // Storage thread only.
    redisAsyncContext* context = nullptr;
    bool wantRead = false;
    bool wantWrite = false;
    bool lostHandled = true;
    bool lossPending = false;
    bool upPending = false;
    std::string lossReason;
    RedisStatus lossStatus = RedisStatus::Unavailable;
    RedisStatus failStatus = RedisStatus::Unavailable;
    std::deque<Pending*> inflight; // owned; in the order Redis will answer
    std::optional<SteadyClock::time_point> reconnectAt;
    SteadyClock::time_point nextHeartbeat = SteadyClock::now();
    SteadyClock::time_point lastActivity = SteadyClock::now();
    Ms backoff;
};

} // namespace gb::gateway
