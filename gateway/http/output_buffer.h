#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

struct iovec;

namespace gb::http {

/// The bytes a connection has yet to send: responses serialized into an owned, reused store, plus
/// borrowed spans (large static bodies) sent from where they lie. One gather write sends them all,
/// which is how the responses to one read of pipelined requests leave in a single syscall.
///
/// Steady state allocates nothing: the store and the segment list keep their capacity. Owned by
/// one connection; not thread-safe.
class OutputBuffer
{
public:
    OutputBuffer() = default;
    OutputBuffer(const OutputBuffer&) = delete;
    OutputBuffer& operator=(const OutputBuffer&) = delete;

    void append(std::string_view bytes);
    void append(char c);
    /// Room for n bytes at the end of the owned store; commit() what was written.
    char* prepare(std::size_t n);
    void commit(std::size_t n);
    /// Queues bytes that are not copied: they must stay valid until sent (or the buffer is
    /// cleared).
    void appendBorrowed(std::string_view bytes);

    std::size_t pendingBytes() const { return m_pending; }
    bool empty() const { return m_pending == 0; }
    /// Fills up to max iovecs with the unsent bytes, in order; returns how many.
    int gather(iovec* iov, int max) const;
    /// Drops n sent bytes from the front.
    void consume(std::size_t n);
    void clear();
    /// clear(), and gives the store and the segment list back to the allocator: for a
    /// connection that waits idle, whose next response may be long in coming.
    void releaseMemory();

private:
    struct Segment
    {
        const char* borrowed; // null: owned, at offset in m_store
        std::size_t offset;
        std::size_t size;
    };

    void reserveStore(std::size_t extra);

    std::unique_ptr<char[]> m_store;
    std::size_t m_storeSize = 0;
    std::size_t m_storeCapacity = 0;
    std::vector<Segment> m_segments;
    std::size_t m_first = 0;     // first unsent segment
    std::size_t m_firstSent = 0; // bytes of it already sent
    std::size_t m_pending = 0;
};

} // namespace gb::http
