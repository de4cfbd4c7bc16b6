#pragma once

#include <string_view>

namespace gb {

/// Names the calling thread as `top -H`, `perf --per-thread` and gdb show it (Linux keeps 15
/// bytes: a longer name is cut). A worker's own, the analytics writer, a Redis connection: the
/// cost of each can then be read apart.
void nameThisThread(std::string_view name) noexcept;

} // namespace gb
