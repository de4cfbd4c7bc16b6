#include "gateway/analytics/analytics_msgpack.h"

#include <cstdint>

namespace gb::gateway {

namespace {

// The few msgpack forms a record needs (https://github.com/msgpack/msgpack/blob/master/spec.md),
// each in the shortest form, as vmihailenco/msgpack.v2 chooses it.

void appendBigEndian(std::string& out, std::uint64_t v, int bytes)
{
    for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void appendUint(std::string& out, std::uint64_t v)
{
    if (v <= 0x7f) {
        out.push_back(static_cast<char>(v));
    } else if (v <= 0xff) {
        out.push_back('\xcc');
        appendBigEndian(out, v, 1);
    } else if (v <= 0xffff) {
        out.push_back('\xcd');
        appendBigEndian(out, v, 2);
    } else if (v <= 0xffffffff) {
        out.push_back('\xce');
        appendBigEndian(out, v, 4);
    } else {
        out.push_back('\xcf');
        appendBigEndian(out, v, 8);
    }
}

void appendInt(std::string& out, std::int64_t v)
{
    if (v >= 0) {
        appendUint(out, static_cast<std::uint64_t>(v));
    } else if (v >= -32) {
        out.push_back(static_cast<char>(v)); // negative fixint
    } else if (v >= INT8_MIN) {
        out.push_back('\xd0');
        appendBigEndian(out, static_cast<std::uint64_t>(v), 1);
    } else if (v >= INT16_MIN) {
        out.push_back('\xd1');
        appendBigEndian(out, static_cast<std::uint64_t>(v), 2);
    } else if (v >= INT32_MIN) {
        out.push_back('\xd2');
        appendBigEndian(out, static_cast<std::uint64_t>(v), 4);
    } else {
        out.push_back('\xd3');
        appendBigEndian(out, static_cast<std::uint64_t>(v), 8);
    }
}

void appendStringHeader(std::string& out, std::size_t size)
{
    if (size < 32) {
        out.push_back(static_cast<char>(0xa0 | size));
    } else if (size <= 0xff) {
        out.push_back('\xd9');
        appendBigEndian(out, size, 1);
    } else if (size <= 0xffff) {
        out.push_back('\xda');
        appendBigEndian(out, size, 2);
    } else {
        out.push_back('\xdb');
        appendBigEndian(out, size, 4);
    }
}

/// A string made of two parts, e.g. "key-" and a hash (Go would have concatenated them).
void appendString(std::string& out, std::string_view first, std::string_view second = {})
{
    appendStringHeader(out, first.size() + second.size());
    out.append(first);
    out.append(second);
}

void appendArrayHeader(std::string& out, std::size_t size)
{
    if (size < 16) {
        out.push_back(static_cast<char>(0x90 | size));
    } else if (size <= 0xffff) {
        out.push_back('\xdc');
        appendBigEndian(out, size, 2);
    } else {
        out.push_back('\xdd');
        appendBigEndian(out, size, 4);
    }
}

void appendMapHeader(std::string& out, std::size_t size)
{
    if (size < 16) {
        out.push_back(static_cast<char>(0x80 | size));
    } else {
        out.push_back('\xde');
        appendBigEndian(out, size, 2);
    }
}

/// time.Time as msgpack.v2 writes it: [Unix seconds, nanoseconds].
void appendTime(std::string& out, std::int64_t unixUs)
{
    std::int64_t seconds = unixUs / 1'000'000;
    std::int64_t micros = unixUs % 1'000'000;
    if (micros < 0) {
        --seconds;
        micros += 1'000'000;
    }
    appendArrayHeader(out, 2);
    appendInt(out, seconds);
    appendInt(out, micros * 1000);
}

void appendKey(std::string& out, std::string_view name)
{
    appendString(out, name);
}

constexpr std::string_view kNil = "\xc0";
constexpr std::string_view kFalse = "\xc2";
constexpr std::string_view kZeroFloat64{"\xcb\0\0\0\0\0\0\0\0", 9};

/// The members every record of ours has empty, in Go's field order: GeoData{} (no GeoIP),
/// NetworkStats{}; then after Latency come the variable members; the zero tail is appended by
/// appendZeroTail.
void appendZeroGeoAndNetwork(std::string& out)
{
    appendKey(out, "Geo");
    appendMapHeader(out, 3);
    appendKey(out, "Country");
    appendMapHeader(out, 1);
    appendKey(out, "ISOCode");
    appendString(out, "");
    appendKey(out, "City");
    appendMapHeader(out, 2);
    appendKey(out, "GeoNameID");
    appendUint(out, 0);
    appendKey(out, "Names");
    out.append(kNil);
    appendKey(out, "Location");
    appendMapHeader(out, 3);
    appendKey(out, "Latitude");
    out.append(kZeroFloat64);
    appendKey(out, "Longitude");
    out.append(kZeroFloat64);
    appendKey(out, "TimeZone");
    appendString(out, "");

    appendKey(out, "Network");
    appendMapHeader(out, 4);
    for (std::string_view name : {"OpenConnections", "ClosedConnection", "BytesIn", "BytesOut"}) {
        appendKey(out, name);
        appendInt(out, 0);
    }
}

/// GraphQLStats{}, MCPStats{} and CollectionName "": the last three members.
void appendZeroTail(std::string& out)
{
    appendKey(out, "GraphQLStats");
    appendMapHeader(out, 7);
    appendKey(out, "Variables");
    appendString(out, "");
    for (std::string_view name : {"RootFields", "Types", "Errors"}) {
        appendKey(out, name);
        out.append(kNil);
    }
    appendKey(out, "OperationType");
    appendInt(out, 0);
    appendKey(out, "HasErrors");
    out.append(kFalse);
    appendKey(out, "IsGraphQL");
    out.append(kFalse);

    appendKey(out, "MCPStats");
    appendMapHeader(out, 4);
    appendKey(out, "IsMCP");
    out.append(kFalse);
    for (std::string_view name : {"JSONRPCMethod", "PrimitiveType", "PrimitiveName"}) {
        appendKey(out, name);
        appendString(out, "");
    }
    appendKey(out, "CollectionName");
    appendString(out, "");
}

/// The constant parts, encoded once.
struct ConstantParts
{
    std::string geoAndNetwork;
    std::string tail;
    ConstantParts()
    {
        appendZeroGeoAndNetwork(geoAndNetwork);
        appendZeroTail(tail);
    }
};

} // namespace

void appendRecordMsgpack(std::string& out, const RecordValues& v)
{
    static const ConstantParts constant;
    constexpr std::size_t kFields = 35; // tyk-pump v1.17 AnalyticsRecord's exported fields
    appendMapHeader(out, kFields);
    appendKey(out, "Method");
    appendString(out, v.method);
    appendKey(out, "Host");
    appendString(out, v.host);
    appendKey(out, "Path");
    appendString(out, v.pathSlash, v.path);
    appendKey(out, "RawPath");
    appendString(out, v.pathSlash, v.path);
    appendKey(out, "ContentLength");
    appendInt(out, v.contentLength);
    appendKey(out, "UserAgent");
    appendString(out, v.userAgent);
    appendKey(out, "Day");
    appendInt(out, v.utc.tm_mday);
    appendKey(out, "Month");
    appendInt(out, v.utc.tm_mon + 1);
    appendKey(out, "Year");
    appendInt(out, v.utc.tm_year + 1900);
    appendKey(out, "Hour");
    appendInt(out, v.utc.tm_hour);
    appendKey(out, "ResponseCode");
    appendInt(out, v.responseCode);
    appendKey(out, "APIKey");
    appendString(out, v.apiKey);
    appendKey(out, "TimeStamp");
    appendTime(out, v.timeUs);
    appendKey(out, "APIVersion");
    appendString(out, RecordValues::kNotVersioned);
    appendKey(out, "APIName");
    appendString(out, v.apiName);
    appendKey(out, "APIID");
    appendString(out, v.apiId);
    appendKey(out, "OrgID");
    appendString(out, v.orgId);
    appendKey(out, "OauthID");
    appendString(out, "");
    appendKey(out, "RequestTime");
    appendInt(out, v.totalMs);
    appendKey(out, "RawRequest");
    appendString(out, "");
    appendKey(out, "RawResponse");
    appendString(out, "");
    appendKey(out, "IPAddress");
    appendString(out, v.ip);
    out.append(constant.geoAndNetwork);
    appendKey(out, "Latency");
    appendMapHeader(out, 3);
    appendKey(out, "Total");
    appendInt(out, v.totalMs);
    appendKey(out, "Upstream");
    appendInt(out, v.upstreamMs);
    appendKey(out, "Gateway");
    appendInt(out, v.totalMs - v.upstreamMs);
    appendKey(out, "Tags");
    appendArrayHeader(out, v.tagCount());
    v.forEachTag([&out](std::string_view prefix, std::string_view value) {
        appendString(out, prefix, value);
    });
    appendKey(out, "Alias");
    appendString(out, v.alias);
    appendKey(out, "TrackPath");
    out.append(kFalse);
    appendKey(out, "ExpireAt");
    appendTime(out, v.expireAtUs);
    appendKey(out, "ApiSchema");
    appendString(out, "");
    appendKey(out, "OriginalPath");
    appendString(out, v.originalPath);
    appendKey(out, "ListenPath");
    appendString(out, v.listenPath);
    out.append(constant.tail);
}

} // namespace gb::gateway
