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

/// Whole milliseconds, rounded, as Tyk's int64 fields hold them.
void appendMs(std::string& out, std::uint32_t micros)
{
    appendInt(out, (static_cast<long long>(micros) + 500) / 1000);
}

/// RFC 3339 in UTC with microseconds: 2024-05-01T12:00:00.123456Z.
void appendTime(std::string& out, std::int64_t unixUs, std::tm* utcOut = nullptr)
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
    const std::tm& utc = c->utc;
    const auto micros = static_cast<int>(unixUs % 1'000'000);
    char frac[8];
    frac[0] = '.';
    for (int i = 6, v = micros; i >= 1; --i, v /= 10)
        frac[i] = static_cast<char>('0' + v % 10);
    out.append(frac, 7);
    out.push_back('Z');
    if (utcOut != nullptr)
        *utcOut = utc;
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

void appendRecordJson(std::string& out, const AnalyticsRecord& r, const ApiIdentity* api,
                      const KeyIdentity* key, std::chrono::seconds expiration)
{
    std::tm utc{};
    std::string timestamp;
    appendTime(timestamp, r.timestampUs, &utc);

    out.append("{\"method\":");
    appendJsonString(out, r.method());
    out.append(",\"host\":");
    appendJsonString(out, r.host());
    out.append(",\"path\":");
    appendJsonString(out, r.path());
    out.append(",\"raw_path\":");
    if (r.query().empty()) {
        appendJsonString(out, r.path());
    } else {
        std::string raw(r.path());
        raw.push_back('?');
        raw.append(r.query());
        appendJsonString(out, raw);
    }
    out.append(",\"content_length\":");
    appendInt(out, r.contentLength);
    out.append(",\"user_agent\":");
    appendJsonString(out, r.userAgent());
    out.append(",\"day\":");
    appendInt(out, utc.tm_mday);
    out.append(",\"month\":");
    appendInt(out, utc.tm_mon + 1);
    out.append(",\"year\":");
    appendInt(out, utc.tm_year + 1900);
    out.append(",\"hour\":");
    appendInt(out, utc.tm_hour);
    out.append(",\"response_code\":");
    appendInt(out, r.responseCode);
    out.append(",\"api_key\":");
    appendJsonString(out, key != nullptr ? std::string_view(key->keyHash) : std::string_view());
    out.append(",\"timestamp\":\"");
    out.append(timestamp);
    out.append("\",\"api_version\":\"\",\"api_name\":");
    appendJsonString(out, api != nullptr ? std::string_view(api->apiName) : std::string_view());
    out.append(",\"api_id\":");
    appendJsonString(out, api != nullptr ? std::string_view(api->apiId) : std::string_view());
    out.append(",\"org_id\":");
    std::string_view org = api != nullptr ? std::string_view(api->orgId) : std::string_view();
    if (org.empty() && key != nullptr)
        org = key->orgId;
    appendJsonString(out, org);
    out.append(",\"oauth_id\":\"\",\"request_time\":");
    appendMs(out, r.requestTimeUs);
    out.append(",\"ip_address\":");
    appendJsonString(out, r.ip());
    out.append(",\"latency\":{\"total\":");
    appendMs(out, r.requestTimeUs);
    out.append(",\"upstream\":");
    appendMs(out, r.upstreamLatencyUs);
    out.append("},\"request_time_us\":");
    appendInt(out, r.requestTimeUs);
    out.append(",\"upstream_latency_us\":");
    appendInt(out, r.upstreamLatencyUs);
    out.append(",\"tags\":[");
    if (key != nullptr) {
        for (std::size_t i = 0; i < key->tags.size(); ++i) {
            if (i > 0)
                out.push_back(',');
            appendJsonString(out, key->tags[i]);
        }
    }
    out.append("],\"alias\":");
    appendJsonString(out, key != nullptr ? std::string_view(key->alias) : std::string_view());
    out.append(",\"track_path\":false,\"expireAt\":\"");
    appendTime(out, r.timestampUs + static_cast<std::int64_t>(expiration.count()) * 1'000'000);
    out.append("\"}");
}

} // namespace gb::gateway
