#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace gb::gateway::upstream {

/// Read-only data the routes serve, built once at start-up and shared by every worker: random
/// letters for /size (sliced at a random offset instead of generated per request), the 100 seeded
/// resources and their pre-rendered JSON, the fixed XML and SOAP documents.
class Content
{
public:
    static constexpr std::size_t kResourceCount = 100;
    /// The largest /size response served from one slice of the letters; larger ones are streamed
    /// in slices of this size.
    static constexpr std::size_t kSliceBytes = 1024 * 1024;

    /// seed: the resources' names and the letters derive from it (deterministic runs).
    explicit Content(unsigned seed);

    /// n (<= kSliceBytes) random letters starting at `offset % kSliceBytes`.
    std::string_view letters(std::size_t offset, std::size_t n) const
    {
        return std::string_view(m_letters).substr(offset % kSliceBytes, n);
    }
    /// `{"Id":7,"Name":"..."}`; id must be < kResourceCount.
    std::string_view resource(std::size_t id) const { return m_resource[id]; }
    /// Go's json.Marshal of map[int]resource holding ids 0..limit-1 (keys sorted as strings).
    std::string_view resourceIndex(std::size_t limit) const { return m_index[limit - 1]; }

    static std::string_view xml();
    static std::string_view soap();

private:
    std::string
        m_letters; // 2 × kSliceBytes: any offset below kSliceBytes has a full slice after it
    std::array<std::string, kResourceCount> m_resource;
    std::array<std::string, kResourceCount> m_index;
};

} // namespace gb::gateway::upstream
