#include "gateway/extensions/strip_credentials.h"

#include "gateway/keys/token.h"
#include "gateway/proxy/header_rules.h"

namespace gb::gateway {

namespace {

constexpr std::string_view kCookie = "Cookie";

bool isCookieField(const http::Header& h)
{
    return http::iequals(h.name, kCookie);
}

void stripCookie(proxy::RequestContext& ctx, const http::Request& request, std::string_view name)
{
    bool found = false;
    for (const http::Header& h : request.headers())
        found = found || (isCookieField(h) && hasCookie(h.value, name));
    if (!found)
        return;
    // Named in the client's Connection, Cookie is hop-by-hop and the proxy drops it anyway;
    // re-adding it below would forward it after all.
    if (proxy::namedInConnection(request.header("connection"), kCookie))
        return;
    // A field cannot be edited in place: drop them all, then add each one back, in order, as
    // it must now read. Copies, because the views must outlive the request head.
    ctx.removeUpstreamHeaders.push_back(kCookie);
    for (const http::Header& h : request.headers()) {
        if (!isCookieField(h))
            continue;
        std::string& value = ctx.strings.next();
        if (hasCookie(h.value, name))
            removeCookie(h.value, name, value);
        else
            value.assign(h.value); // byte for byte
        if (!value.empty())
            ctx.addUpstreamHeaders.push_back({kCookie, value});
    }
}

} // namespace

void stripCredentials(proxy::RequestContext& ctx, const TokenAuthConfig& auth)
{
    const CredentialLocations where = credentialLocations(auth);
    // The names are views into the API definition, which outlives the request.
    if (!where.header.empty())
        ctx.removeUpstreamHeaders.push_back(where.header);
    const http::Request& request = ctx.exchange->request();
    if (!where.queryParameter.empty() && !request.query.empty() &&
        hasQueryParameter(request.query, where.queryParameter)) {
        removeQueryParameter(request.query, where.queryParameter, ctx.upstreamQuery);
        ctx.replaceUpstreamQuery = true;
    }
    if (!where.cookie.empty())
        stripCookie(ctx, request, where.cookie);
}

} // namespace gb::gateway
