#include "common/sys/malloc_policy.h"

#include <malloc.h>

namespace gb {

void reuseFreedMemory() noexcept
{
    mallopt(M_MMAP_THRESHOLD, 4 << 20);  // blocks below 4 MB come from (and return to) the heap
    mallopt(M_TRIM_THRESHOLD, 64 << 20); // the heap's free top is kept up to 64 MB
}

} // namespace gb
