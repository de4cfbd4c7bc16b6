#include "common/net/listen_address.h"

#include <charconv>

namespace gb::net {

std::optional<ListenAddress> parseListenAddress(std::string_view text)
{
    // A bare port has no colon; an IPv6 host without a port ends in ']' and is refused below.
    const auto colon = text.rfind(':');
    std::string_view host =
        colon == std::string_view::npos ? std::string_view() : text.substr(0, colon);
    const std::string_view portText =
        colon == std::string_view::npos ? text : text.substr(colon + 1);
    if (portText.empty() || portText.size() > 5)
        return std::nullopt;
    unsigned port = 0;
    const auto r = std::from_chars(portText.data(), portText.data() + portText.size(), port);
    if (r.ec != std::errc{} || r.ptr != portText.data() + portText.size() || port > 65535)
        return std::nullopt;
    if (!host.empty() && host.front() == '[') {
        if (host.size() < 3 || host.back() != ']')
            return std::nullopt;
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
        return std::nullopt; // an IPv6 address needs brackets
    }
    for (char c : host)
        if (c <= ' ' || c == '/' || c == '[' || c == ']' || c == '@' ||
            static_cast<unsigned char>(c) > 0x7e)
            return std::nullopt;
    return ListenAddress{std::string(host), static_cast<std::uint16_t>(port)};
}

} // namespace gb::net
