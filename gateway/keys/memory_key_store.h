#pragma once

#include "gateway/keys/key_store.h"

#include <map>
#include <mutex>

namespace gb::gateway {

/// The zero set-up store: sessions in this process's memory, lost on exit, one node only.
/// Completes every call inline. Thread-safe (one mutex: only admin calls and cache misses come
/// here, never the cached request path).
class MemoryKeyStore final : public KeyStore
{
public:
    void get(std::string id, Callback done) override;
    void getFirst(std::vector<std::string> ids, Callback done) override;
    void put(std::string id, std::string sessionJson, Callback done) override;
    void remove(std::string id, Callback done) override;
    void list(ListCallback done) override;
    bool isLocal() const noexcept override { return true; }
    std::optional<StorageHealth> health() const override { return std::nullopt; }

private:
    std::mutex m_mutex;
    std::map<std::string, std::string, std::less<>> m_sessions; // guarded; ordered for list()
};

} // namespace gb::gateway
