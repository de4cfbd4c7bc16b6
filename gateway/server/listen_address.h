#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gb::gateway {

/// "host:port" as Go's net.Listen takes it: ":8000" (every interface), "127.0.0.1:0",
/// "[::1]:8080", "localhost:8000". Port 0 asks for any free port.
struct ListenAddress
{
    std::string host; ///< empty: every interface; IPv6 without brackets
    std::uint16_t port = 0;
};

/// Syntax only (no resolution); nullopt when malformed.
std::optional<ListenAddress> parseListenAddress(std::string_view text);

} // namespace gb::gateway
