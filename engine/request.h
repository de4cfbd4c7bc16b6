#pragma once

#include "engine/url.h"

#include <string>
#include <utility>
#include <vector>

namespace gb::engine {

/// What to send, as hey's flags describe it. Serialized once per run into the exact bytes every
/// request writes (wrk's approach): the hot path copies nothing and formats nothing.
struct RequestSpec
{
    Url url;
    std::string method = "GET";
    std::vector<std::pair<std::string, std::string>> headers; ///< -H, in order
    std::string body;                                         ///< -d or -D
    std::string contentType = "text/html";                    ///< -T (hey's default)
    std::string accept;                                       ///< -A (hey: the Accept header)
    std::string basicAuth;                                    ///< -a user:pass
    std::string hostOverride;                                 ///< -host
    bool keepAlive = true;                                    ///< false: -disable-keepalive

    bool isHead() const { return method == "HEAD"; }
};

/// The request's bytes on the wire. Headers given with -H override the defaults of the same name
/// and are sent under their canonical names, as hey's are.
std::string serializeRequest(const RequestSpec& spec);

/// "x-api-key" -> "X-Api-Key" (Go's CanonicalMIMEHeaderKey); a name that is not an HTTP token is
/// returned unchanged.
std::string canonicalHeaderName(std::string name);

} // namespace gb::engine
