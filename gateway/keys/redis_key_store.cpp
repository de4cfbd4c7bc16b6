#include "gateway/keys/redis_key_store.h"

#include "gateway/keys/storage_keys.h"
#include "gateway/storage/redis_client.h"

#include <cstdio>
#include <memory>

namespace gb::gateway {

namespace {

/// A reply Redis gave but we did not expect (WRONGTYPE on a key someone else wrote): the key's
/// state is unknown to us, which is what Unavailable means to callers.
StoreResult unexpected(const RedisReply& reply)
{
    std::fprintf(stderr, "redis key store: unexpected reply: %s\n",
                 reply.isError() ? reply.str.c_str() : "(wrong type)");
    return StoreResult{StoreStatus::Unavailable, {}};
}

constexpr int kMaxScanRounds = 1'000'000; // bounds a listing even if SCAN misbehaves

struct Scan
{
    RedisClient* client;
    std::string cursor = "0";
    int rounds = 0;
    StoreListResult result;
    KeyStore::ListCallback done;
};

void scanStep(std::shared_ptr<Scan> scan)
{
    RedisClient* client = scan->client;
    std::string pattern(storage_keys::kSessionPrefix);
    pattern.push_back('*');
    // Built before the call: the callback below takes `scan` by move.
    RedisClient::Command command{"SCAN", scan->cursor, "MATCH", pattern, "COUNT", "1000"};
    client->submit(std::move(command), [scan = std::move(scan)](RedisResult r) mutable {
        const RedisReply& reply = r.reply;
        if (!r.ok() || reply.type != RedisReply::Type::Array || reply.elements.size() != 2) {
            scan->done(StoreListResult{StoreStatus::Unavailable, {}});
            return;
        }
        for (const RedisReply& k : reply.elements[1].elements)
            if (k.str.size() > storage_keys::kSessionPrefix.size())
                scan->result.ids.push_back(k.str.substr(storage_keys::kSessionPrefix.size()));
        scan->cursor = reply.elements[0].str;
        if (scan->cursor == "0" || ++scan->rounds >= kMaxScanRounds) {
            scan->result.status = StoreStatus::Ok;
            scan->done(std::move(scan->result));
            return;
        }
        scanStep(std::move(scan));
    });
}

} // namespace

void RedisKeyStore::get(std::string id, Callback done)
{
    m_client.submit({"GET", storage_keys::session(id)},
                    [done = std::move(done)](RedisResult r) mutable {
                        if (!r.ok())
                            return done(StoreResult{StoreStatus::Unavailable, {}});
                        if (r.reply.isNil())
                            return done(StoreResult{StoreStatus::NotFound, {}});
                        if (!r.reply.isString())
                            return done(unexpected(r.reply));
                        done(StoreResult{StoreStatus::Ok, std::move(r.reply.str)});
                    });
}

void RedisKeyStore::getFirst(std::vector<std::string> ids, Callback done)
{
    RedisClient::Command command{"MGET"};
    for (const std::string& id : ids)
        command.push_back(storage_keys::session(id));
    m_client.submit(std::move(command), [done = std::move(done)](RedisResult r) mutable {
        if (!r.ok())
            return done(StoreResult{StoreStatus::Unavailable, {}});
        if (r.reply.type != RedisReply::Type::Array)
            return done(unexpected(r.reply));
        for (std::size_t i = 0; i < r.reply.elements.size(); ++i) {
            RedisReply& value = r.reply.elements[i];
            if (value.isString())
                return done(StoreResult{StoreStatus::Ok, std::move(value.str), i});
        }
        done(StoreResult{StoreStatus::NotFound, {}});
    });
}

void RedisKeyStore::put(std::string id, std::string sessionJson, Callback done)
{
    m_client.submit({"SET", storage_keys::session(id), std::move(sessionJson)},
                    [done = std::move(done)](RedisResult r) mutable {
                        if (!r.ok())
                            return done(StoreResult{StoreStatus::Unavailable, {}});
                        if (r.reply.isError())
                            return done(unexpected(r.reply));
                        done(StoreResult{StoreStatus::Ok, {}});
                    });
}

void RedisKeyStore::remove(std::string id, Callback done)
{
    m_client.submit(
        {"DEL", storage_keys::session(id)}, [done = std::move(done)](RedisResult r) mutable {
            if (!r.ok())
                return done(StoreResult{StoreStatus::Unavailable, {}});
            if (!r.reply.isInteger())
                return done(unexpected(r.reply));
            done(StoreResult{r.reply.integer > 0 ? StoreStatus::Ok : StoreStatus::NotFound, {}});
        });
}

void RedisKeyStore::list(ListCallback done)
{
    auto scan = std::make_shared<Scan>();
    scan->client = &m_client;
    scan->done = std::move(done);
    scanStep(std::move(scan));
}

std::optional<StorageHealth> RedisKeyStore::health() const
{
    return m_client.health();
}

} // namespace gb::gateway
