#pragma once

#include "gateway/analytics/analytics_record.h"
#include "gateway/http/request.h"

#include <cstdint>
#include <string_view>

namespace gb::gateway {

/// The client's address as Tyk's request.RealIP (request/real_ip.go:14-66) finds it: X-Real-IP
/// when it is an IP address, else the first X-Forwarded-For entry when that is one, else the
/// peer. Addresses from headers are written in Go's net.IP.String() form into `buffer` (an
/// IPv4-mapped IPv6 address as IPv4). Never allocates; any thread.
struct ClientIpBuffer
{
    char text[46];
};
std::string_view clientIp(const http::Request& request, std::string_view peer,
                          ClientIpBuffer& buffer) noexcept;

/// Fills a record's request side from a request head: method, path, User-Agent, the client's
/// address, the start time and the body length as Go's Request.ContentLength has it. Call while
/// the request's views are valid (before the exchange ends). Pure; any thread.
void captureRequest(AnalyticsRecord& record, const http::Request& request,
                    std::string_view clientIp, std::int64_t startUnixUs) noexcept;

} // namespace gb::gateway
