#pragma once

#include "gateway/analytics/analytics_record.h"

#include <atomic>
#include <cstdint>
#include <memory>

namespace gb::gateway {

/// A bounded single-producer single-consumer ring of records: the worker thread pushes, the
/// analytics writer thread drains. Lock-free; a push is one record copy plus a release store.
class RecordRing
{
public:
    /// capacity is rounded up to a power of two.
    explicit RecordRing(std::size_t capacity);

    /// Producer only. False when full (the caller counts the drop).
    bool push(const AnalyticsRecord& record) noexcept
    {
        const std::uint64_t tail = m_tail.load(std::memory_order_relaxed);
        if (tail - m_cachedHead >= m_capacity) {
            m_cachedHead = m_head.load(std::memory_order_acquire);
            if (tail - m_cachedHead >= m_capacity)
                return false;
        }
        m_slots[tail & m_mask] = record;
        m_tail.store(tail + 1, std::memory_order_release);
        return true;
    }

    /// Consumer only: calls f(record) for up to `max` records, oldest first; returns how many.
    template <class F>
    std::size_t drain(F&& f, std::size_t max)
    {
        const std::uint64_t head = m_head.load(std::memory_order_relaxed);
        const std::uint64_t tail = m_tail.load(std::memory_order_acquire);
        const std::uint64_t end = tail - head > max ? head + max : tail;
        for (std::uint64_t i = head; i < end; ++i)
            f(m_slots[i & m_mask]);
        m_head.store(end, std::memory_order_release);
        return static_cast<std::size_t>(end - head);
    }

    /// Any thread; approximate while the others run.
    std::size_t size() const noexcept
    {
        return static_cast<std::size_t>(m_tail.load(std::memory_order_acquire) -
                                        m_head.load(std::memory_order_acquire));
    }
    std::size_t capacity() const noexcept { return m_capacity; }

private:
    std::size_t m_capacity;
    std::uint64_t m_mask;
    std::unique_ptr<AnalyticsRecord[]> m_slots;
    alignas(64) std::atomic<std::uint64_t> m_head{0}; ///< written by the consumer
    alignas(64) std::atomic<std::uint64_t> m_tail{0}; ///< written by the producer
    std::uint64_t m_cachedHead = 0;                   ///< producer's last view of m_head
};

} // namespace gb::gateway
