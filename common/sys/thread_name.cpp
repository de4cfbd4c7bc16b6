#include "common/sys/thread_name.h"

#include <algorithm>
#include <cstring>
#include <pthread.h>

namespace gb {

void nameThisThread(std::string_view name) noexcept
{
    char text[16];
    const std::size_t n = std::min(name.size(), sizeof text - 1);
    std::memcpy(text, name.data(), n);
    text[n] = '\0';
    pthread_setname_np(pthread_self(), text);
}

} // namespace gb
