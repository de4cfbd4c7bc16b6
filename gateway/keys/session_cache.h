#pragma once

#include "gateway/keys/session.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gb::gateway {

/// A session as the request path uses it: parsed once, shared read-only between workers.
struct CachedSession
{
    Session session;
    std::string storageId;       ///< what the store files it under (the key's hash with hash_keys)
    std::string keyHash;         ///< Tyk's hash of the key (keyHash), always: analytics and logs
    std::int64_t loadedAtMs = 0; ///< steady clock, when it was read from the store
    /// The key names policies: `session` is what applying them gave (Tyk applies them on every
    /// lookup; the cache is emptied when the policies change, which comes to the same).
    bool hasPolicies = false;
    std::string policyError; ///< why they could not apply (Tyk refuses the key); "" = applied
    std::string policyOrgId; ///< their organisation, which must be the API's
    /// Set once a refresh is under way, so only one request triggers it.
    mutable std::atomic<bool> refreshing{false};
    /// Opaque slot for the analytics writer's interned identity of this key (0 = not yet).
    mutable std::atomic<std::uint32_t> analyticsRef{0};
};

using SessionHandle = std::shared_ptr<const CachedSession>;

/// This process's cache of sessions by key (the token a client presents), in front of a
/// KeyStore, so that a known key costs no store round trip. Thread-safe; the lookup takes one
/// shard's shared lock. Tokens are compared in constant time (CRYPTO_memcmp).
///
/// Invalidation: the admin API of this process calls invalidate(storageId) after every update
/// or delete. Other gateways on the same Redis learn of changes only when their entry is
/// refreshed (see AccessControl's refresh interval): that interval is the cross-node staleness
/// window. A load that raced with an invalidation is not inserted (generation check).
class SessionCache
{
public:
    explicit SessionCache(std::size_t maxEntries = 1'000'000);

    SessionHandle find(std::string_view token) const;
    /// Inserts or replaces, unless an invalidation happened since `generation` was read.
    void insert(std::string_view token, SessionHandle entry, std::uint64_t generation);
    /// Drops the entry for this storage id (whichever token maps to it).
    void invalidate(std::string_view storageId);
    /// Drops one token's entry (a refresh found the key gone).
    void erase(std::string_view token);
    /// Drops every entry (the policies changed); loads under way are not inserted.
    void clear();
    std::uint64_t generation() const noexcept { return m_generation.load(); }
    std::size_t size() const;

private:
    struct TokenHash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept;
    };
    struct TokenEqual
    {
        using is_transparent = void;
        bool operator()(std::string_view a, std::string_view b) const noexcept;
    };
    using Map = std::unordered_map<std::string, SessionHandle, TokenHash, TokenEqual>;

    static constexpr std::size_t kShards = 16;
    struct alignas(64) Shard
    {
        mutable std::shared_mutex mutex;
        Map entries;
    };

    Shard& shardFor(std::string_view token) const;

    const std::size_t m_maxPerShard;
    mutable std::array<Shard, kShards> m_shards;
    std::atomic<std::uint64_t> m_generation{1};
    /// Storage id -> token, for invalidation by id (an admin call may name the key by its hash).
    /// Touched on inserts and invalidations only, never on a cached lookup.
    std::mutex m_indexMutex;
    std::unordered_map<std::string, std::string> m_tokenById;
};

} // namespace gb::gateway
