#include "gateway/storage/redis_reply.h"

namespace gb::gateway {

std::string_view redisStatusName(RedisStatus s) noexcept
{
    switch (s) {
    case RedisStatus::Ok:
        return "ok";
    case RedisStatus::Unavailable:
        return "unavailable";
    case RedisStatus::Timeout:
        return "timeout";
    case RedisStatus::Overloaded:
        return "overloaded";
    case RedisStatus::Stopped:
        return "stopped";
    }
    return "unknown";
}

} // namespace gb::gateway
