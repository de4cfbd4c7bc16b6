#pragma once

#include "gateway/storage/redis_reply.h"
#include "gateway/storage/storage_health.h"
#include "gateway/storage/unique_function.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gb::gateway {

struct RedisOptions
{
    std::string name = "redis"; ///< for logs, /hello and /metrics
    std::string host = "localhost";
    std::uint16_t port = 6379;
    std::string password; ///< AUTH when not empty
    int database = 0;     ///< SELECT when not 0
    /// Longest a command may wait, queueing included; past it the caller gets Timeout and the
    /// connection is treated as hung (closed and reopened).
    std::chrono::milliseconds timeout{5000};
    /// Longest a connection attempt (TCP + AUTH/SELECT/PING) may take.
    std::chrono::milliseconds connectTimeout{1000};
    /// Reconnection back-off: doubles from min to max. The cap bounds how late a restarted Redis
    /// is noticed.
    std::chrono::milliseconds backoffMin{25};
    std::chrono::milliseconds backoffMax{250};
    /// An idle connection is PINGed this often, so a hung Redis is noticed without traffic.
    std::chrono::milliseconds heartbeat{1000};
    std::size_t maxOutstanding = 100'000; ///< commands queued or in flight; beyond: Overloaded
    bool log = true;                      ///< state changes to stderr
};

/// One pipelined connection to Redis, driven by hiredis' async API on a storage thread of its
/// own (an io_context running there), so no caller ever blocks on Redis.
///
/// Any thread may submit commands. A completion runs exactly once: on the storage thread, or
/// inline in submit() when the command fails at once (client down, overloaded, stopped). It must
/// be quick and must not throw; to continue on a worker thread, post to that worker's
/// io_context. Every command is answered within `timeout` (plus scheduling delay): a command
/// that has not been answered by then fails with Timeout, and the connection is then assumed
/// hung, closed, and reopened. While the connection is down, commands fail at once with
/// Unavailable; reconnection uses capped exponential back-off. hiredis contexts are never
/// reused after an error: each attempt makes a new one.
///
/// Lifecycle: construct, start(), ..., stop() (also from the destructor). The owner must call
/// stop() before destroying anything a pending completion refers to.
class RedisClient
{
public:
    using Command = std::vector<std::string>;
    using Callback = UniqueFunction<void(RedisResult)>;
    using BatchCallback = UniqueFunction<void(std::vector<RedisResult>)>;

    explicit RedisClient(RedisOptions options);
    ~RedisClient();
    RedisClient(const RedisClient&) = delete;
    RedisClient& operator=(const RedisClient&) = delete;

    /// Starts the storage thread and the first connection attempt.
    void start();
    /// Fails every pending command with Stopped, closes the connection, joins the thread.
    /// Idempotent; any thread but the storage thread.
    void stop();

    void submit(Command command, Callback callback);
    /// Pipelines the commands back to back; the callback gets one result per command, in
    /// order. A batch that cannot be sent fails as a whole.
    void submitBatch(std::vector<Command> commands, BatchCallback callback);

    bool isUp() const noexcept;
    StorageHealth health() const;
    const RedisOptions& options() const noexcept;
    /// Waits (blocking) until the client is up or `limit` passed: for start-up and tests only.
    bool waitUntilUp(std::chrono::milliseconds limit) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace gb::gateway
