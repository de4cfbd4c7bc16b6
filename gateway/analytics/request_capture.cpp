#include "gateway/analytics/request_capture.h"

namespace gb::gateway {

void captureRequest(AnalyticsRecord& record, const http::Request& request,
                    std::string_view clientIp, std::int64_t startUnixUs) noexcept
{
    captureRequest(record, request, request.query, clientIp, startUnixUs);
}

void captureRequest(AnalyticsRecord& record, const http::Request& request, std::string_view query,
                    std::string_view clientIp, std::int64_t startUnixUs) noexcept
{
    record.timestampUs = startUnixUs;
    record.contentLength = request.framing == http::BodyFraming::Length
                               ? static_cast<std::int64_t>(request.contentLength)
                               : 0;
    record.setRequest(request.method, request.host, request.path, query,
                      request.header("User-Agent"), clientIp);
}

} // namespace gb::gateway
