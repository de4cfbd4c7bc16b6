#include "gateway/http/output_buffer.h"

#include <cstring>
#include <sys/uio.h>

namespace gb::http {

namespace {
constexpr std::size_t kInitialStore = 4096;
}

void OutputBuffer::reserveStore(std::size_t extra)
{
    if (m_storeSize + extra <= m_storeCapacity)
        return;
    std::size_t cap = m_storeCapacity ? m_storeCapacity : kInitialStore;
    while (cap < m_storeSize + extra)
        cap *= 2;
    auto bigger = std::make_unique_for_overwrite<char[]>(cap);
    if (m_storeSize)
        std::memcpy(bigger.get(), m_store.get(), m_storeSize);
    m_store = std::move(bigger);
    m_storeCapacity = cap;
}

char* OutputBuffer::prepare(std::size_t n)
{
    reserveStore(n);
    return m_store.get() + m_storeSize;
}

void OutputBuffer::commit(std::size_t n)
{
    if (n == 0)
        return;
    // Owned bytes are contiguous in the store, so a run of appends is one segment.
    if (!m_segments.empty() && !m_segments.back().borrowed &&
        m_segments.back().offset + m_segments.back().size == m_storeSize &&
        m_first < m_segments.size())
        m_segments.back().size += n;
    else
        m_segments.push_back({nullptr, m_storeSize, n});
    m_storeSize += n;
    m_pending += n;
}

void OutputBuffer::append(std::string_view bytes)
{
    if (bytes.empty())
        return;
    std::memcpy(prepare(bytes.size()), bytes.data(), bytes.size());
    commit(bytes.size());
}

void OutputBuffer::append(char c)
{
    *prepare(1) = c;
    commit(1);
}

void OutputBuffer::appendBorrowed(std::string_view bytes)
{
    if (bytes.empty())
        return;
    m_segments.push_back({bytes.data(), 0, bytes.size()});
    m_pending += bytes.size();
}

int OutputBuffer::gather(iovec* iov, int max) const
{
    int n = 0;
    for (std::size_t i = m_first; i < m_segments.size() && n < max; ++i, ++n) {
        const Segment& s = m_segments[i];
        const char* base = s.borrowed ? s.borrowed : m_store.get() + s.offset;
        const std::size_t skip = i == m_first ? m_firstSent : 0;
        iov[n].iov_base = const_cast<char*>(base + skip);
        iov[n].iov_len = s.size - skip;
    }
    return n;
}

void OutputBuffer::consume(std::size_t n)
{
    m_pending -= n;
    while (n > 0) {
        const std::size_t left = m_segments[m_first].size - m_firstSent;
        if (n < left) {
            m_firstSent += n;
            return;
        }
        n -= left;
        ++m_first;
        m_firstSent = 0;
    }
    if (m_first == m_segments.size())
        clear();
}

void OutputBuffer::clear()
{
    m_segments.clear();
    m_first = 0;
    m_firstSent = 0;
    m_storeSize = 0;
    m_pending = 0;
}

void OutputBuffer::releaseMemory()
{
    clear();
    m_segments = {};
    m_store.reset();
    m_storeCapacity = 0;
}

} // namespace gb::http
