#include "gateway/storage/redis_client.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <deque>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <memory>
#include <mutex>
#include <optional>
#include <poll.h>
#include <sys/eventfd.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace gb::gateway {

namespace {

using SteadyClock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

RedisReply convert(const redisReply* r)
{
    RedisReply out;
    switch (r->type) {
    case REDIS_REPLY_STRING:
        out.type = RedisReply::Type::String;
        out.str.assign(r->str, r->len);
        break;
    case REDIS_REPLY_STATUS:
        out.type = RedisReply::Type::Status;
        out.str.assign(r->str, r->len);
        break;
    case REDIS_REPLY_ERROR:
        out.type = RedisReply::Type::Error;
        out.str.assign(r->str, r->len);
        break;
    case REDIS_REPLY_INTEGER:
        out.type = RedisReply::Type::Integer;
        out.integer = r->integer;
        break;
    case REDIS_REPLY_ARRAY:
        out.type = RedisReply::Type::Array;
        out.elements.reserve(r->elements);
        for (std::size_t i = 0; i < r->elements; ++i)
            out.elements.push_back(convert(r->element[i]));
        break;
    default:
        out.type = RedisReply::Type::Nil;
        break;
    }
    return out;
}

} // namespace

/// Everything the storage thread owns lives here. Members marked "storage thread" are touched by
/// that thread only; the inbox and the state are shared with submitters under `mutex`.
struct RedisClient::Impl
{
    struct Pending
    {
        Callback callback;
        Command command;
        SteadyClock::time_point deadline;
        bool internal = false; ///< handshake or heartbeat: not a caller's command
    };
    using PendingPtr = std::unique_ptr<Pending>;

    /// hiredis' event hooks for one context. Allocated when the context is made, freed by the
    /// cleanup hook (which hiredis calls on every path that frees the context).
    struct Hooks
    {
        Impl* impl;
        redisAsyncContext* context;
    };

    explicit Impl(RedisOptions o)
        : options(std::move(o))
        , backoff(options.backoffMin)
    {
        health.name = options.name;
        health.endpoint = options.host + ":" + std::to_string(options.port);
        health.since = std::chrono::system_clock::now();
        wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (wakeFd < 0)
            throw std::system_error(errno, std::generic_category(), "eventfd");
    }
    ~Impl()
    {
        if (wakeFd >= 0)
            ::close(wakeFd);
    }

    // ---- any thread ----------------------------------------------------------------------

    void enqueue(PendingPtr p)
    {
        p->deadline = SteadyClock::now() + options.timeout;
        RedisStatus failure = RedisStatus::Ok;
        bool wake = false;
        {
            std::lock_guard lock(mutex);
            const StorageState s = state.load(std::memory_order_relaxed);
            if (stopRequested || s == StorageState::Stopped)
                failure = RedisStatus::Stopped;
            else if (s == StorageState::Down)
                failure = RedisStatus::Unavailable;
            else if (outstanding.load(std::memory_order_relaxed) >= options.maxOutstanding)
                failure = RedisStatus::Overloaded;
            else {
                outstanding.fetch_add(1, std::memory_order_relaxed);
                inbox.push_back(std::move(p));
                wake = !wakePending;
                wakePending = true;
            }
        }
        if (failure != RedisStatus::Ok) {
            rejected.fetch_add(1, std::memory_order_relaxed);
            invoke(*p, RedisResult{failure, {}});
            return;
        }
        if (wake)
            signal();
    }

    void signal() const
    {
        const std::uint64_t one = 1;
        // A full counter (impossible in practice) still leaves the fd readable: nothing lost.
        [[maybe_unused]] const ssize_t n = ::write(wakeFd, &one, sizeof one);
    }

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

    // ---- storage thread ------------------------------------------------------------------

