#pragma once

#include "gateway/analytics/analytics_record.h"
#include "gateway/http/request.h"

#include <cstdint>
#include <string_view>

namespace gb::gateway {

/// Fills a record's request side from a request head: method, Host, path, query, User-Agent,
/// the client's address, the start time and the declared body length. Call while the request's
/// views are valid (before the exchange ends). Pure; any thread.
void captureRequest(AnalyticsRecord& record, const http::Request& request,
                    std::string_view clientIp, std::int64_t startUnixUs) noexcept;
/// The same with the query to record instead of the request's (one without a credential).
void captureRequest(AnalyticsRecord& record, const http::Request& request, std::string_view query,
                    std::string_view clientIp, std::int64_t startUnixUs) noexcept;

} // namespace gb::gateway
