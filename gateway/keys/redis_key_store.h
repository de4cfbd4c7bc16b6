#pragma once

#include "gateway/keys/key_store.h"

namespace gb::gateway {

class RedisClient;

/// Sessions in Redis as JSON strings under "apikey-<id>", shared by every gateway on that Redis.
/// Calls complete on the client's storage thread, or inline when the client is down. Any thread.
/// The client must outlive the store.
class RedisKeyStore final : public KeyStore
{
public:
    explicit RedisKeyStore(RedisClient& client)
        : m_client(client)
    {}

    void get(std::string id, Callback done) override;
    /// One MGET.
    void getFirst(std::vector<std::string> ids, Callback done) override;
    void put(std::string id, std::string sessionJson, Callback done) override;
    void remove(std::string id, Callback done) override;
    /// SCAN over "apikey-*" (cursor by cursor, never KEYS), ids without the prefix.
    void list(ListCallback done) override;
    bool isLocal() const noexcept override { return false; }
    std::optional<StorageHealth> health() const override;

private:
    RedisClient& m_client;
};

} // namespace gb::gateway
