#include "gateway/ratelimit/distributed_limiter.h"

#include "gateway/storage/clock.h"
#include "gateway/storage/redis_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <openssl/sha.h>

namespace gb::gateway {

namespace {

// KEYS[1] counter; ARGV limit, period (ms), tokens wanted. Returns {granted, used, ttl ms}.
// Reading and granting in one script makes the grant atomic across gateways; the PEXPIRE in the
// same script means a counter can never be left without an expiry (a window that never ends).
constexpr std::string_view kScript = R"lua(
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local grant = limit - used
if grant > want then grant = want end
if grant < 0 then grant = 0 end
if grant > 0 then used = redis.call('INCRBY', KEYS[1], grant) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  if used > 0 then redis.call('PEXPIRE', KEYS[1], period) end
  ttl = period
end
return {grant, used, ttl}
)lua";

std::string sha1Hex(std::string_view text)
{
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : digest) {
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 0x0f]);
    }
    return out;
}

std::uint64_t asCount(long long v)
{
    return v < 0 ? 0 : static_cast<std::uint64_t>(v);
}

} // namespace

struct DistributedWindowLimiter::Waiter
{
    boost::asio::io_context* io;
    Callback callback;
};

/// This node's share of one key's current window. Guarded by its mutex; held by shared_ptr so a
/// grant arriving on the storage thread finds it even if it was swept meanwhile.
struct DistributedWindowLimiter::Lease
{
    std::mutex mutex;
    std::string redisKey;
    WindowSpec spec;
    std::int64_t windowEnd = 0;  ///< steady ms at which the Redis window ends
    std::uint64_t tokens = 0;    ///< granted to this node, not yet used
    std::uint64_t knownUsed = 0; ///< the window's counter after our last grant
    bool exhausted = false;      ///< Redis has no more tokens in this window
    /// Admitted by this node without a lease (Redis late or down), not yet paid for with
    /// granted tokens: the next grants pay it first, so Redis's counter learns of them.
    std::uint64_t unsettled = 0;
    bool refilling = false;
    std::int64_t refillSentMs = 0; ///< steady ms the outstanding refill was asked for
    std::vector<Waiter> waiters;
};

DistributedWindowLimiter::DistributedWindowLimiter(RedisClient& client, const Clock& clock,
                                                   std::string keyPrefix,
                                                   DistributedLimiterOptions options)
    : m_client(client)
    , m_clock(clock)
    , m_prefix(std::move(keyPrefix))
    , m_options(options)
    , m_scriptSha(sha1Hex(kScript))
{}

DistributedWindowLimiter::~DistributedWindowLimiter() = default;

std::string_view DistributedWindowLimiter::script() noexcept
{
    return kScript;
}

DistributedWindowLimiter::Stats DistributedWindowLimiter::stats() const noexcept
{
    std::uint64_t fallbackMs = m_fallbackMs.load(std::memory_order_relaxed);
    if (const std::int64_t since = m_fallbackSince.load(std::memory_order_relaxed); since != 0)
        fallbackMs +=
            static_cast<std::uint64_t>(std::max<std::int64_t>(0, m_clock.steadyMs() - since));
    return {m_leases.load(std::memory_order_relaxed), m_waits.load(std::memory_order_relaxed),
            m_fallbacks.load(std::memory_order_relaxed), fallbackMs};
}

std::uint64_t DistributedWindowLimiter::leaseSize(const WindowSpec& spec) const noexcept
{
    const double share = std::floor(static_cast<double>(spec.limit) * m_options.leaseFraction);
    return std::clamp<std::uint64_t>(static_cast<std::uint64_t>(std::max(share, 1.0)), 1,
                                     std::max<std::uint64_t>(1, m_options.maxLease));
}

void DistributedWindowLimiter::endWindowIfOver(Lease& lease, std::int64_t now) noexcept
{
    if (now < lease.windowEnd)
        return;
    lease.tokens = 0;
    lease.knownUsed = 0;
    lease.exhausted = false;
    lease.unsettled = 0; // admitted in a window that is over: nothing left to pay for
}

