#pragma once

namespace gb {

/// Keeps freed blocks of up to a few megabytes in the process for reuse instead of handing them
/// back to the kernel at every free. glibc's defaults do that for any block above 128 KB (mmap'd)
/// and for a thread arena's free top: a Redis batch of analytics records (~300 KB, several a
/// second) then paid page faults for all its pages again each time (perf: a third of the Redis
/// connection thread's time in page faults, 1.5 µs per request of 47). Memory is still given
/// back where the server asks for it (malloc_trim after a burst of connections). Call first in
/// main, before any thread starts.
void reuseFreedMemory() noexcept;

} // namespace gb
