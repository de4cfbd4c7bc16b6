#include "gateway/keys/memory_key_store.h"

namespace gb::gateway {

void MemoryKeyStore::get(std::string id, Callback done)
{
    StoreResult r;
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_sessions.find(id);
        if (it == m_sessions.end())
            r.status = StoreStatus::NotFound;
        else {
            r.status = StoreStatus::Ok;
            r.value = it->second;
        }
    }
    done(std::move(r));
}

void MemoryKeyStore::getFirst(std::vector<std::string> ids, Callback done)
{
    StoreResult r{StoreStatus::NotFound, {}};
    {
        std::lock_guard lock(m_mutex);
        for (std::size_t i = 0; i < ids.size(); ++i) {
            const auto it = m_sessions.find(ids[i]);
            if (it != m_sessions.end()) {
                r = StoreResult{StoreStatus::Ok, it->second, i};
                break;
            }
        }
    }
    done(std::move(r));
}

void MemoryKeyStore::put(std::string id, std::string sessionJson, Callback done)
{
    {
        std::lock_guard lock(m_mutex);
        m_sessions.insert_or_assign(std::move(id), std::move(sessionJson));
    }
    done(StoreResult{StoreStatus::Ok, {}});
}

void MemoryKeyStore::remove(std::string id, Callback done)
{
    bool erased = false;
    {
        std::lock_guard lock(m_mutex);
        erased = m_sessions.erase(id) > 0;
    }
    done(StoreResult{erased ? StoreStatus::Ok : StoreStatus::NotFound, {}});
}

void MemoryKeyStore::list(ListCallback done)
{
    StoreListResult r;
    r.status = StoreStatus::Ok;
    {
        std::lock_guard lock(m_mutex);
        r.ids.reserve(m_sessions.size());
        for (const auto& entry : m_sessions)
            r.ids.push_back(entry.first);
    }
    done(std::move(r));
}

} // namespace gb::gateway
