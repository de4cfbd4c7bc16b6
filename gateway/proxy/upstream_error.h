#pragma once

#include <cstdint>
#include <string_view>

namespace gb::gateway::proxy {

/// Why an upstream exchange failed; counted by kind in /metrics and mapped to what the client
/// gets (see ProxyExchange).
enum class UpstreamError : std::uint8_t
{
    ConnectRefused, ///< nobody listens: 502 at once
    ConnectFailed,  ///< unreachable, no route, name not resolved: 502
    Timeout,        ///< no response head within proxy_default_timeout (504), or a stalled body
    WriteFailed,    ///< the request could not be sent: 502
    ClosedEarly,    ///< closed or reset before a complete response head: 502
    Malformed,      ///< an unparsable response head or body framing: 502 (or cut if under way)
    Truncated,      ///< closed or reset mid-body: the client connection is cut too
};
inline constexpr int kUpstreamErrorCount = static_cast<int>(UpstreamError::Truncated) + 1;

std::string_view toString(UpstreamError e) noexcept;

} // namespace gb::gateway::proxy