WindowDecision DistributedWindowLimiter::decideWithoutLease(Lease& lease, const WindowSpec& spec,
                                                            std::int64_t now)
{
    m_fallbacks.fetch_add(1, std::memory_order_relaxed);
    std::int64_t none = 0;
    m_fallbackSince.compare_exchange_strong(none, std::max<std::int64_t>(1, now),
                                            std::memory_order_relaxed);
    endWindowIfOver(lease, now);
    if (lease.windowEnd <= now)
        lease.windowEnd = now + spec.periodMs; // this node's own window until Redis names one
    // Spend what the last grant said was left in the window, no more: near the window's end,
    // when the other nodes are taking the same last tokens, a late lease then admits few
    // requests beyond the limit, not a whole window's worth.
    const std::uint64_t left = spec.limit - std::min(spec.limit, lease.knownUsed);
    WindowDecision out;
    out.limit = spec.limit;
    out.resetInMs = lease.windowEnd - now;
    out.allowed = lease.unsettled < left;
    if (out.allowed) {
        ++lease.unsettled;
        out.remaining = left - lease.unsettled;
    }
    return out;
}

WindowDecision DistributedWindowLimiter::decideLocally(std::string_view key, const WindowSpec& spec)
{
    const LeasePtr lease = leaseFor(key);
    std::lock_guard lock(lease->mutex);
    lease->spec = spec;
    return decideWithoutLease(*lease, spec, m_clock.steadyMs());
}

DistributedWindowLimiter::LeasePtr DistributedWindowLimiter::leaseFor(std::string_view key)
{
    Shard& shard = m_shards[(StringHash{}(key) >> 40) % kShards];
    {
        std::shared_lock lock(shard.mutex);
        const auto it = shard.leases.find(key);
        if (it != shard.leases.end())
            return it->second;
    }
    std::unique_lock lock(shard.mutex);
    if (shard.leases.size() >= shard.sweepAt) {
        const std::int64_t now = m_clock.steadyMs();
        std::erase_if(shard.leases, [now](const auto& entry) {
            Lease& l = *entry.second;
            std::lock_guard leaseLock(l.mutex);
            return l.windowEnd <= now && !l.refilling && l.waiters.empty();
        });
        shard.sweepAt = std::max<std::size_t>(1024, shard.leases.size() * 2);
    }
    auto [it, inserted] = shard.leases.try_emplace(std::string(key), nullptr);
    if (inserted) {
        it->second = std::make_shared<Lease>();
        it->second->redisKey = m_prefix + std::string(key);
    }
    return it->second;
}

DistributedWindowLimiter::Step DistributedWindowLimiter::decideLocked(Lease& lease,
                                                                      const WindowSpec& spec,
                                                                      WindowDecision& out,
                                                                      std::uint64_t& want)
{
    const std::int64_t now = m_clock.steadyMs();
    endWindowIfOver(lease, now);
    if (lease.spec.limit != spec.limit || lease.spec.periodMs != spec.periodMs)
        lease.exhausted = false; // a changed limit (a key or policy updated): ask Redis again
    lease.spec = spec;
    if (lease.tokens > 0) {
        --lease.tokens;
        out.allowed = true;
        out.limit = spec.limit;
        out.remaining = spec.limit - std::min(spec.limit, lease.knownUsed) + lease.tokens;
        out.resetInMs = lease.windowEnd - now;
        // Prefetch the next lease while half of this one is left, so that steady traffic never
        // waits for Redis.
        const std::uint64_t size = leaseSize(spec);
        if (!lease.refilling && !lease.exhausted && lease.tokens <= size / 2 && m_client.isUp()) {
            lease.refilling = true;
            lease.refillSentMs = now;
            want = size + lease.unsettled;
        }
        return Step::Decided;
    }
    if (lease.exhausted) {
        out.allowed = false;
        out.limit = spec.limit;
        out.remaining = 0;
        out.resetInMs = lease.windowEnd - now;
        return Step::Decided;
    }
    // Known down: no point queueing behind a round trip that fails. Late: the lease will not
    // come within the budget (a stalled Redis).
    const bool down = !m_client.isUp() && !lease.refilling;
    const bool late = lease.refilling && now - lease.refillSentMs >= m_options.waitBudgetMs;
    if (down || late) {
        out = decideWithoutLease(lease, spec, now);
        return Step::Decided;
    }
    return Step::Wait;
}

