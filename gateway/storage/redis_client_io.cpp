// RedisClient's storage thread and hiredis: the poll loop, connecting, commands, reply hooks.
#include "gateway/storage/redis_client_impl.h"

#include <cerrno>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace gb::gateway {

namespace {

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

/// hiredis' event hooks for one context. Allocated when the context is made, freed by the
/// cleanup hook (which hiredis calls on every path that frees the context).
struct RedisClient::Impl::Hooks
{
    Impl* impl;
    redisAsyncContext* context;
};

void RedisClient::Impl::run()
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
            fds[1].events = static_cast<short>((wantRead ? POLLIN : 0) | (wantWrite ? POLLOUT : 0));
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

void RedisClient::Impl::connect()
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

void RedisClient::Impl::issueInternal(Command command, SteadyClock::time_point deadline,
                                      const char* what, bool last)
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

void RedisClient::Impl::issue(PendingPtr p)
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
    if (redisAsyncCommandArgv(context, &Impl::replyHook, raw, static_cast<int>(argc), argv.data(),
                              lengths.data()) != REDIS_OK) {
        finish(std::move(p), RedisResult{RedisStatus::Unavailable, {}});
        return;
    }
    raw->command.clear(); // sent: the arguments are in hiredis' buffer now
    raw->command.shrink_to_fit();
    inflight.push_back(p.release());
}

void RedisClient::Impl::replyHook(redisAsyncContext* c, void* reply, void* privdata)
{
    static_cast<Impl*>(c->data)->replied(static_cast<Pending*>(privdata),
                                         static_cast<redisReply*>(reply));
}

void RedisClient::Impl::cleanupHook(void* data)
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

void RedisClient::Impl::replied(Pending* raw, redisReply* reply)
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

void RedisClient::Impl::contextGone(redisAsyncContext* c)
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

void RedisClient::Impl::dropContext(RedisStatus status)
{
    if (context != nullptr) {
        failStatus = status;
        redisAsyncContext* c = context;
        context = nullptr;
        redisAsyncFree(c); // pending commands complete with `status`
    }
}

} // namespace gb::gateway
