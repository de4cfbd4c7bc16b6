#include "gateway/config/route_table_holder.h"

namespace gb::gateway {

RouteTableHolder::RouteTableHolder(std::shared_ptr<const RouteTable> initial)
    : m_table(std::move(initial))
{}

std::shared_ptr<const RouteTable> RouteTableHolder::load() const
{
    const std::lock_guard lock(m_mutex);
    return m_table;
}

void RouteTableHolder::store(std::shared_ptr<const RouteTable> table)
{
    {
        const std::lock_guard lock(m_mutex);
        m_table.swap(table);
        // Table first, generation second: a reader that sees the new generation then loads
        // this table or a newer one.
        m_generation.fetch_add(1, std::memory_order_acq_rel);
    }
    // table now holds the previous one; it is released here, outside the lock.
}

RouteTableReader::RouteTableReader(const RouteTableHolder& holder)
    : m_holder(&holder)
    , m_seen(holder.generation())
    , m_table(holder.load())
{}

const std::shared_ptr<const RouteTable>& RouteTableReader::current()
{
    const std::uint64_t generation = m_holder->generation();
    if (generation != m_seen) {
        // Read the generation before the table: if another store lands in between, the next
        // call sees a newer generation and loads again, which is harmless.
        m_table = m_holder->load();
        m_seen = generation;
    }
    return m_table;
}

} // namespace gb::gateway
