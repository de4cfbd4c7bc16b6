#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace gb::engine {

/// An absolute http(s) URL split into what a client needs to connect and to write a request.
struct Url
{
    std::string scheme; ///< "http" or "https"
    std::string host;   ///< without brackets for IPv6 literals
    std::uint16_t port = 0;
    std::string target; ///< origin-form request target: path plus query, at least "/"

    bool tls() const { return scheme == "https"; }
    /// Host header value: host, plus ":port" when it is not the scheme's default.
    std::string authority() const;
};

/// Parses "http://host[:port][/path][?query]"; the string is the user-facing error otherwise.
std::variant<Url, std::string> parseUrl(std::string_view text);

} // namespace gb::engine
