#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gb::gateway {

/// A Redis reply as a plain value, so that no hiredis type leaves the storage layer and replies
/// can cross threads.
struct RedisReply
{
    enum class Type : std::uint8_t
    {
        Nil,
        Status,
        Error,
        Integer,
        String,
        Array,
    };

    Type type = Type::Nil;
    long long integer = 0;
    std::string str; ///< Status, Error and String
    std::vector<RedisReply> elements;

    bool isNil() const noexcept { return type == Type::Nil; }
    bool isError() const noexcept { return type == Type::Error; }
    bool isInteger() const noexcept { return type == Type::Integer; }
    bool isString() const noexcept { return type == Type::String; }
};

/// Whether a command reached Redis and came back. A command Redis refused (WRONGTYPE,
/// NOSCRIPT ...) is Ok with an Error reply: the store answered.
enum class RedisStatus : std::uint8_t
{
    Ok,
    Unavailable, ///< not connected, or the connection failed while the command was in flight
    Timeout,     ///< no answer within the storage timeout
    Overloaded,  ///< too many commands queued
    Stopped,     ///< the client is shutting down
};

std::string_view redisStatusName(RedisStatus s) noexcept;

struct RedisResult
{
    RedisStatus status = RedisStatus::Unavailable;
    RedisReply reply;

    bool ok() const noexcept { return status == RedisStatus::Ok; }
};

} // namespace gb::gateway
