#include "gateway/proxy/upstream_error.h"

namespace gb::gateway::proxy {

std::string_view toString(UpstreamError e) noexcept
{
    switch (e) {
    case UpstreamError::ConnectRefused:
        return "connect_refused";
    case UpstreamError::ConnectFailed:
        return "connect_failed";
    case UpstreamError::Timeout:
        return "timeout";
    case UpstreamError::WriteFailed:
        return "write_failed";
    case UpstreamError::ClosedEarly:
        return "closed_early";
    case UpstreamError::Malformed:
        return "malformed";
    case UpstreamError::Truncated:
        return "truncated";
    }
    return "unknown";
}

} // namespace gb::gateway::proxy
