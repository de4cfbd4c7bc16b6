#include "engine/url.h"

#include <algorithm>
#include <charconv>

namespace gb::engine {

std::string Url::authority() const
{
    // Built by appending: GCC 12 warns falsely (-Wrestrict) on chained operator+ here.
    std::string a;
    const bool v6 = host.find(':') != std::string::npos;
    if (v6)
        a += '[';
    a += host;
    if (v6)
        a += ']';
    if (port != (tls() ? 443 : 80)) {
        a += ':';
        a += std::to_string(port);
    }
    return a;
}

std::variant<Url, std::string> parseUrl(std::string_view text)
{
    std::string quoted(1, '"');
    quoted.append(text).push_back('"');
    Url url;
    const auto sep = text.find("://");
    if (sep == std::string_view::npos) // hey fails every request of such a URL, or exits 1
        return "URL " + quoted + " has no scheme: use http://" + std::string(text) +
               " (or https://)";
    url.scheme = std::string(text.substr(0, sep));
    std::transform(url.scheme.begin(), url.scheme.end(), url.scheme.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    if (url.scheme != "http" && url.scheme != "https")
        return "unsupported URL scheme \"" + url.scheme + "\" in " + quoted + ": use http or https";
    text.remove_prefix(sep + 3);
    const auto pathStart = text.find_first_of("/?#");
    std::string_view hostPort = text.substr(0, pathStart);
    std::string_view rest =
        pathStart == std::string_view::npos ? std::string_view{} : text.substr(pathStart);
    if (hostPort.find('@') != std::string_view::npos)
        return "invalid URL " + quoted +
               ": credentials in the URL are not supported, use -a user:pass";
    std::string_view portText;
    if (!hostPort.empty() && hostPort.front() == '[') {
        const auto close = hostPort.find(']');
        if (close == std::string_view::npos)
            return "invalid URL " + quoted + ": unclosed IPv6 literal";
        url.host = std::string(hostPort.substr(1, close - 1));
        std::string_view after = hostPort.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':')
                return "invalid URL " + quoted + ": junk after IPv6 literal";
            portText = after.substr(1);
        }
    } else {
        const auto colon = hostPort.rfind(':');
        url.host = std::string(hostPort.substr(0, colon));
        if (colon != std::string_view::npos)
            portText = hostPort.substr(colon + 1);
    }
    if (url.host.empty())
        return "invalid URL " + quoted + ": missing host";
    url.port = url.tls() ? 443 : 80;
    if (!portText.empty()) {
        unsigned port = 0;
        const auto [end, ec] =
            std::from_chars(portText.data(), portText.data() + portText.size(), port);
        if (ec != std::errc{} || end != portText.data() + portText.size() || port == 0 ||
            port > 65535)
            return "invalid URL " + quoted + ": bad port \"" + std::string(portText) + "\"";
        url.port = std::uint16_t(port);
    }
    rest = rest.substr(0, rest.find('#')); // fragments never go on the wire
    // Appended, not "/" + ...: GCC 12 warns falsely (-Wrestrict) on that, as in authority().
    if (rest.empty() || rest.front() != '/')
        url.target = "/";
    url.target.append(rest);
    if (url.target.find_first_of(" \r\n\t") != std::string::npos)
        return "invalid URL " + quoted + ": whitespace in path";
    return url;
}

} // namespace gb::engine
