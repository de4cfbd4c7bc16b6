#pragma once

#include "gateway/analytics/analytics_identities.h"
#include "gateway/analytics/analytics_record.h"
#include "gateway/analytics/record_ring.h"
#include "gateway/keys/storage_keys.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace gb::gateway {

class RedisClient;
struct ApiDefinition;
class AnalyticsSink;

/// How records are encoded: as Tyk does for tyk-pump, or JSON (ours, for reading by eye).
enum class AnalyticsEncoding : std::uint8_t
{
    Msgpack,
    Json,
};

struct AnalyticsOptions
{
    /// A batch is written when this many records wait (tyk.conf records_buffer_size) ...
    std::size_t recordsBufferSize = 1000;
    /// ... or at the latest this long after the previous write.
    std::chrono::milliseconds flushInterval{200};
    /// Records a worker can hold before the writer takes them; 0 = 8 x recordsBufferSize, at
    /// least 4096 (about 2.5 MB per worker at the default).
    std::size_t ringCapacity = 0;
    /// Records kept while Redis is down; beyond that they are dropped and counted.
    std::size_t retryCapacity = 100'000;
    std::vector<std::string> ignoredIps; ///< analytics_config.ignored_ips
    AnalyticsEncoding encoding = AnalyticsEncoding::Msgpack;
    /// Tyk's list plus the serializer's suffix (gateway/analytics.go:151-157): none for msgpack;
    /// "_json" for ours, so that a tyk-pump never reads a record it cannot decode.
    std::string listKey{storage_keys::kAnalyticsList};
    std::size_t valuesPerPush = 500; ///< RPUSH arguments per command; commands are pipelined
    bool log = true;
};

/// A worker's handle on the analytics pipeline. Owned by the sink; used by one worker thread
/// only (the ring is single-producer). Recording never blocks and never allocates.
class AnalyticsRecorder
{
public:
    /// analytics_config.ignored_ips: requests from these addresses are not recorded.
    bool ignored(std::string_view clientIp) const;
    /// The interned ref of an API, cached per definition object (checked against its fields, so
    /// a reloaded definition at a recycled address is not mistaken for the old one).
    std::uint32_t apiRef(const ApiDefinition& api);
    /// Interned ref of a key's identity; cache it (e.g. in CachedSession::analyticsRef).
    std::uint32_t keyRef(std::string_view keyHash, std::string_view alias, std::string_view orgId,
                         const std::vector<std::string>& tags);
    /// Queues the record for the writer; when the ring is full the record is dropped and
    /// counted. Wakes the writer early once recordsBufferSize records wait.
    void record(const AnalyticsRecord& record) noexcept;

private:
    friend class AnalyticsSink;
    AnalyticsRecorder(AnalyticsSink& sink, std::size_t capacity, std::size_t wakeAt);

    struct CachedApi
    {
        ApiIdentity identity;
        std::uint32_t ref = 0;
    };

    AnalyticsSink& m_sink;
    RecordRing m_ring;
    std::size_t m_wakeAt;
    std::unordered_map<const ApiDefinition*, CachedApi> m_apis;
    std::atomic<std::uint64_t> m_recorded{0}; ///< single writer: this worker
    std::atomic<std::uint64_t> m_dropped{0};  ///< single writer: this worker
};

/// Analytics to Redis, off the request path: workers copy fixed-size records into their own
/// rings; one writer thread encodes them (as Tyk does: msgpack for tyk-pump) and appends them to
/// the Redis list with pipelined RPUSH batches, at most every flushInterval or as soon as
/// recordsBufferSize records wait. While Redis is down or stalled, serialized records wait in a
/// bounded retry buffer (retryCapacity, 100,000 by default) and are written once it is back, in
/// order; what does not fit is dropped, counted in
/// stats() and logged (at most one line per 10 s). Nothing is dropped while Redis is up and
/// keeps pace. stop() flushes.
///
/// Threads: construct and start/stop on one thread; recorder(i) belongs to worker i; stats()
/// from any thread. The RedisClient must outlive the sink.
class AnalyticsSink
{
public:
    AnalyticsSink(AnalyticsOptions options, RedisClient& client, int workers);
    ~AnalyticsSink();
    AnalyticsSink(const AnalyticsSink&) = delete;
    AnalyticsSink& operator=(const AnalyticsSink&) = delete;

    void start();
    /// Writes what is buffered (waiting up to `flushLimit` for Redis), then stops the writer.
    void stop(std::chrono::milliseconds flushLimit = std::chrono::seconds(2));

    AnalyticsRecorder& recorder(int worker)
    {
        return *m_recorders[static_cast<std::size_t>(worker)];
    }
    AnalyticsIdentities& identities() { return m_identities; }
    const AnalyticsOptions& options() const { return m_options; }

    struct Stats
    {
        std::uint64_t recorded = 0; ///< handed over by workers
        std::uint64_t written = 0;  ///< in Redis
        std::uint64_t dropped = 0;  ///< lost: a full ring or retry buffer
        std::uint64_t pending = 0;  ///< in rings or waiting for Redis
        std::uint64_t batches = 0;  ///< successful writes
        std::uint64_t failedWrites = 0;
    };
    Stats stats() const;
    /// Asks the writer for a write now (tests, shutdown).
    void wake();

private:
    friend class AnalyticsRecorder;
    void run();
    bool writeOnce(bool final);
    /// Serializes what the workers queued onto `into`, dropping (counted) what would take the
    /// records held beyond retryCapacity.
    void serializeQueued(std::vector<std::string>& into, std::size_t heldElsewhere);
    void drop(std::uint64_t n, const char* why);

    AnalyticsOptions m_options;
    RedisClient& m_client;
    AnalyticsIdentities m_identities;
    std::vector<std::unique_ptr<AnalyticsRecorder>> m_recorders;

    std::mutex m_mutex; // guards the flags below
    std::condition_variable m_cv;
    bool m_wakeRequested = false;
    bool m_stopping = false;
    std::chrono::milliseconds m_flushLimit{2000};
    std::thread m_thread;

    // Writer thread only.
    std::vector<std::string> m_retry; ///< serialized, oldest first
    std::chrono::steady_clock::time_point m_lastDropLog{};
    std::uint64_t m_dropsSinceLog = 0;

    std::atomic<std::uint64_t> m_written{0};
    std::atomic<std::uint64_t> m_droppedByWriter{0};
    std::atomic<std::uint64_t> m_retrySize{0};
    std::atomic<std::uint64_t> m_batches{0};
    std::atomic<std::uint64_t> m_failedWrites{0};
};

} // namespace gb::gateway
