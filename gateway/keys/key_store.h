#pragma once

#include "gateway/storage/storage_health.h"
#include "gateway/storage/unique_function.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gb::gateway {

enum class StoreStatus : std::uint8_t
{
    Ok,
    NotFound,
    Unavailable, ///< the store could not be asked (Redis down, timeout): the key's fate is unknown
};

struct StoreResult
{
    StoreStatus status = StoreStatus::Unavailable;
    std::string value;     ///< the session JSON (get)
    std::size_t index = 0; ///< getFirst: which of the ids it was found under
};

struct StoreListResult
{
    StoreStatus status = StoreStatus::Unavailable;
    std::vector<std::string> ids;
};

/// Where sessions live, by storage id (a key's SHA-256 with hash_keys, else the key). Every
/// operation completes through its callback exactly once: inline (the in-memory store, or a
/// failure detected at once) or later on the store's own thread. Callbacks must be quick; post
/// to a worker's io_context to continue there. Implementations are thread-safe.
class KeyStore
{
public:
    using Callback = UniqueFunction<void(StoreResult)>;
    using ListCallback = UniqueFunction<void(StoreListResult)>;

    virtual ~KeyStore() = default;
    virtual void get(std::string id, Callback done) = 0;
    /// The first of `ids` (in order) that is there, in one round trip; NotFound when none is.
    virtual void getFirst(std::vector<std::string> ids, Callback done) = 0;
    virtual void put(std::string id, std::string sessionJson, Callback done) = 0;
    /// NotFound when there was no such key.
    virtual void remove(std::string id, Callback done) = 0;
    virtual void list(ListCallback done) = 0;
    /// True when no other process can change this store (the in-memory one): cached sessions
    /// then never need refreshing.
    virtual bool isLocal() const noexcept = 0;
    /// The connection's state, for stores that have one.
    virtual std::optional<StorageHealth> health() const = 0;
};

} // namespace gb::gateway
