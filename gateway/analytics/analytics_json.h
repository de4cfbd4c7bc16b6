#pragma once

#include "gateway/analytics/record_values.h"

#include <string>
#include <string_view>

namespace gb::gateway {

/// Appends one record as a JSON object with the JSON names of tyk-pump's AnalyticsRecord and
/// two of ours in microseconds (analytics_config.serializer_type "json"; the layout is
/// documented in docs/GATEWAY-FEATURES.md). Strings are escaped; invalid UTF-8 becomes U+FFFD.
/// Pure; any thread.
void appendRecordJson(std::string& out, const RecordValues& values);

/// Appends `s` as a quoted JSON string.
void appendJsonString(std::string& out, std::string_view s);

} // namespace gb::gateway
