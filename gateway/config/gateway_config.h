#pragma once

#include "gateway/config/key_hash_function.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gb::gateway {

/// Where keys, rate-limit counters and analytics live. Tyk knows only "redis"; "memory" is ours
/// and is the default, so one node runs with zero set-up (and says so in the docs).
enum class StorageType
{
    Memory,
    Redis,
};

/// tyk.conf "storage".
struct StorageConfig
{
    StorageType type = StorageType::Memory;
    std::string host = "localhost";
    std::uint16_t port = 6379;
    std::string password;
    int database = 0;
    std::chrono::seconds timeout{5}; ///< Tyk's default when absent or 0
    /// GateBench's own (Tyk has no such fields), "decision_budget_ms" and "lookup_budget_ms":
    /// how long a request may wait for Redis when this node can decide without it (a rate-limit
    /// or quota lease: then its own counters decide), and for a key not cached yet (then 503).
    /// Both at most `timeout`.
    std::chrono::milliseconds decisionBudget{5};
    std::chrono::milliseconds lookupBudget{50};
};

/// analytics_config.serializer_type: Tyk's "msgpack" (its default, what tyk-pump reads) or our
/// "json". Tyk's "protobuf" is refused by name.
enum class AnalyticsSerializer : std::uint8_t
{
    Msgpack,
    Json,
};

/// rate_limit_response_headers (Tyk's internal/rate/headers.go): what X-Ratelimit-* carry.
enum class RateLimitHeaderSource : std::uint8_t
{
    Quotas,     ///< Tyk's default: the key's quota on every proxied answer, none on refusals
    RateLimits, ///< the rate window, on answers and on 429s
};

/// tyk.conf "analytics_config" (the parts gatebench-gateway uses).
struct AnalyticsConfig
{
    std::uint64_t recordsBufferSize = 1000;         ///< Tyk's default when absent or 0
    std::chrono::seconds storageExpirationTime{60}; ///< Tyk's default when absent or 0
    bool enableDetailedRecording = false;
    std::vector<std::string> ignoredIps;
    AnalyticsSerializer serializer = AnalyticsSerializer::Msgpack;
};

/// tyk.conf "policies" for policy_source "file" (the only source without a Dashboard): the
/// policies come from every *.json in `directory` (policy_path; then /tyk/policies can change
/// them), else from the one JSON object of id -> policy in `recordFile` (policy_record_name),
/// else there are none. Relative paths are resolved against the conf's directory.
struct PoliciesConfig
{
    std::filesystem::path directory;
    std::filesystem::path recordFile;
};

/// The gateway's own settings, read from Tyk's tyk.conf. A plain value: built once at start-up
/// (or from flags), then copied freely; no thread owns it.
struct GatewayConfig
{
    std::string listenAddress; ///< "" = every interface
    /// 0 or absent in tyk.conf means 8080; --listen may set 0 (an ephemeral port, for tests).
    std::uint16_t listenPort = 8080;
    std::uint16_t controlApiPort = 0; ///< 0 = admin API on listenPort, as Tyk
    /// Shared secret for x-tyk-authorization. Empty locks the admin API (every call gets 403):
    /// unlike Tyk, where an empty secret matches a missing header.
    std::string secret;
    /// Directory of API definitions. Relative paths in a file are resolved against the file's
    /// directory, so a conf and its apps/ travel together; empty in zero set-up mode.
    std::filesystem::path appPath;
    StorageConfig storage;
    PoliciesConfig policies;
    bool enableAnalytics = false;
    AnalyticsConfig analytics;
    /// Store keys' hashes, never raw keys. Our default is true; Tyk's struct default is false
    /// although every shipped tyk.conf sets it.
    bool hashKeys = true;
    /// enable_hashed_keys_listing: GET /tyk/keys lists the hashes when hash_keys is on; off
    /// (Tyk's default), it answers 404.
    bool enableHashedKeysListing = false;
    RateLimitHeaderSource rateLimitResponseHeaders = RateLimitHeaderSource::Quotas;
    /// Ours, gatebench_quota_exceeded_status: 403 (Tyk's "Quota exceeded" status) or 429.
    int quotaExceededStatus = 403;
    /// hash_key_function: the format and hash of the keys this gateway creates.
    KeyHashFunction hashKeyFunction = KeyHashFunction::Legacy;
    /// hash_key_function_fallback: the functions a key name was filed under before, tried after
    /// hash_key_function when a client presents a name given to POST /tyk/keys/{name}.
    std::vector<KeyHashFunction> hashKeyFunctionFallback;
    /// Upstream timeout; tyk.conf gives fractional seconds, 0 or absent means Tyk's 30 s.
    std::chrono::nanoseconds proxyDefaultTimeout = std::chrono::seconds(30);
    /// Idle upstream connections kept per host; 0 = not set, the proxy picks its own default.
    int maxIdleConnectionsPerHost = 0;
    /// GateBench's own (Tyk has no such field): upstream connections open at once per host, for
    /// the whole process; more requests wait in line for one. 0: as many as the pool may keep
    /// idle (max_idle_connections_per_host, or its default).
    int maxConnectionsPerHost = 0;
    /// Tyk's max_conn_time, in seconds: an upstream connection older than this is not reused
    /// (closed after its request), so the gateway reconnects to the upstream (a new address
    /// behind its name, a rebalanced pool). 0: no limit; negative: no reuse at all (as Tyk,
    /// which then makes a new transport per request).
    std::chrono::seconds maxConnTime{0};
    /// Disable keep-alive between clients and the gateway.
    bool closeConnections = false;
    /// The file this came from, for messages; empty for flags.
    std::filesystem::path sourceFile;

    std::uint16_t adminPort() const noexcept
    {
        return controlApiPort != 0 ? controlApiPort : listenPort;
    }
};

/// Parses tyk.conf text. Unknown members are ignored (a real tyk.conf has dozens); a member of
/// the wrong type or out of range throws ConfigError "file:line:column: sentence". baseDir
/// resolves a relative app_path.
GatewayConfig parseGatewayConfig(std::string text, const std::string& fileLabel,
                                 const std::filesystem::path& baseDir);

/// Reads and parses a tyk.conf file; throws ConfigError (also when it cannot be read).
GatewayConfig loadGatewayConfig(const std::filesystem::path& file);

} // namespace gb::gateway
