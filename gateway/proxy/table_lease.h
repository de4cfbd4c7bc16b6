#pragma once

#include "gateway/config/route_table.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace gb::gateway::proxy {

class ApiCounters;
class UpstreamPool;

/// What a worker has resolved for one API of one table: where its upstream connections come
/// from and where its responses are counted. Filled on the API's first request.
struct ApiSlot
{
    UpstreamPool* pool = nullptr;
    ApiCounters* counters = nullptr;
};

/// One worker's hold on one RouteTable version. A proxied request keeps the lease it started
/// with, so /tyk/reload never pulls an API definition from under it; the lease counts its
/// requests with a plain integer (one thread), instead of every request copying the table's
/// shared_ptr (two atomic read-modify-writes on a cache line all workers share).
///
/// Owned by the worker's ProxyHandler; worker thread only.
struct TableLease
{
    explicit TableLease(std::shared_ptr<const RouteTable> t)
        : table(std::move(t))
        , slots(table->apis().size())
    {}

    std::size_t indexOf(const ApiDefinition* api) const
    {
        return static_cast<std::size_t>(api - table->apis().data());
    }

    std::shared_ptr<const RouteTable> table;
    std::vector<ApiSlot> slots; ///< by index in table->apis()
    std::uint32_t inflight = 0;
};

} // namespace gb::gateway::proxy
