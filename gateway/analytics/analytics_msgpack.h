#pragma once

#include "gateway/analytics/record_values.h"

#include <string>

namespace gb::gateway {

/// Appends one record encoded as Tyk writes it for tyk-pump: msgpack of tyk-pump's
/// analytics.AnalyticsRecord (v1.17) by gopkg.in/vmihailenco/msgpack.v2 (v2.9.1), the
/// serializer Tyk uses by default (tyk-pump serializer/msgp.go:11-13). That library writes a
/// struct as a map keyed by the Go field names, in declaration order, unexported fields left
/// out (types.go:136-176 at v2.9.2); integers in their shortest form (encode_number.go:27-75);
/// a time as the array [Unix seconds, nanoseconds] (time.go:17-25); a nil slice or map as nil.
/// So tyk-pump's Decode reads these records as it reads Tyk's. Pure; any thread.
void appendRecordMsgpack(std::string& out, const RecordValues& values);

} // namespace gb::gateway
