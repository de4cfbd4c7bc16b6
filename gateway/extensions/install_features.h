#pragma once

#include "gateway/proxy/gateway_app.h"

namespace gb::gateway {

class GatewayFeatures;

/// Plugs keys, rate limits, quotas, analytics and latency histograms into the proxy's extension
/// points: the /tyk/keys and /tyk/policies admin endpoints (policies reloaded with the APIs),
/// /hello's redis components, the features' series at the
/// end of /metrics, and one request filter per worker that runs the access check (answering
/// 401/403/429/503 itself, stripping the credential's header, query parameter and cookie
/// otherwise) and records each request's analytics and latency.
///
/// `features` must be started before the gateway serves and must outlive the GatewayApp; call
/// features.stop() after the app's wait() returned (see GatewayFeatures).
void installGatewayFeatures(proxy::GatewayExtensions& extensions, GatewayFeatures& features);

} // namespace gb::gateway