    void run()
    {
        connect();
        while (!stopRequested.load()) {
            afterHiredis();
            takeInbox();
            const auto now = SteadyClock::now();
            checkTimers(now);
            afterHiredis();

            pollfd fds[2] = {{wakeFd, POLLIN, 0}, {-1, 0, 0}};
            nfds_t count = 1;
            if (context != nullptr) {
                fds[1].fd = context->c.fd;
                fds[1].events =
                    static_cast<short>((wantRead ? POLLIN : 0) | (wantWrite ? POLLOUT : 0));
                count = 2;
            }
            const int n = ::poll(fds, count, pollTimeoutMs(SteadyClock::now()));
            if (n < 0) {
                if (errno != EINTR)
                    std::fprintf(stderr, "redis %s: poll: %s\n", options.name.c_str(),
                                 std::generic_category().message(errno).c_str());
                continue;
            }
            if (fds[0].revents != 0) {
                std::uint64_t value = 0;
                [[maybe_unused]] const ssize_t r = ::read(wakeFd, &value, sizeof value);
            }
            if (count == 2 && fds[1].revents != 0) {
                const short re = fds[1].revents;
                // Errors and hang-ups surface through a read: hiredis then frees the context.
                if (context != nullptr && (re & (POLLIN | POLLERR | POLLHUP)) != 0)
                    redisAsyncHandleRead(context);
                afterHiredis();
                if (context != nullptr && wantWrite && (re & (POLLOUT | POLLERR)) != 0)
                    redisAsyncHandleWrite(context);
            }
        }
        shutdown();
    }

    void connect()
    {
        reconnectAt.reset();
        lostHandled = false;
        lossPending = false;
        failStatus = RedisStatus::Unavailable;
        wantRead = wantWrite = false;
        redisAsyncContext* c = redisAsyncConnect(options.host.c_str(), options.port);
        if (c == nullptr) {
            lostHandled = true;
            connectFailed("cannot allocate a hiredis context");
            return;
        }
        if (c->err != 0) {
            const std::string reason = c->errstr;
            redisAsyncFree(c);
            lostHandled = true;
            connectFailed(reason);
            return;
        }
        context = c;
        c->data = this;
        auto* hooks = new Hooks{this, c};
        c->ev.data = hooks;
        c->ev.addRead = [](void* d) { static_cast<Hooks*>(d)->impl->wantRead = true; };
        c->ev.delRead = [](void* d) { static_cast<Hooks*>(d)->impl->wantRead = false; };
        c->ev.addWrite = [](void* d) { static_cast<Hooks*>(d)->impl->wantWrite = true; };
        c->ev.delWrite = [](void* d) { static_cast<Hooks*>(d)->impl->wantWrite = false; };
        c->ev.cleanup = &Impl::cleanupHook;
        // Setting the connect callback makes hiredis wait for writability: the connect's end.
        redisAsyncSetConnectCallback(c, [](const redisAsyncContext*, int) {});

        const auto deadline = SteadyClock::now() + options.connectTimeout;
        if (!options.password.empty())
            issueInternal({"AUTH", options.password}, deadline, "AUTH");
        if (options.database != 0)
            issueInternal({"SELECT", std::to_string(options.database)}, deadline, "SELECT");
        issueInternal({"PING"}, deadline, "PING", true);
    }

    void issueInternal(Command command, SteadyClock::time_point deadline, const char* what,
                       bool last = false)
    {
        auto p = std::make_unique<Pending>();
        p->internal = true;
        p->deadline = deadline;
        p->command = std::move(command);
        p->callback = [this, what, last](RedisResult r) {
            if (!r.ok())
                return; // the connection is being torn down already
            if (r.reply.isError()) {
                if (!lostHandled && !lossPending) {
                    lossPending = true;
                    lossReason = std::string(what) + " refused: " + r.reply.str;
                    lossStatus = RedisStatus::Unavailable;
                }
                return;
            }
            lastActivity = SteadyClock::now();
            if (last)
                upPending = true;
        };
        issue(std::move(p));
    }

