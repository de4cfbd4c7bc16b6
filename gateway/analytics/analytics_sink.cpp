#include "gateway/analytics/analytics_sink.h"

#include "common/sys/thread_name.h"
#include "gateway/analytics/analytics_json.h"
#include "gateway/analytics/analytics_msgpack.h"
#include "gateway/config/api_definition.h"
#include "gateway/storage/redis_client.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <future>
#include <iterator>

namespace gb::gateway {

namespace {

using SteadyClock = std::chrono::steady_clock;

} // namespace

RecordRing::RecordRing(std::size_t capacity)
    : m_capacity(std::bit_ceil(std::max<std::size_t>(capacity, 2)))
    , m_mask(m_capacity - 1)
    , m_slots(std::make_unique<AnalyticsRecord[]>(m_capacity))
{}

AnalyticsRecorder::AnalyticsRecorder(AnalyticsSink& sink, std::size_t capacity, std::size_t wakeAt)
    : m_sink(sink)
    , m_ring(capacity)
    , m_wakeAt(std::max<std::size_t>(1, wakeAt))
{}

bool AnalyticsRecorder::ignored(std::string_view clientIp) const
{
    const auto& ips = m_sink.options().ignoredIps;
    return std::find(ips.begin(), ips.end(), clientIp) != ips.end();
}

std::uint32_t AnalyticsRecorder::apiRef(const ApiDefinition& api)
{
    const auto it = m_apis.find(&api);
    if (it != m_apis.end() && sameIdentity(it->second.identity, api))
        return it->second.ref;
    if (m_apis.size() >= 4096)
        m_apis.clear(); // many reloads: start over rather than grow
    ApiIdentity identity = apiIdentity(api);
    const std::uint32_t ref = m_sink.identities().internApi(identity);
    m_apis[&api] = CachedApi{std::move(identity), ref};
    return ref;
}

std::uint32_t AnalyticsRecorder::keyRef(std::string_view keyHash, std::string_view alias,
                                        std::string_view orgId,
                                        const std::vector<std::string>& tags)
{
    return m_sink.identities().internKey(keyHash, alias, orgId, tags);
}

void AnalyticsRecorder::record(const AnalyticsRecord& record) noexcept
{
    const std::uint64_t n = m_recorded.load(std::memory_order_relaxed) + 1;
    m_recorded.store(n, std::memory_order_relaxed);
    if (!m_ring.push(record)) {
        m_dropped.store(m_dropped.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        return;
    }
    if (n % m_wakeAt == 0)
        m_sink.wake();
}

AnalyticsSink::AnalyticsSink(AnalyticsOptions options, RedisClient& client, int workers)
    : m_options(std::move(options))
    , m_client(client)
{
    m_options.recordsBufferSize = std::max<std::size_t>(1, m_options.recordsBufferSize);
    m_options.valuesPerPush = std::max<std::size_t>(1, m_options.valuesPerPush);
    const std::size_t capacity = m_options.ringCapacity != 0
                                     ? m_options.ringCapacity
                                     : std::max<std::size_t>(4096, 8 * m_options.recordsBufferSize);
    const auto count = static_cast<std::size_t>(std::max(1, workers));
    const std::size_t wakeAt = std::max<std::size_t>(1, m_options.recordsBufferSize / count);
    for (std::size_t i = 0; i < count; ++i)
        m_recorders.push_back(
            std::unique_ptr<AnalyticsRecorder>(new AnalyticsRecorder(*this, capacity, wakeAt)));
}

AnalyticsSink::~AnalyticsSink()
{
    stop();
}

void AnalyticsSink::start()
{
    if (!m_thread.joinable())
        m_thread = std::thread([this] {
            nameThisThread("analytics");
            run();
        });
}

void AnalyticsSink::stop(std::chrono::milliseconds flushLimit)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping && !m_thread.joinable())
            return;
        m_stopping = true;
        m_flushLimit = flushLimit;
    }
    m_cv.notify_one();
    if (m_thread.joinable())
        m_thread.join();
}

void AnalyticsSink::wake()
{
    {
        std::lock_guard lock(m_mutex);
        m_wakeRequested = true;
    }
    m_cv.notify_one();
}

AnalyticsSink::Stats AnalyticsSink::stats() const
{
    Stats s;
    for (const auto& r : m_recorders) {
        s.recorded += r->m_recorded.load(std::memory_order_relaxed);
        s.dropped += r->m_dropped.load(std::memory_order_relaxed);
        s.pending += r->m_ring.size();
    }
    s.written = m_written.load();
    s.dropped += m_droppedByWriter.load();
    s.pending += m_retrySize.load();
    s.batches = m_batches.load();
    s.failedWrites = m_failedWrites.load();
    return s;
}

void AnalyticsSink::run()
{
    std::uint64_t ringDropsSeen = 0;
    for (;;) {
        bool stopping = false;
        std::chrono::milliseconds flushLimit{0};
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait_for(lock, m_options.flushInterval,
                          [this] { return m_wakeRequested || m_stopping; });
            m_wakeRequested = false;
            stopping = m_stopping;
            flushLimit = m_flushLimit;
        }
        // Drops at the rings happen on workers, which must not log: report them from here.
        std::uint64_t ringDrops = 0;
        for (const auto& r : m_recorders)
            ringDrops += r->m_dropped.load(std::memory_order_relaxed);
        if (ringDrops > ringDropsSeen) {
            m_dropsSinceLog += ringDrops - ringDropsSeen;
            ringDropsSeen = ringDrops;
            drop(0, "a worker's buffer was full");
        }
        if (!stopping) {
            writeOnce(false);
            continue;
        }
        const auto deadline = SteadyClock::now() + flushLimit;
        while (!writeOnce(true) && SteadyClock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (!m_retry.empty()) {
            const auto n = m_retry.size();
            m_retry.clear();
            m_retrySize.store(0);
            m_lastDropLog = {}; // say it now: this is the last chance
            drop(n, "Redis unavailable at shutdown");
        }
        return;
    }
}

