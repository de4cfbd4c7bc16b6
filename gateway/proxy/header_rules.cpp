#include "gateway/proxy/header_rules.h"

#include "common/http/chars.h"
#include "gateway/http/request.h"

namespace gb::gateway::proxy {

namespace {

using http::iequals;

std::string_view trimOws(std::string_view s) noexcept
{
    while (!s.empty() && http::chars::isOws(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && http::chars::isOws(s.back()))
        s.remove_suffix(1);
    return s;
}

} // namespace

FieldRole classifyField(std::string_view name) noexcept
{
    // Dispatch on length first: most fields (Accept, User-Agent, Content-Type...) are ruled out
    // by one switch and at most one comparison.
    switch (name.size()) {
    case 2:
        return iequals(name, "te") ? FieldRole::HopByHop : FieldRole::Forward;
    case 4:
        if (iequals(name, "host"))
            return FieldRole::Host;
        return iequals(name, "date") ? FieldRole::Date : FieldRole::Forward;
    case 6:
        return iequals(name, "expect") ? FieldRole::Expect : FieldRole::Forward;
    case 7:
        if (iequals(name, "trailer") || iequals(name, "upgrade"))
            return FieldRole::HopByHop;
        return FieldRole::Forward;
    case 10:
        if (iequals(name, "connection") || iequals(name, "keep-alive"))
            return FieldRole::HopByHop;
        return FieldRole::Forward;
    case 14:
        return iequals(name, "content-length") ? FieldRole::ContentLength : FieldRole::Forward;
    case 15:
        return iequals(name, "x-forwarded-for") ? FieldRole::ForwardedFor : FieldRole::Forward;
    case 16:
        return iequals(name, "proxy-connection") ? FieldRole::HopByHop : FieldRole::Forward;
    case 17:
        return iequals(name, "transfer-encoding") ? FieldRole::TransferEncoding
                                                  : FieldRole::Forward;
    case 18:
        return iequals(name, "proxy-authenticate") ? FieldRole::HopByHop : FieldRole::Forward;
    case 19:
        return iequals(name, "proxy-authorization") ? FieldRole::HopByHop : FieldRole::Forward;
    default:
        return FieldRole::Forward;
    }
}

bool namedInConnection(std::string_view list, std::string_view name) noexcept
{
    while (!list.empty()) {
        const auto comma = list.find(',');
        if (iequals(trimOws(list.substr(0, comma)), name))
            return true;
        if (comma == std::string_view::npos)
            break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

bool isIdempotentMethod(std::string_view method) noexcept
{
    // Methods are case-sensitive (RFC 9110 §9.1).
    return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "TRACE" ||
           method == "PUT" || method == "DELETE";
}

} // namespace gb::gateway::proxy