    /// Hands one command to hiredis (storage thread).
    void issue(PendingPtr p)
    {
        if (context == nullptr) {
            finish(std::move(p), RedisResult{RedisStatus::Unavailable, {}});
            return;
        }
        const std::size_t argc = p->command.size();
        std::vector<const char*> argv(argc);
        std::vector<std::size_t> lengths(argc);
        for (std::size_t i = 0; i < argc; ++i) {
            argv[i] = p->command[i].data();
            lengths[i] = p->command[i].size();
        }
        Pending* raw = p.get();
        if (redisAsyncCommandArgv(context, &Impl::replyHook, raw, static_cast<int>(argc),
                                  argv.data(), lengths.data()) != REDIS_OK) {
            finish(std::move(p), RedisResult{RedisStatus::Unavailable, {}});
            return;
        }
        raw->command.clear(); // sent: the arguments are in hiredis' buffer now
        raw->command.shrink_to_fit();
        inflight.push_back(p.release());
    }

    static void replyHook(redisAsyncContext* c, void* reply, void* privdata)
    {
        static_cast<Impl*>(c->data)->replied(static_cast<Pending*>(privdata),
                                             static_cast<redisReply*>(reply));
    }

    static void cleanupHook(void* data)
    {
        auto* hooks = static_cast<Hooks*>(data);
        redisAsyncContext* c = hooks->context;
        Impl* self = hooks->impl;
        // hiredis versions differ on whether cleanup may run twice: make any later call a no-op.
        c->ev.addRead = c->ev.delRead = c->ev.addWrite = c->ev.delWrite = nullptr;
        c->ev.cleanup = nullptr;
        c->ev.data = nullptr;
        delete hooks;
        self->contextGone(c);
    }

    void replied(Pending* raw, redisReply* reply)
    {
        // Redis answers in order, and hiredis fails pending commands in order on teardown.
        if (!inflight.empty() && inflight.front() == raw)
            inflight.pop_front();
        else
            inflight.erase(std::remove(inflight.begin(), inflight.end(), raw), inflight.end());
        PendingPtr p(raw);
        RedisResult result;
        if (reply != nullptr) {
            result.status = RedisStatus::Ok;
            result.reply = convert(reply);
            lastActivity = SteadyClock::now();
            if (!p->internal)
                answered.fetch_add(1, std::memory_order_relaxed);
        } else {
            result.status = failStatus;
            if (failStatus == RedisStatus::Timeout && !p->internal)
                timeouts.fetch_add(1, std::memory_order_relaxed);
        }
        finish(std::move(p), std::move(result));
    }

    void finish(PendingPtr p, RedisResult result)
    {
        if (!p->internal)
            outstanding.fetch_sub(1, std::memory_order_relaxed);
        invoke(*p, std::move(result));
    }

    /// hiredis is freeing a context (its own error path, or our redisAsyncFree).
    void contextGone(redisAsyncContext* c)
    {
        wantRead = wantWrite = false;
        if (c != context)
            return; // ours: we freed it on purpose and have already recorded why
        context = nullptr;
        if (!lostHandled && !lossPending) {
            lossPending = true;
            lossReason = c->errstr[0] != '\0' ? c->errstr : "connection closed";
            lossStatus = RedisStatus::Unavailable;
        }
    }

    /// State changes requested from inside hiredis callbacks run here, once hiredis returned.
    void afterHiredis()
    {
        if (lossPending) {
            lossPending = false;
            lost(lossReason, lossStatus);
        }
        if (upPending) {
            upPending = false;
            if (!lostHandled)
                markUp();
        }
    }

    void lost(const std::string& reason, RedisStatus status)
    {
        if (lostHandled)
            return;
        lostHandled = true;
        if (context != nullptr) {
            failStatus = status;
            redisAsyncContext* c = context;
            context = nullptr;
            redisAsyncFree(c); // pending commands complete with `status`
        }
        failInflight(status);
        const bool wasUp = state.load() == StorageState::Up;
        {
            std::lock_guard lock(healthMutex);
            if (wasUp)
                ++health.disconnects;
            else
                ++health.connectFailures;
        }
        setDown(reason);
        scheduleReconnect();
    }

