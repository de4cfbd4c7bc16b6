#pragma once

// Internal to the engine: the buffer responses are read into.

#include <array>
#include <cstddef>

namespace gb::engine {

/// What one read takes at most, and the longest response head line a connection carries over
/// from one read to the next.
inline constexpr std::size_t kReadBufferSize = 16384;
using ReadBuffer = std::array<char, kReadBufferSize>;

} // namespace gb::engine
