#pragma once

// The bodies Tyk answers with when it cannot proxy, byte for byte (Tyk's templates/error.json
// renders {"error": "<message>"} with a four-space indent), so clients that parse Tyk's errors
// parse ours.

#include "gateway/http/request.h"

#include <string_view>

namespace gb::gateway::proxy {

/// Upstream refused, unreachable, closed early or answered garbage: 502.
inline constexpr std::string_view kProxyErrorBody =
    "{\n    \"error\": \"There was a problem proxying the request\"\n}";
/// No response head within proxy_default_timeout: 504.
inline constexpr std::string_view kTimeoutBody =
    "{\n    \"error\": \"Upstream service reached hard timeout.\"\n}";
/// No API matched: Tyk's router answers Go's http.StatusText, as text/plain.
inline constexpr std::string_view kNotFoundBody = "Not Found";

/// Headers of Tyk's JSON errors (Tyk adds X-Generator to the responses it makes itself).
inline constexpr http::Header kJsonErrorHeaders[] = {{"Content-Type", "application/json"},
                                                     {"X-Generator", "tyk.io"}};
inline constexpr http::Header kNotFoundHeaders[] = {{"Content-Type", "text/plain; charset=utf-8"}};

} // namespace gb::gateway::proxy