    void connectFailed(const std::string& reason)
    {
        {
            std::lock_guard lock(healthMutex);
            ++health.connectFailures;
        }
        setDown(reason);
        scheduleReconnect();
    }

    void failInflight(RedisStatus status)
    {
        while (!inflight.empty()) {
            PendingPtr p(inflight.front());
            inflight.pop_front();
            if (status == RedisStatus::Timeout && !p->internal)
                timeouts.fetch_add(1, std::memory_order_relaxed);
            finish(std::move(p), RedisResult{status, {}});
        }
    }

    void setDown(const std::string& reason)
    {
        std::deque<PendingPtr> waiting;
        StorageState previous;
        {
            std::lock_guard lock(mutex);
            previous = state.exchange(StorageState::Down);
            waiting.swap(inbox);
        }
        {
            std::lock_guard lock(healthMutex);
            health.lastError = reason;
            if (previous != StorageState::Down)
                health.since = std::chrono::system_clock::now();
        }
        if (previous != StorageState::Down && options.log)
            std::fprintf(stderr, "redis %s (%s): down: %s\n", options.name.c_str(),
                         health.endpoint.c_str(), reason.c_str());
        for (PendingPtr& p : waiting) {
            rejected.fetch_add(1, std::memory_order_relaxed);
            finish(std::move(p), RedisResult{RedisStatus::Unavailable, {}});
        }
    }

    void markUp()
    {
        StorageState previous;
        {
            std::lock_guard lock(mutex);
            previous = state.exchange(StorageState::Up);
        }
        backoff = options.backoffMin;
        {
            std::lock_guard lock(healthMutex);
            ++health.connects;
            health.since = std::chrono::system_clock::now();
        }
        if (previous == StorageState::Down && options.log)
            std::fprintf(stderr, "redis %s (%s): up again\n", options.name.c_str(),
                         health.endpoint.c_str());
    }

    void scheduleReconnect()
    {
        reconnectAt = SteadyClock::now() + backoff;
        backoff = std::min(backoff * 2, options.backoffMax);
    }

    /// Moves queued commands to hiredis once the connection is up.
    void takeInbox()
    {
        std::deque<PendingPtr> batch;
        {
            std::lock_guard lock(mutex);
            wakePending = false;
            if (state.load() != StorageState::Up || context == nullptr)
                return;
            batch.swap(inbox);
        }
        for (PendingPtr& p : batch)
            issue(std::move(p));
    }

    void checkTimers(SteadyClock::time_point now)
    {
        if (!inflight.empty() && inflight.front()->deadline <= now) {
            const bool connecting = state.load() != StorageState::Up;
            lost(connecting ? "no answer while connecting within " +
                                  std::to_string(options.connectTimeout.count()) + " ms"
                            : "no answer within " + std::to_string(options.timeout.count()) + " ms",
                 RedisStatus::Timeout);
        }
        std::deque<PendingPtr> expired;
        {
            std::lock_guard lock(mutex);
            while (!inbox.empty() && inbox.front()->deadline <= now) {
                expired.push_back(std::move(inbox.front()));
                inbox.pop_front();
            }
        }
        for (PendingPtr& p : expired) {
            timeouts.fetch_add(1, std::memory_order_relaxed);
            finish(std::move(p), RedisResult{RedisStatus::Timeout, {}});
        }
        if (reconnectAt && *reconnectAt <= now && context == nullptr)
            connect();
        if (now >= nextHeartbeat) {
            nextHeartbeat = now + options.heartbeat;
            if (state.load() == StorageState::Up && context != nullptr && inflight.empty() &&
                now - lastActivity >= options.heartbeat)
                issueInternal({"PING"}, now + options.timeout, "PING");
        }
    }

    int pollTimeoutMs(SteadyClock::time_point now)
    {
        SteadyClock::time_point next = nextHeartbeat;
        if (!inflight.empty())
            next = std::min(next, inflight.front()->deadline);
        if (reconnectAt)
            next = std::min(next, *reconnectAt);
        {
            std::lock_guard lock(mutex);
            if (!inbox.empty())
                next = std::min(next, inbox.front()->deadline);
        }
        if (next <= now)
            return 0;
        // Round up: waking a hair early would only spin once more.
        const auto wait = std::chrono::ceil<Ms>(next - now).count();
        return static_cast<int>(std::min<long long>(wait, 1000));
    }

