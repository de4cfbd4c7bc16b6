#include "gateway/analytics/analytics_json.h"

#include <charconv>
#include <ctime>

namespace gb::gateway {

namespace {

void appendInt(std::string& out, long long v)
{
    char buf[24];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
}

/// RFC 3339 in UTC with microseconds: 2024-05-01T12:00:00.123456Z.
void appendTime(std::string& out, std::int64_t unixUs)
{
    // Records come in time order, so the date part is formatted once per second per thread.
    struct Cached
    {
        std::time_t seconds = -1;
        std::tm utc{};
        char text[40]{};
        std::size_t size = 0;
    };
    thread_local Cached cache[2]; // timestamps and expiries alternate
    const std::time_t seconds = static_cast<std::time_t>(unixUs / 1'000'000);
    Cached* c = cache[0].seconds == seconds   ? &cache[0]
                : cache[1].seconds == seconds ? &cache[1]
                                              : nullptr;
    if (c == nullptr) {
        c = cache[0].seconds < cache[1].seconds ? &cache[0] : &cache[1]; // the older one goes
        c->seconds = seconds;
        gmtime_r(&seconds, &c->utc);
        c->size = std::strftime(c->text, sizeof c->text, "%Y-%m-%dT%H:%M:%S", &c->utc);
    }
    out.append(c->text, c->size);
    const auto micros = static_cast<int>(unixUs % 1'000'000);
    char frac[8];
    frac[0] = '.';
    for (int i = 6, v = micros; i >= 1; --i, v /= 10)
        frac[i] = static_cast<char>('0' + v % 10);
    out.append(frac, 7);
    out.push_back('Z');
}

/// Length of a valid UTF-8 sequence starting at s[i], or 0.
std::size_t utf8Length(std::string_view s, std::size_t i)
{
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned min = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (i + n > s.size())
        return 0;
    unsigned cp = c & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
        const auto cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

} // namespace

void appendJsonString(std::string& out, std::string_view s)
{
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    std::size_t run = 0; // start of the pending run of bytes that need no escaping
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\')
            continue;
        out.append(s.data() + run, i - run);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c < 0x20) {
            out.append("\\u00");
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0x0f]);
        } else if (const std::size_t n = utf8Length(s, i); n > 0) {
            out.append(s.substr(i, n));
            i += n - 1;
        } else {
            out.append("\\ufffd");
        }
        run = i + 1;
    }
    out.append(s.data() + run, s.size() - run);
    out.push_back('"');
}

namespace {

/// A string of two parts, as the msgpack form writes them.
void appendJoinedJsonString(std::string& out, std::string_view first, std::string_view second)
{
    if (first.empty()) {
        appendJsonString(out, second);
        return;
    }
    std::string joined(first);
    joined.append(second);
    appendJsonString(out, joined);
}

} // namespace

void appendRecordJson(std::string& out, const RecordValues& v)
{
    out.append("{\"method\":");
    appendJsonString(out, v.method);
    out.append(",\"host\":");
    appendJsonString(out, v.host);
    out.append(",\"path\":");
    appendJoinedJsonString(out, v.pathSlash, v.path);
    out.append(",\"raw_path\":");
    appendJoinedJsonString(out, v.pathSlash, v.path);
    out.append(",\"content_length\":");
    appendInt(out, v.contentLength);
    out.append(",\"user_agent\":");
    appendJsonString(out, v.userAgent);
    out.append(",\"day\":");
    appendInt(out, v.utc.tm_mday);
    out.append(",\"month\":");
    appendInt(out, v.utc.tm_mon + 1);
    out.append(",\"year\":");
    appendInt(out, v.utc.tm_year + 1900);
    out.append(",\"hour\":");
    appendInt(out, v.utc.tm_hour);
    out.append(",\"response_code\":");
    appendInt(out, v.responseCode);
    out.append(",\"api_key\":");
    appendJsonString(out, v.apiKey);
    out.append(",\"timestamp\":\"");
    appendTime(out, v.timeUs);
    out.append("\",\"api_version\":");
    appendJsonString(out, v.apiVersion);
    out.append(",\"api_name\":");
    appendJsonString(out, v.apiName);
    out.append(",\"api_id\":");
    appendJsonString(out, v.apiId);
    out.append(",\"org_id\":");
    appendJsonString(out, v.orgId);
    out.append(",\"oauth_id\":\"\",\"request_time\":");
    appendInt(out, v.totalMs);
    out.append(",\"ip_address\":");
    appendJsonString(out, v.ip);
    out.append(",\"latency\":{\"total\":");
    appendInt(out, v.totalMs);
    out.append(",\"upstream\":");
    appendInt(out, v.upstreamMs);
    out.append(",\"gateway\":");
    appendInt(out, v.totalMs - v.upstreamMs);
    out.append("},\"request_time_us\":");
    appendInt(out, v.requestTimeUs);
    out.append(",\"upstream_latency_us\":");
    appendInt(out, v.upstreamLatencyUs);
    out.append(",\"tags\":[");
    bool first = true;
    v.forEachTag([&](std::string_view prefix, std::string_view value) {
        if (!first)
            out.push_back(',');
        first = false;
        appendJoinedJsonString(out, prefix, value);
    });
    out.append("],\"alias\":");
    appendJsonString(out, v.alias);
    out.append(",\"track_path\":false,\"expireAt\":\"");
    appendTime(out, v.expireAtUs);
    out.append("\",\"original_path\":");
    appendJsonString(out, v.originalPath);
    out.append(",\"listen_path\":");
    appendJsonString(out, v.listenPath);
    out.push_back('}');
}

} // namespace gb::gateway
