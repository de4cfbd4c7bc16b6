#include "gateway/keys/token.h"

#include "common/http/chars.h"

namespace gb::gateway {

namespace {

using http::chars::hexValue;
using http::chars::trimOws;

bool needsDecoding(std::string_view s) noexcept
{
    return s.find_first_of("%+") != std::string_view::npos;
}

/// Calls f(name, value, raw pair) for each "&"-separated pair of a query.
template <class F>
void forEachPair(std::string_view query, F&& f)
{
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const std::size_t eq = pair.find('=');
        f(pair.substr(0, eq),
          eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), pair);
        if (amp == std::string_view::npos)
            break;
        query.remove_prefix(amp + 1);
    }
}

bool nameMatches(std::string_view encodedName, std::string_view name)
{
    if (!needsDecoding(encodedName))
        return encodedName == name;
    std::string decoded;
    percentDecode(encodedName, decoded);
    return decoded == name;
}

/// Calls f(name, value, raw item) for each ";"-separated cookie of a Cookie field value.
template <class F>
void forEachCookie(std::string_view value, F&& f)
{
    while (!value.empty()) {
        const std::size_t semi = value.find(';');
        const std::string_view item = value.substr(0, semi);
        const std::string_view trimmed = trimOws(item);
        const std::size_t eq = trimmed.find('=');
        if (!trimmed.empty())
            f(trimOws(trimmed.substr(0, eq)),
              eq == std::string_view::npos ? std::string_view() : trimOws(trimmed.substr(eq + 1)),
              trimmed);
        if (semi == std::string_view::npos)
            break;
        value.remove_prefix(semi + 1);
    }
}

} // namespace

void percentDecode(std::string_view in, std::string& out, bool plusIsSpace)
{
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '+' && plusIsSpace) {
            out.push_back(' ');
        } else if (c == '%' && i + 2 < in.size() && hexValue(in[i + 1]) >= 0 &&
                   hexValue(in[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hexValue(in[i + 1]) * 16 + hexValue(in[i + 2])));
            i += 2;
        } else {
            out.push_back(c);
        }
    }
}

std::string_view stripBearer(std::string_view value) noexcept
{
    value = trimOws(value);
    constexpr std::string_view kBearer = "bearer";
    if (value.size() > kBearer.size() && http::iequals(value.substr(0, kBearer.size()), kBearer) &&
        (value[kBearer.size()] == ' ' || value[kBearer.size()] == '\t'))
        value = trimOws(value.substr(kBearer.size()));
    return value;
}

FoundToken findToken(const http::Request& request, const TokenAuthConfig& auth,
                     std::string& scratch)
{
    FoundToken found;
    if (!auth.disableHeader) {
        const std::string_view v = stripBearer(request.header(auth.headerName));
        if (!v.empty())
            found = {v, TokenSource::Header};
    }
    if (auth.useParam && !request.query.empty()) {
        std::string_view hit;
        bool have = false;
        forEachPair(request.query,
                    [&](std::string_view name, std::string_view value, std::string_view) {
                        if (!have && nameMatches(name, auth.paramName)) {
                            hit = value;
                            have = true;
                        }
                    });
        if (have && !hit.empty()) {
            if (needsDecoding(hit)) {
                percentDecode(hit, scratch);
                hit = scratch;
            }
            if (!hit.empty())
                found = {hit, TokenSource::Query};
        }
    }
    if (auth.useCookie) {
        for (const http::Header& h : request.headers()) {
            if (!http::iequals(h.name, "cookie"))
                continue;
            std::string_view hit;
            forEachCookie(h.value,
                          [&](std::string_view name, std::string_view value, std::string_view) {
                              if (hit.empty() && name == auth.cookieName)
                                  hit = value;
                          });
            if (!hit.empty()) {
                found = {hit, TokenSource::Cookie};
                break;
            }
        }
    }
    return found;
}

CredentialLocations credentialLocations(const TokenAuthConfig& auth) noexcept
{
    CredentialLocations l;
    if (!auth.disableHeader)
        l.header = auth.headerName;
    if (auth.useParam)
        l.queryParameter = auth.paramName;
    if (auth.useCookie)
        l.cookie = auth.cookieName;
    return l;
}

bool isCredentialHeader(std::string_view name, const TokenAuthConfig& auth) noexcept
{
    return !auth.disableHeader && http::iequals(name, auth.headerName);
}

std::string removeQueryParameter(std::string_view query, std::string_view name)
{
    std::string out;
    removeQueryParameter(query, name, out);
    return out;
}

void removeQueryParameter(std::string_view query, std::string_view name, std::string& out)
{
    out.clear();
    out.reserve(query.size());
    forEachPair(query, [&](std::string_view n, std::string_view, std::string_view pair) {
        if (nameMatches(n, name))
            return;
        if (!out.empty())
            out.push_back('&');
        out.append(pair);
    });
}

bool hasQueryParameter(std::string_view query, std::string_view name)
{
    bool found = false;
    forEachPair(query, [&](std::string_view n, std::string_view, std::string_view) {
        found = found || nameMatches(n, name);
    });
    return found;
}

std::string removeCookie(std::string_view cookieValue, std::string_view name)
{
    std::string out;
    removeCookie(cookieValue, name, out);
    return out;
}

void removeCookie(std::string_view cookieValue, std::string_view name, std::string& out)
{
    out.clear();
    out.reserve(cookieValue.size());
    forEachCookie(cookieValue, [&](std::string_view n, std::string_view, std::string_view item) {
        if (n == name)
            return;
        if (!out.empty())
            out.append("; ");
        out.append(item);
    });
}

bool hasCookie(std::string_view cookieValue, std::string_view name) noexcept
{
    bool found = false;
    forEachCookie(cookieValue, [&](std::string_view n, std::string_view, std::string_view) {
        found = found || n == name;
    });
    return found;
}

} // namespace gb::gateway