    void shutdown()
    {
        lostHandled = true;
        if (context != nullptr) {
            failStatus = RedisStatus::Stopped;
            redisAsyncContext* c = context;
            context = nullptr;
            redisAsyncFree(c);
        }
        failInflight(RedisStatus::Stopped);
        failWaiting(RedisStatus::Stopped);
    }

    void failWaiting(RedisStatus status)
    {
        std::deque<PendingPtr> waiting;
        {
            std::lock_guard lock(mutex);
            state.store(StorageState::Stopped);
            waiting.swap(inbox);
        }
        for (PendingPtr& p : waiting)
            finish(std::move(p), RedisResult{status, {}});
    }

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

RedisClient::RedisClient(RedisOptions options)
    : m_impl(std::make_unique<Impl>(std::move(options)))
{}

RedisClient::~RedisClient()
{
    stop();
}

void RedisClient::start()
{
    std::lock_guard lock(m_impl->mutex);
    if (m_impl->started || m_impl->stopRequested.load())
        return;
    m_impl->started = true;
    m_impl->thread = std::thread([impl = m_impl.get()] { impl->run(); });
}

void RedisClient::stop()
{
    bool joinable = false;
    {
        std::lock_guard lock(m_impl->mutex);
        if (m_impl->stopRequested.exchange(true) && !m_impl->thread.joinable())
            return;
        joinable = m_impl->thread.joinable();
    }
    if (joinable) {
        m_impl->signal();
        m_impl->thread.join();
    } else {
        m_impl->failWaiting(RedisStatus::Stopped); // never started: nothing but the inbox
    }
}

void RedisClient::submit(Command command, Callback callback)
{
    auto p = std::make_unique<Impl::Pending>();
    p->command = std::move(command);
    p->callback = std::move(callback);
    m_impl->enqueue(std::move(p));
}

void RedisClient::submitBatch(std::vector<Command> commands, BatchCallback callback)
{
    if (commands.empty()) {
        callback({});
        return;
    }
    // Results are collected on the storage thread (or inline when the batch fails at once: then
    // every command fails in submit(), one after the other, on the caller's thread).
    struct Batch
    {
        std::vector<RedisResult> results;
        std::atomic<std::size_t> left;
        BatchCallback callback;
    };
    auto batch = std::make_shared<Batch>();
    batch->results.resize(commands.size());
    batch->left = commands.size();
    batch->callback = std::move(callback);
    for (std::size_t i = 0; i < commands.size(); ++i) {
        submit(std::move(commands[i]), [batch, i](RedisResult r) {
            batch->results[i] = std::move(r);
            if (batch->left.fetch_sub(1, std::memory_order_acq_rel) == 1)
                batch->callback(std::move(batch->results));
        });
    }
}

bool RedisClient::isUp() const noexcept
{
    return m_impl->state.load(std::memory_order_relaxed) == StorageState::Up;
}

StorageHealth RedisClient::health() const
{
    StorageHealth h;
    {
        std::lock_guard lock(m_impl->healthMutex);
        h = m_impl->health;
    }
    h.state = m_impl->state.load();
    h.commands = m_impl->answered.load(std::memory_order_relaxed);
    h.timeouts = m_impl->timeouts.load(std::memory_order_relaxed);
    h.rejected = m_impl->rejected.load(std::memory_order_relaxed);
    return h;
}

const RedisOptions& RedisClient::options() const noexcept
{
    return m_impl->options;
}

bool RedisClient::waitUntilUp(std::chrono::milliseconds limit) const
{
    const auto end = SteadyClock::now() + limit;
    while (!isUp()) {
        if (SteadyClock::now() >= end)
            return false;
        std::this_thread::sleep_for(Ms(2));
    }
    return true;
}

} // namespace gb::gateway
