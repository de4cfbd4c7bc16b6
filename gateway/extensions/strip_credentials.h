#pragma once

#include "gateway/config/api_definition.h"
#include "gateway/proxy/request_filter.h"

namespace gb::gateway {

/// Keeps the client's credential from reaching the upstream: takes every location the API reads
/// a key from out of the request sent upstream, whether or not this request used it — each
/// field named like the auth header, each query pair named like the parameter, and the cookie
/// from each Cookie field (a field left empty is dropped). Other parameters and cookies keep
/// their bytes and their order.
///
/// Works through ctx's upstream rewrites (removeUpstreamHeaders, upstreamQuery, strings), so
/// nothing is copied or allocated unless the request carries the parameter or the cookie.
/// Call from a filter's onRequest (or its resume) on the worker thread, with ctx.exchange set.
void stripCredentials(proxy::RequestContext& ctx, const TokenAuthConfig& auth);

} // namespace gb::gateway
