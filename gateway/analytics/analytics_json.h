#pragma once

#include "gateway/analytics/analytics_identities.h"
#include "gateway/analytics/analytics_record.h"

#include <chrono>
#include <string>
#include <string_view>

namespace gb::gateway {

/// Appends one record as a JSON object with Tyk's field names (tyk-pump's AnalyticsRecord; the
/// layout is documented in docs/GATEWAY-FEATURES.md). Strings are escaped; invalid UTF-8 becomes
/// U+FFFD. `api` and `key` may be null (unknown API, keyless request). Pure; any thread.
void appendRecordJson(std::string& out, const AnalyticsRecord& record, const ApiIdentity* api,
                      const KeyIdentity* key, std::chrono::seconds expiration);

/// Appends `s` as a quoted JSON string.
void appendJsonString(std::string& out, std::string_view s);

} // namespace gb::gateway
