#include "gateway/analytics/analytics_msgpack.h"

#include <cassert>
#include <cstdint>
#include <cstring>

namespace gb::gateway {

namespace {

// The few msgpack forms a record needs (https://github.com/msgpack/msgpack/blob/master/spec.md),
// each in the shortest form, as vmihailenco/msgpack.v2 chooses it. Written through a raw
// pointer into room reserved for the record's upper bound: the writer thread encodes every
// record, and checking the capacity byte by byte cost as much as the encoding.
class Writer
{
public:
    explicit Writer(char* at)
        : m_at(at)
    {}
    char* at() const { return m_at; }

    void byte(unsigned char c) { *m_at++ = static_cast<char>(c); }
    void raw(std::string_view s)
    {
        if (!s.empty())
            std::memcpy(m_at, s.data(), s.size());
        m_at += s.size();
    }
    /// A field name: a fixstr (every name of the record is shorter than 32 bytes).
    template <std::size_t N>
    void key(const char (&name)[N])
    {
        static_assert(N - 1 < 32);
        byte(static_cast<unsigned char>(0xa0 | (N - 1)));
        std::memcpy(m_at, name, N - 1);
        m_at += N - 1;
    }
    void bigEndian(std::uint64_t v, int bytes)
    {
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8)
            byte(static_cast<unsigned char>((v >> shift) & 0xff));
    }
    void uint(std::uint64_t v)
    {
        if (v <= 0x7f) {
            byte(static_cast<unsigned char>(v));
        } else if (v <= 0xff) {
            byte(0xcc);
            bigEndian(v, 1);
        } else if (v <= 0xffff) {
            byte(0xcd);
            bigEndian(v, 2);
        } else if (v <= 0xffffffff) {
            byte(0xce);
            bigEndian(v, 4);
        } else {
            byte(0xcf);
            bigEndian(v, 8);
        }
    }
    void integer(std::int64_t v)
    {
        const auto bits = static_cast<std::uint64_t>(v);
        if (v >= 0) {
            uint(bits);
        } else if (v >= -32) {
            byte(static_cast<unsigned char>(bits & 0xff)); // negative fixint
        } else if (v >= INT8_MIN) {
            byte(0xd0);
            bigEndian(bits, 1);
        } else if (v >= INT16_MIN) {
            byte(0xd1);
            bigEndian(bits, 2);
        } else if (v >= INT32_MIN) {
            byte(0xd2);
            bigEndian(bits, 4);
        } else {
            byte(0xd3);
            bigEndian(bits, 8);
        }
    }
    /// A string made of two parts, e.g. "key-" and a hash (Go would have concatenated them).
    void string(std::string_view first, std::string_view second = {})
    {
        const std::size_t size = first.size() + second.size();
        if (size < 32) {
            byte(static_cast<unsigned char>(0xa0 | size));
        } else if (size <= 0xff) {
            byte(0xd9);
            bigEndian(size, 1);
        } else if (size <= 0xffff) {
            byte(0xda);
            bigEndian(size, 2);
        } else {
            byte(0xdb);
            bigEndian(size, 4);
        }
        raw(first);
        raw(second);
    }
    void arrayHeader(std::size_t size)
    {
        if (size < 16) {
            byte(static_cast<unsigned char>(0x90 | size));
        } else if (size <= 0xffff) {
            byte(0xdc);
            bigEndian(size, 2);
        } else {
            byte(0xdd);
            bigEndian(size, 4);
        }
    }
    void mapHeader(std::size_t size)
    {
        if (size < 16) {
            byte(static_cast<unsigned char>(0x80 | size));
        } else {
            byte(0xde);
            bigEndian(size, 2);
        }
    }
    /// time.Time as msgpack.v2 writes it: [Unix seconds, nanoseconds].
    void time(std::int64_t unixUs)
    {
        std::int64_t seconds = unixUs / 1'000'000;
        std::int64_t micros = unixUs % 1'000'000;
        if (micros < 0) {
            --seconds;
            micros += 1'000'000;
        }
        arrayHeader(2);
        integer(seconds);
        integer(micros * 1000);
    }
    void nil() { byte(0xc0); }
    void boolean(bool b) { byte(b ? 0xc3 : 0xc2); }
    void zeroFloat64()
    {
        byte(0xcb);
        std::memset(m_at, 0, 8);
        m_at += 8;
    }

private:
    char* m_at;
};

/// The members every record of ours has empty: GeoData{} (no GeoIP) and NetworkStats{}.
void writeZeroGeoAndNetwork(Writer& w)
{
    w.key("Geo");
    w.mapHeader(3);
    w.key("Country");
    w.mapHeader(1);
    w.key("ISOCode");
    w.string("");
    w.key("City");
    w.mapHeader(2);
    w.key("GeoNameID");
    w.uint(0);
    w.key("Names");
    w.nil();
    w.key("Location");
    w.mapHeader(3);
    w.key("Latitude");
    w.zeroFloat64();
    w.key("Longitude");
    w.zeroFloat64();
    w.key("TimeZone");
    w.string("");

    w.key("Network");
    w.mapHeader(4);
    w.key("OpenConnections");
    w.uint(0);
    w.key("ClosedConnection");
    w.uint(0);
    w.key("BytesIn");
    w.uint(0);
    w.key("BytesOut");
    w.uint(0);
}

/// GraphQLStats{}, MCPStats{} and CollectionName "": the last three members.
void writeZeroTail(Writer& w)
{
    w.key("GraphQLStats");
    w.mapHeader(7);
    w.key("Variables");
    w.string("");
    w.key("RootFields");
    w.nil();
    w.key("Types");
    w.nil();
    w.key("Errors");
    w.nil();
    w.key("OperationType");
    w.uint(0);
    w.key("HasErrors");
    w.boolean(false);
    w.key("IsGraphQL");
    w.boolean(false);

    w.key("MCPStats");
    w.mapHeader(4);
    w.key("IsMCP");
    w.boolean(false);
    w.key("JSONRPCMethod");
    w.string("");
    w.key("PrimitiveType");
    w.string("");
    w.key("PrimitiveName");
    w.string("");
    w.key("CollectionName");
    w.string("");
}

/// The constant parts, encoded once.
struct ConstantParts
{
    std::string geoAndNetwork;
    std::string tail;
    ConstantParts()
    {
        char buffer[512];
        Writer a(buffer);
        writeZeroGeoAndNetwork(a);
        geoAndNetwork.assign(buffer, a.at());
        Writer b(buffer);
        writeZeroTail(b);
        tail.assign(buffer, b.at());
    }
};

/// An upper bound of a record's size: its strings plus 5 bytes of header each, and a generous
/// 1 KB for the names, numbers, times and the constant parts (about 620 bytes in all).
std::size_t upperBound(const RecordValues& v)
{
    std::size_t bound = 1024;
    for (std::string_view s :
         {v.method, v.host, v.path, v.path, v.userAgent, v.apiKey, v.apiVersion, v.apiName, v.apiId,
          v.orgId, v.ip, v.alias, v.originalPath, v.listenPath})
        bound += s.size() + 6;
    v.forEachTag([&bound](std::string_view prefix, std::string_view value) {
        bound += prefix.size() + value.size() + 5;
    });
    return bound;
}

} // namespace