void AnalyticsSink::drop(std::uint64_t n, const char* why)
{
    m_droppedByWriter.fetch_add(n);
    m_dropsSinceLog += n;
    const auto now = SteadyClock::now();
    if (m_dropsSinceLog == 0 || now - m_lastDropLog < std::chrono::seconds(10))
        return;
    if (m_options.log)
        std::fprintf(stderr, "analytics: dropped %llu records (%s); %llu dropped in total\n",
                     static_cast<unsigned long long>(m_dropsSinceLog), why,
                     static_cast<unsigned long long>(stats().dropped));
    m_dropsSinceLog = 0;
    m_lastDropLog = now;
}

void AnalyticsSink::serializeQueued(std::vector<std::string>& into, std::size_t heldElsewhere)
{
    std::unordered_map<std::uint32_t, const ApiIdentity*> apis;
    std::unordered_map<std::uint32_t, const KeyIdentity*> keys;
    std::uint64_t overflow = 0;
    for (const auto& recorder : m_recorders) {
        recorder->m_ring.drain(
            [&](const AnalyticsRecord& r) {
                if (heldElsewhere + into.size() >= m_options.retryCapacity) {
                    ++overflow;
                    return;
                }
                auto a = apis.find(r.apiRef);
                if (a == apis.end())
                    a = apis.emplace(r.apiRef, m_identities.api(r.apiRef)).first;
                auto k = keys.find(r.keyRef);
                if (k == keys.end())
                    k = keys.emplace(r.keyRef, m_identities.key(r.keyRef)).first;
                const RecordValues values = recordValues(r, a->second, k->second);
                std::string encoded; // the msgpack encoder sizes it once; JSON grows
                if (m_options.encoding == AnalyticsEncoding::Msgpack) {
                    appendRecordMsgpack(encoded, values);
                } else {
                    encoded.reserve(768);
                    appendRecordJson(encoded, values);
                }
                into.push_back(std::move(encoded));
            },
            SIZE_MAX);
    }
    m_retrySize.store(heldElsewhere + into.size());
    if (overflow > 0)
        drop(overflow, "Redis unavailable or stalled, retry buffer full");
}

bool AnalyticsSink::writeOnce(bool final)
{
    // Serialize what the workers queued, after what is already waiting.
    std::vector<std::string>& batch = m_retry;
    serializeQueued(batch, 0);
    if (batch.empty())
        return true;
    if (!m_client.isUp() && !final)
        return false; // keep them (bounded) until Redis is back

    std::vector<RedisClient::Command> commands;
    std::vector<std::pair<std::size_t, std::size_t>> ranges; // [first, last) of each command
    for (std::size_t first = 0; first < batch.size(); first += m_options.valuesPerPush) {
        const std::size_t last = std::min(batch.size(), first + m_options.valuesPerPush);
        RedisClient::Command c;
        c.reserve(2 + last - first);
        c.emplace_back("RPUSH");
        c.push_back(m_options.listKey);
        for (std::size_t i = first; i < last; ++i)
            c.push_back(batch[i]); // a copy: a failed command's records are written again later
        commands.push_back(std::move(c));
        ranges.emplace_back(first, last);
    }
    auto promise = std::make_shared<std::promise<std::vector<RedisResult>>>();
    auto future = promise->get_future();
    m_client.submitBatch(std::move(commands), [promise](std::vector<RedisResult> r) {
        promise->set_value(std::move(r));
    });
    // The client answers every command within its timeout; the margin covers scheduling. While
    // Redis takes its time (a stall), the rings keep being emptied into `later`, behind this
    // batch and within the retry buffer's bound, so the workers' rings do not overflow.
    const auto deadline = SteadyClock::now() + m_client.options().timeout + std::chrono::seconds(1);
    std::vector<std::string> later;
    while (future.wait_for(m_options.flushInterval) != std::future_status::ready) {
        serializeQueued(later, batch.size());
        if (SteadyClock::now() >= deadline) {
            m_failedWrites.fetch_add(1);
            std::move(later.begin(), later.end(), std::back_inserter(batch));
            return false; // everything stays in the retry buffer
        }
    }
    const std::vector<RedisResult> results = future.get();
    std::vector<std::string> failed;
    std::uint64_t written = 0;
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        const bool ok = i < results.size() && results[i].ok() && results[i].reply.isInteger();
        if (ok) {
            written += ranges[i].second - ranges[i].first;
            continue;
        }
        for (std::size_t j = ranges[i].first; j < ranges[i].second; ++j)
            failed.push_back(std::move(batch[j]));
    }
    m_written.fetch_add(written);
    if (failed.empty())
        m_batches.fetch_add(1);
    else
        m_failedWrites.fetch_add(1);
    // The failed records are older than those that came in meanwhile: they go first.
    std::move(later.begin(), later.end(), std::back_inserter(failed));
    batch = std::move(failed);
    m_retrySize.store(batch.size());
    return batch.empty();
}

} // namespace gb::gateway
