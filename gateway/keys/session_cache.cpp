#include "gateway/keys/session_cache.h"

#include <openssl/crypto.h>

namespace gb::gateway {

std::size_t SessionCache::TokenHash::operator()(std::string_view s) const noexcept
{
    return std::hash<std::string_view>{}(s);
}

bool SessionCache::TokenEqual::operator()(std::string_view a, std::string_view b) const noexcept
{
    // Keys are secrets: no early exit on the first differing byte.
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

SessionCache::SessionCache(std::size_t maxEntries)
    : m_maxPerShard(std::max<std::size_t>(1, maxEntries / kShards))
{}

SessionCache::Shard& SessionCache::shardFor(std::string_view token) const
{
    // The map hashes the same value again; the high bits pick the shard so that a shard's
    // buckets (low bits) stay spread.
    const std::size_t h = TokenHash{}(token);
    return m_shards[(h >> 48) % kShards];
}

SessionHandle SessionCache::find(std::string_view token) const
{
    const Shard& shard = shardFor(token);
    std::shared_lock lock(shard.mutex);
    const auto it = shard.entries.find(token);
    return it == shard.entries.end() ? nullptr : it->second;
}

void SessionCache::insert(std::string_view token, SessionHandle entry, std::uint64_t generation)
{
    // Holding the index lock across the generation check orders this insert against
    // invalidate(), which bumps the generation under the same lock.
    std::lock_guard indexLock(m_indexMutex);
    if (generation != m_generation.load())
        return;
    Shard& shard = shardFor(token);
    {
        std::unique_lock lock(shard.mutex);
        if (shard.entries.size() >= m_maxPerShard &&
            shard.entries.find(token) == shard.entries.end()) {
            // Full: drop an arbitrary entry (it is reloaded on its next use).
            const auto victim = shard.entries.begin();
            m_tokenById.erase(victim->second->storageId);
            shard.entries.erase(victim);
        }
        m_tokenById[entry->storageId] = std::string(token);
        shard.entries.insert_or_assign(std::string(token), std::move(entry));
    }
}

void SessionCache::invalidate(std::string_view storageId)
{
    std::lock_guard indexLock(m_indexMutex);
    m_generation.fetch_add(1);
    const auto it = m_tokenById.find(std::string(storageId));
    if (it == m_tokenById.end())
        return;
    Shard& shard = shardFor(it->second);
    {
        std::unique_lock lock(shard.mutex);
        shard.entries.erase(it->second);
    }
    m_tokenById.erase(it);
}

void SessionCache::clear()
{
    std::lock_guard indexLock(m_indexMutex);
    m_generation.fetch_add(1);
    for (Shard& shard : m_shards) {
        std::unique_lock lock(shard.mutex);
        shard.entries.clear();
    }
    m_tokenById.clear();
}

void SessionCache::erase(std::string_view token)
{
    std::lock_guard indexLock(m_indexMutex);
    m_generation.fetch_add(1);
    Shard& shard = shardFor(token);
    std::unique_lock lock(shard.mutex);
    const auto it = shard.entries.find(token);
    if (it == shard.entries.end())
        return;
    m_tokenById.erase(it->second->storageId);
    shard.entries.erase(it);
}

std::size_t SessionCache::size() const
{
    std::size_t n = 0;
    for (const Shard& shard : m_shards) {
        std::shared_lock lock(shard.mutex);
        n += shard.entries.size();
    }
    return n;
}

} // namespace gb::gateway