bool DistributedWindowLimiter::tryHit(std::string_view key, const WindowSpec& spec,
                                      WindowDecision& out)
{
    const LeasePtr lease = leaseFor(key);
    std::uint64_t want = 0;
    Step step;
    {
        std::lock_guard lock(lease->mutex);
        step = decideLocked(*lease, spec, out, want);
    }
    // Outside the lease's lock: submit() may complete inline (client down) and take it again.
    if (want > 0)
        refill(lease, want);
    return step == Step::Decided;
}

void DistributedWindowLimiter::hitLater(std::string_view key, const WindowSpec& spec,
                                        boost::asio::io_context& io, Callback later)
{
    const LeasePtr lease = leaseFor(key);
    std::uint64_t want = 0;
    WindowDecision out;
    Step step;
    {
        std::lock_guard lock(lease->mutex);
        step = decideLocked(*lease, spec, out, want);
        if (step == Step::Wait) {
            m_waits.fetch_add(1, std::memory_order_relaxed);
            lease->waiters.push_back(Waiter{&io, std::move(later)});
            if (!lease->refilling) {
                lease->refilling = true;
                lease->refillSentMs = m_clock.steadyMs();
                want = std::max<std::uint64_t>(leaseSize(spec), lease->waiters.size()) +
                       lease->unsettled;
            }
        }
    }
    if (want > 0)
        refill(lease, want);
    if (step == Step::Wait)
        return;
    // Decided after all (the state moved since tryHit): still answer through the loop, as
    // promised to the caller.
    boost::asio::post(io, [cb = std::move(later), out]() mutable { cb(out); });
}

bool DistributedWindowLimiter::hit(std::string_view key, const WindowSpec& spec,
                                   WindowDecision& out, boost::asio::io_context& io,
                                   Callback&& later)
{
    if (tryHit(key, spec, out))
        return true;
    hitLater(key, spec, io, std::move(later));
    return false;
}

void DistributedWindowLimiter::refill(const LeasePtr& lease, std::uint64_t want)
{
    WindowSpec spec;
    {
        std::lock_guard lock(lease->mutex);
        spec = lease->spec;
    }
    m_leases.fetch_add(1, std::memory_order_relaxed);
    RedisClient::Command evalsha{"EVALSHA",
                                 m_scriptSha,
                                 "1",
                                 lease->redisKey,
                                 std::to_string(spec.limit),
                                 std::to_string(spec.periodMs),
                                 std::to_string(want)};
    m_client.submit(std::move(evalsha), [this, lease, spec, want](RedisResult r) {
        if (r.ok() && r.reply.isError() && r.reply.str.rfind("NOSCRIPT", 0) == 0) {
            // The script cache is empty (a restarted Redis): send the script itself once.
            m_client.submit({"EVAL", std::string(kScript), "1", lease->redisKey,
                             std::to_string(spec.limit), std::to_string(spec.periodMs),
                             std::to_string(want)},
                            [this, lease](RedisResult again) {
                                const RedisReply& a = again.reply;
                                const bool ok = again.ok() && a.type == RedisReply::Type::Array &&
                                                a.elements.size() == 3;
                                onGrant(lease, ok, ok ? asCount(a.elements[0].integer) : 0,
                                        ok ? asCount(a.elements[1].integer) : 0,
                                        ok ? a.elements[2].integer : 0);
                            });
            return;
        }
        const RedisReply& a = r.reply;
        const bool ok = r.ok() && a.type == RedisReply::Type::Array && a.elements.size() == 3;
        if (r.ok() && !ok)
            std::fprintf(stderr, "rate limiter: unexpected reply from Redis: %s\n", a.str.c_str());
        onGrant(lease, ok, ok ? asCount(a.elements[0].integer) : 0,
                ok ? asCount(a.elements[1].integer) : 0, ok ? a.elements[2].integer : 0);
    });
}

