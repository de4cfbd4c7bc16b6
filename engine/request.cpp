#include "engine/request.h"

#include "common/version.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace gb::engine {

namespace {

bool iequals(const std::string& a, const std::string& b)
{
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

std::string base64(const std::string& in)
{
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned v =
            (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
        out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63],
                kAlphabet[v & 63]};
    }
    if (i + 1 == in.size()) {
        const unsigned v = (unsigned char)in[i] << 16;
        out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == in.size()) {
        const unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
        out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
    }
    return out;
}

bool isTokenChar(unsigned char c)
{
    return std::isalnum(c) ||
           std::string_view("!#$%&'*+-.^_`|~").find(char(c)) != std::string_view::npos;
}

} // namespace

std::string canonicalHeaderName(std::string name)
{
    // Go's textproto.CanonicalMIMEHeaderKey, which hey's header.Set applies: a name that is not
    // a token is left as typed.
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
            return isTokenChar(static_cast<unsigned char>(c));
        }))
        return name;
    bool upper = true;
    for (char& c : name) {
        const auto u = static_cast<unsigned char>(c);
        c = char(upper ? std::toupper(u) : std::tolower(u));
        upper = c == '-';
    }
    return name;
}

std::string serializeRequest(const RequestSpec& spec)
{
    std::vector<std::pair<std::string, std::string>> headers;
    auto set = [&headers](std::string name, std::string value) {
        for (auto& h : headers)
            if (iequals(h.first, name)) {
                h.second = std::move(value);
                return;
            }
        headers.emplace_back(std::move(name), std::move(value));
    };
    set("Host", spec.hostOverride.empty() ? spec.url.authority() : spec.hostOverride);
    set("User-Agent", std::string("gatebench-load/") + gb::kVersion);
    // hey sets Content-Type on every request, with a body or not (hey.go: header.Set(
    // "Content-Type", *contentType) before any -H); Content-Length goes with a body, or with
    // the methods that carry one, as Go's client sends it.
    if (!spec.contentType.empty())
        set("Content-Type", spec.contentType);
    if (!spec.body.empty() || spec.method == "POST" || spec.method == "PUT" ||
        spec.method == "PATCH")
        set("Content-Length", std::to_string(spec.body.size()));
    if (!spec.basicAuth.empty())
        set("Authorization", "Basic " + base64(spec.basicAuth));
    for (const auto& [name, value] : spec.headers)
        set(canonicalHeaderName(name), value);
    if (!spec.accept.empty())
        set("Accept", spec.accept); // hey: -A wins over -H "Accept: ..."

    if (!spec.keepAlive)
        set("Connection", "close");

    std::string out = spec.method + " " + spec.url.target + " HTTP/1.1\r\n";
    for (const auto& [name, value] : headers)
        out += name + ": " + value + "\r\n";
    out += "\r\n";
    out += spec.body;
    return out;
}

} // namespace gb::engine