void appendRecordMsgpack(std::string& out, const RecordValues& v)
{
    static const ConstantParts constant;
    constexpr std::size_t kFields = 35; // tyk-pump v1.17 AnalyticsRecord's exported fields
    const std::size_t start = out.size();
    const std::size_t bound = upperBound(v);
    out.resize(start + bound);
    Writer w(out.data() + start);
    w.mapHeader(kFields);
    w.key("Method");
    w.string(v.method);
    w.key("Host");
    w.string(v.host);
    w.key("Path");
    w.string(v.pathSlash, v.path);
    w.key("RawPath");
    w.string(v.pathSlash, v.path);
    w.key("ContentLength");
    w.integer(v.contentLength);
    w.key("UserAgent");
    w.string(v.userAgent);
    w.key("Day");
    w.integer(v.utc.tm_mday);
    w.key("Month");
    w.integer(v.utc.tm_mon + 1);
    w.key("Year");
    w.integer(v.utc.tm_year + 1900);
    w.key("Hour");
    w.integer(v.utc.tm_hour);
    w.key("ResponseCode");
    w.integer(v.responseCode);
    w.key("APIKey");
    w.string(v.apiKey);
    w.key("TimeStamp");
    w.time(v.timeUs);
    w.key("APIVersion");
    w.string(v.apiVersion);
    w.key("APIName");
    w.string(v.apiName);
    w.key("APIID");
    w.string(v.apiId);
    w.key("OrgID");
    w.string(v.orgId);
    w.key("OauthID");
    w.string("");
    w.key("RequestTime");
    w.integer(v.totalMs);
    w.key("RawRequest");
    w.string("");
    w.key("RawResponse");
    w.string("");
    w.key("IPAddress");
    w.string(v.ip);
    w.raw(constant.geoAndNetwork);
    w.key("Latency");
    w.mapHeader(3);
    w.key("Total");
    w.integer(v.totalMs);
    w.key("Upstream");
    w.integer(v.upstreamMs);
    w.key("Gateway");
    w.integer(v.totalMs - v.upstreamMs);
    w.key("Tags");
    w.arrayHeader(v.tagCount());
    v.forEachTag(
        [&w](std::string_view prefix, std::string_view value) { w.string(prefix, value); });
    w.key("Alias");
    w.string(v.alias);
    w.key("TrackPath");
    w.boolean(false);
    w.key("ExpireAt");
    w.time(v.expireAtUs);
    w.key("ApiSchema");
    w.string("");
    w.key("OriginalPath");
    w.string(v.originalPath);
    w.key("ListenPath");
    w.string(v.listenPath);
    w.raw(constant.tail);
    assert(w.at() <= out.data() + start + bound);
    out.resize(static_cast<std::size_t>(w.at() - out.data()));
}

} // namespace gb::gateway
