#include "gateway/config/upstream_url.h"

#include "gateway/config/concat.h"

#include <algorithm>
#include <cctype>

namespace gb::gateway {

namespace {

bool startsWithNoCase(std::string_view s, std::string_view prefix)
{
    return s.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
           });
}

// RFC 3986 reg-name / IPv4 characters; percent-encoded names are not worth supporting here.
bool isHostChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

template <class... Parts>
UpstreamUrlParse failure(const Parts&... parts)
{
    return {std::nullopt, concat(parts...)};
}

} // namespace

UpstreamUrlParse parseUpstreamUrl(std::string_view text)
{
    const std::string quoted = concat("\"", text, "\"");
    if (text.empty())
        return failure("the target URL is empty.");
    if (startsWithNoCase(text, "https://"))
        return failure("the target URL ", quoted,
                       " uses https, which is not supported: upstreams must be plain http://.");
    if (!startsWithNoCase(text, "http://")) {
        const auto colon = text.find("://");
        if (colon != std::string_view::npos)
            return failure("the target URL ", quoted, " uses the scheme \"", text.substr(0, colon),
                           "\", which is not supported: upstreams must be plain http://.");
        return failure("the target URL ", quoted, " must start with http://.");
    }
    std::string_view rest = text.substr(7);
    if (rest.find('#') != std::string_view::npos)
        return failure("the target URL ", quoted, " must not contain a fragment (#).");
    for (char c : rest) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return failure("the target URL ", quoted, " contains a space or control character.");
    }

    const auto authorityEnd = rest.find_first_of("/?");
    const std::string_view authority = rest.substr(0, authorityEnd);
    std::string_view pathAndQuery =
        authorityEnd == std::string_view::npos ? std::string_view{} : rest.substr(authorityEnd);
    if (authority.find('@') != std::string_view::npos)
        return failure("the target URL ", quoted,
                       " must not contain user information (user@host); send credentials with "
                       "the request instead.");

    UpstreamUrl url;
    url.hostHeader = std::string(authority);
    std::string_view portText;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos)
            return failure("the target URL ", quoted, " has an unclosed IPv6 address.");
        const std::string_view v6 = authority.substr(1, close - 1);
        if (v6.empty() || !std::all_of(v6.begin(), v6.end(), [](char c) {
                return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
            }))
            return failure("the target URL ", quoted, " has an invalid IPv6 address.");
        url.host = std::string(v6);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':')
                return failure("the target URL ", quoted, " has junk after the IPv6 address.");
            portText = after.substr(1);
            if (portText.empty())
                return failure("the target URL ", quoted, " has an empty port.");
        }
    } else {
        const auto colon = authority.find(':');
        url.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            portText = authority.substr(colon + 1);
            if (portText.empty())
                return failure("the target URL ", quoted, " has an empty port.");
        }
        if (!std::all_of(url.host.begin(), url.host.end(), isHostChar))
            return failure("the target URL ", quoted, " has an invalid host name.");
    }
    if (url.host.empty())
        return failure("the target URL ", quoted, " has no host.");
    if (!portText.empty()) {
        unsigned long port = 0;
        for (char c : portText) {
            if (!std::isdigit(static_cast<unsigned char>(c)) || port > 65535)
                return failure("the target URL ", quoted, " has an invalid port.");
            port = port * 10 + static_cast<unsigned long>(c - '0');
        }
        if (port == 0 || port > 65535)
            return failure("the target URL ", quoted, " has a port outside 1-65535.");
        url.port = static_cast<std::uint16_t>(port);
    }

    const auto question = pathAndQuery.find('?');
    url.path = std::string(pathAndQuery.substr(0, question));
    if (question != std::string_view::npos)
        url.query = std::string(pathAndQuery.substr(question + 1));
    return {std::move(url), {}};
}

} // namespace gb::gateway
