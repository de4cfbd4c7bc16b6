#pragma once

#include "gateway/config/route_table.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

namespace gb::gateway {

/// The current RouteTable, swapped whole on /tyk/reload while requests keep running. A request
/// holds a shared_ptr to the table it started with, so a reload never pulls definitions from
/// under it; the old table is freed when its last request ends.
///
/// store() and load() may be called from any thread. Request threads should read through a
/// RouteTableReader, which costs one atomic load while nothing changed and calls load() only
/// after a swap. load() takes a mutex: libstdc++ 12's std::atomic<std::shared_ptr> is not
/// lock-free either (a spin lock in the reference count) and its load() releases that lock with
/// relaxed order, which ThreadSanitizer rightly reports as a race; a plain mutex touched once
/// per reload per thread is simpler and correct.
class RouteTableHolder
{
public:
    explicit RouteTableHolder(std::shared_ptr<const RouteTable> initial);

    std::shared_ptr<const RouteTable> load() const;
    void store(std::shared_ptr<const RouteTable> table);
    /// Incremented by every store(), after the table is visible.
    std::uint64_t generation() const noexcept
    {
        return m_generation.load(std::memory_order_acquire);
    }

private:
    mutable std::mutex m_mutex;
    std::shared_ptr<const RouteTable> m_table; // guarded by m_mutex
    std::atomic<std::uint64_t> m_generation{0};
};

/// One request thread's view of a RouteTableHolder: current() costs one atomic load of the
/// generation counter while nothing changed, with no lock and no write to shared memory.
/// Owned and used by exactly one thread (e.g. one per event loop); the holder must outlive it.
class RouteTableReader
{
public:
    explicit RouteTableReader(const RouteTableHolder& holder);

    /// The newest table; copy the shared_ptr into a request that outlives this call.
    const std::shared_ptr<const RouteTable>& current();

private:
    const RouteTableHolder* m_holder;
    std::uint64_t m_seen;
    std::shared_ptr<const RouteTable> m_table;
};

} // namespace gb::gateway
