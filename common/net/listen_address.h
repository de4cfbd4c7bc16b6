#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gb::net {

/// Where a server listens, as the servers' flags take it (gatebench-upstream --addr,
/// gatebench-gateway --listen): "host:port" as Go's net.Listen takes it (":8000" for every
/// interface, "127.0.0.1:0", "[::1]:8080", "localhost:8000") or a bare port ("8080"). Port 0
/// asks for any free port.
struct ListenAddress
{
    std::string host; ///< empty: every interface; IPv6 without brackets
    std::uint16_t port = 0;
};

/// Syntax only (no resolution); nullopt when malformed: no port, a port above 65535, an IPv6
/// address without brackets, or a host with spaces, slashes, brackets, '@' or non-ASCII bytes.
std::optional<ListenAddress> parseListenAddress(std::string_view text);

} // namespace gb::net
