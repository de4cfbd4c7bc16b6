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
    // Each field's key comes with the punctuation before it; the order is Tyk's struct's.
    auto text = [&out](std::string_view key, std::string_view value) {
        out.append(key);
        appendJsonString(out, value);
    };
    auto number = [&out](std::string_view key, long long value) {
        out.append(key);
        appendInt(out, value);
    };
    text("{\"method\":", v.method);
    text(",\"host\":", v.host);
    out.append(",\"path\":");
    appendJoinedJsonString(out, v.pathSlash, v.path);
    out.append(",\"raw_path\":");
    appendJoinedJsonString(out, v.pathSlash, v.path);
    number(",\"content_length\":", v.contentLength);
    text(",\"user_agent\":", v.userAgent);
    number(",\"day\":", v.utc.tm_mday);
    number(",\"month\":", v.utc.tm_mon + 1);
    number(",\"year\":", v.utc.tm_year + 1900);
    number(",\"hour\":", v.utc.tm_hour);
    number(",\"response_code\":", v.responseCode);
    text(",\"api_key\":", v.apiKey);
    out.append(",\"timestamp\":\"");
    appendTime(out, v.timeUs);
    text("\",\"api_version\":", v.apiVersion);
    text(",\"api_name\":", v.apiName);
    text(",\"api_id\":", v.apiId);
    text(",\"org_id\":", v.orgId);
    number(",\"oauth_id\":\"\",\"request_time\":", v.totalMs);
    text(",\"ip_address\":", v.ip);
    number(",\"latency\":{\"total\":", v.totalMs);
    number(",\"upstream\":", v.upstreamMs);
    number(",\"gateway\":", v.totalMs - v.upstreamMs);
    number("},\"request_time_us\":", v.requestTimeUs);
    number(",\"upstream_latency_us\":", v.upstreamLatencyUs);
    out.append(",\"tags\":[");
    bool first = true;
    v.forEachTag([&](std::string_view prefix, std::string_view value) {
        if (!first)
            out.push_back(',');
        first = false;
        appendJoinedJsonString(out, prefix, value);
    });
    text("],\"alias\":", v.alias);
    out.append(",\"track_path\":false,\"expireAt\":\"");
    appendTime(out, v.expireAtUs);
    text("\",\"original_path\":", v.originalPath);
    text(",\"listen_path\":", v.listenPath);
    out.push_back('}');
}

} // namespace gb::gateway