void DistributedWindowLimiter::onGrant(const LeasePtr& lease, bool ok, std::uint64_t granted,
                                       std::uint64_t used, std::int64_t ttlMs)
{
    std::vector<std::pair<Waiter, WindowDecision>> ready;
    std::uint64_t again = 0;
    {
        std::lock_guard lock(lease->mutex);
        lease->refilling = false;
        const std::int64_t now = m_clock.steadyMs();
        const WindowSpec spec = lease->spec;
        if (ok) {
            // Redis answers again: the time decided locally ends here.
            if (const std::int64_t since = m_fallbackSince.exchange(0, std::memory_order_relaxed);
                since != 0)
                m_fallbackMs.fetch_add(
                    static_cast<std::uint64_t>(std::max<std::int64_t>(0, now - since)),
                    std::memory_order_relaxed);
            const std::int64_t end = now + std::max<std::int64_t>(ttlMs, 1);
            // Same Redis window as the tokens in hand? Their ends agree up to a round trip;
            // a window that ended and restarted in Redis ends about a period later.
            const bool sameWindow =
                now < lease->windowEnd && std::llabs(end - lease->windowEnd) <= spec.periodMs / 2;
            lease->tokens = sameWindow ? lease->tokens + granted : granted;
            lease->windowEnd = end;
            lease->knownUsed = used;
            lease->exhausted = used >= spec.limit;
            // Requests admitted without a lease in this window are paid for first; what cannot
            // be paid (the window used up meanwhile) is what the late lease cost in accuracy.
            // Those of a window of the node's own that Redis's window hardly overlaps (after a
            // long stall) are not charged to it: that would refuse a window's worth for nothing.
            if (!sameWindow)
                lease->unsettled = 0;
            const std::uint64_t paid = std::min(lease->tokens, lease->unsettled);
            lease->tokens -= paid;
            lease->unsettled -= paid;
            while (!lease->waiters.empty()) {
                WindowDecision d;
                d.limit = spec.limit;
                d.resetInMs = lease->windowEnd - now;
                if (lease->tokens > 0) {
                    --lease->tokens;
                    d.allowed = true;
                    d.remaining =
                        spec.limit - std::min(spec.limit, lease->knownUsed) + lease->tokens;
                } else if (lease->exhausted) {
                    d.allowed = false;
                } else {
                    break; // more waiters than the grant: ask again below
                }
                ready.emplace_back(std::move(lease->waiters.front()), d);
                lease->waiters.erase(lease->waiters.begin());
            }
            if (!lease->waiters.empty() || (lease->unsettled > 0 && !lease->exhausted)) {
                lease->refilling = true;
                lease->refillSentMs = now;
                again = std::max<std::uint64_t>(leaseSize(spec), lease->waiters.size()) +
                        lease->unsettled;
            }
        } else {
            // Redis could not answer: these requests are decided by this node alone.
            for (Waiter& w : lease->waiters)
                ready.emplace_back(std::move(w), decideWithoutLease(*lease, spec, now));
            lease->waiters.clear();
        }
    }
    for (auto& [waiter, decision] : ready) {
        boost::asio::post(*waiter.io,
                          [cb = std::move(waiter.callback), decision]() mutable { cb(decision); });
    }
    if (again > 0)
        refill(lease, again);
}

void DistributedWindowLimiter::usage(std::string_view key,
                                     UniqueFunction<void(std::optional<WindowUsage>)> done)
{
    const std::string redisKey = m_prefix + std::string(key);
    m_client.submitBatch({{"GET", redisKey}, {"PTTL", redisKey}},
                         [done = std::move(done)](std::vector<RedisResult> r) mutable {
                             if (r.size() != 2 || !r[0].ok() || !r[1].ok() ||
                                 r[0].reply.isError() || !r[1].reply.isInteger()) {
                                 done(std::nullopt);
                                 return;
                             }
                             WindowUsage u;
                             if (r[0].reply.isString())
                                 u.used = std::strtoull(r[0].reply.str.c_str(), nullptr, 10);
                             u.resetInMs = std::max<long long>(0, r[1].reply.integer);
                             done(u);
                         });
}

void DistributedWindowLimiter::reset(std::string_view key, UniqueFunction<void(bool ok)> done)
{
    const LeasePtr lease = leaseFor(key);
    {
        std::lock_guard lock(lease->mutex);
        lease->tokens = 0;
        lease->knownUsed = 0;
        lease->exhausted = false;
        lease->unsettled = 0;
        lease->windowEnd = 0;
    }
    m_client.submit({"DEL", lease->redisKey}, [done = std::move(done)](RedisResult r) mutable {
        done(r.ok() && !r.reply.isError());
    });
}

} // namespace gb::gateway
