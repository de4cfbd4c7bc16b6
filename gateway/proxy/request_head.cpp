#include "gateway/proxy/request_head.h"

#include "gateway/proxy/header_rules.h"

#include <charconv>

namespace gb::gateway::proxy {

namespace {

void appendField(std::string& out, std::string_view name, std::string_view value)
{
    out.append(name);
    out.append(": ", 2);
    out.append(value);
    out.append("\r\n", 2);
}

bool removedByFilter(std::span<const std::string_view> removed, std::string_view name)
{
    for (const std::string_view r : removed)
        if (http::iequals(r, name))
            return true;
    return false;
}

} // namespace

void writeUpstreamHead(std::string& out, const http::Request& request, const RouteMatch& route,
                       const UpstreamHeadParams& params)
{
    out.clear();
    out.append(request.method);
    out.push_back(' ');
    route.appendUpstreamTarget(out);
    out.append(" HTTP/1.1\r\nHost: ", 17);
    out.append(params.hostHeader);
    out.append("\r\n", 2);

    const std::string_view connection = request.header("connection");
    bool haveForwardedFor = false;
    for (const http::Header& h : request.headers()) {
        switch (classifyField(h.name)) {
        case FieldRole::Forward:
        case FieldRole::Date:
            break;
        case FieldRole::ForwardedFor:
            haveForwardedFor = true;
            continue; // merged below
        default:
            continue;
        }
        if (!connection.empty() && namedInConnection(connection, h.name))
            continue;
        if (!params.removeHeaders.empty() && removedByFilter(params.removeHeaders, h.name))
            continue;
        appendField(out, h.name, h.value);
    }
    for (const http::Header& h : params.extraHeaders)
        appendField(out, h.name, h.value);

    // X-Forwarded-For: earlier proxies' values joined in order, then this client (as Go's
    // ReverseProxy, which Tyk uses, does).
    out.append("X-Forwarded-For: ", 17);
    if (haveForwardedFor &&
        !(!connection.empty() && namedInConnection(connection, "x-forwarded-for"))) {
        for (const http::Header& h : request.headers()) {
            if (classifyField(h.name) != FieldRole::ForwardedFor || h.value.empty())
                continue;
            out.append(h.value);
            out.append(", ", 2);
        }
    }
    out.append(params.peer);
    out.append("\r\n", 2);

    switch (request.framing) {
    case http::BodyFraming::None:
        break;
    case http::BodyFraming::Length: {
        out.append("Content-Length: ", 16);
        char digits[24];
        const auto r = std::to_chars(digits, digits + sizeof digits, request.contentLength);
        out.append(digits, static_cast<std::size_t>(r.ptr - digits));
        out.append("\r\n", 2);
        break;
    }
    case http::BodyFraming::Chunked:
        out.append("Transfer-Encoding: chunked\r\n", 28);
        break;
    }
    if (params.closeConnection)
        out.append("Connection: close\r\n", 19);
    out.append("\r\n", 2);
}

std::string_view routingTarget(const http::Request& request, std::string& scratch)
{
    const std::string_view target = request.target;
    if (!target.empty() && target.front() == '/')
        return target;
    // Absolute-form: path and query lie contiguous at the end of the target when it has a path.
    const char* begin = target.data();
    const char* end = begin + target.size();
    if (request.path.data() >= begin && request.path.data() < end)
        return {request.path.data(), static_cast<std::size_t>(end - request.path.data())};
    scratch.assign(request.path);
    if (!request.query.empty()) {
        scratch.push_back('?');
        scratch.append(request.query);
    }
    return scratch;
}

} // namespace gb::gateway::proxy
