#pragma once

// Which header fields a proxy must not pass on (RFC 9110 §7.6.1), decided per field name without
// allocating: the proxy asks once per field of every request and every response.

#include <cstdint>
#include <string_view>

namespace gb::gateway::proxy {

/// What a field name means to the proxy.
enum class FieldRole : std::uint8_t
{
    Forward,          ///< an end-to-end field: passed on as it is
    HopByHop,         ///< Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade,
                      ///< Proxy-Authenticate, Proxy-Authorization: never passed on
    Host,             ///< replaced by the upstream's authority (requests)
    ContentLength,    ///< framing: the proxy writes its own
    TransferEncoding, ///< framing: the proxy writes its own
    Expect,           ///< 100-continue is answered by the server core, not forwarded
    ForwardedFor,     ///< X-Forwarded-For: merged and extended with the client's address
    Date,             ///< responses: the server core writes its own
};

/// Classifies a field name, ASCII case-insensitively. Pure; any thread.
FieldRole classifyField(std::string_view name) noexcept;

/// True if `name` is one of the comma-separated tokens of a Connection field value: such fields
/// are hop-by-hop too and are dropped (RFC 9110 §7.6.1; nginx and HAProxy forward them).
bool namedInConnection(std::string_view connectionValue, std::string_view name) noexcept;

/// True for methods that RFC 9110 §9.2.2 calls idempotent: a request that failed on a reused
/// upstream connection before any response byte may be sent again.
bool isIdempotentMethod(std::string_view method) noexcept;

} // namespace gb::gateway::proxy
