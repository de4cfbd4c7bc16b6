#include "gateway/analytics/request_capture.h"

#include "common/http/chars.h"

#include <arpa/inet.h>
#include <cstring>

namespace gb::gateway {

namespace {

/// `text` as Go's net.ParseIP(text).String(), or empty when it is not an IP address.
std::string_view canonicalIp(std::string_view text, ClientIpBuffer& out) noexcept
{
    char input[64];
    if (text.empty() || text.size() >= sizeof input)
        return {};
    std::memcpy(input, text.data(), text.size());
    input[text.size()] = '\0';
    in_addr v4{};
    in6_addr v6{};
    const char* written = nullptr;
    if (inet_pton(AF_INET, input, &v4) == 1) {
        written = inet_ntop(AF_INET, &v4, out.text, sizeof out.text);
    } else if (inet_pton(AF_INET6, input, &v6) == 1) {
        if (IN6_IS_ADDR_V4MAPPED(&v6)) {
            std::memcpy(&v4, &v6.s6_addr[12], 4);
            written = inet_ntop(AF_INET, &v4, out.text, sizeof out.text);
        } else {
            written = inet_ntop(AF_INET6, &v6, out.text, sizeof out.text);
        }
    }
    return written != nullptr ? std::string_view(out.text) : std::string_view();
}

} // namespace

std::string_view clientIp(const http::Request& request, std::string_view peer,
                          ClientIpBuffer& buffer) noexcept
{
    if (const std::string_view real = request.header("X-Real-IP"); !real.empty())
        if (const std::string_view ip = canonicalIp(real, buffer); !ip.empty())
            return ip;
    if (const std::string_view forwarded = request.header("X-Forwarded-For"); !forwarded.empty())
        if (const std::string_view ip =
                canonicalIp(http::chars::trimOws(forwarded.substr(0, forwarded.find(','))), buffer);
            !ip.empty())
            return ip;
    return peer;
}

void captureRequest(AnalyticsRecord& record, const http::Request& request,
                    std::string_view clientIp, std::int64_t startUnixUs) noexcept
{
    record.timestampUs = startUnixUs;
    // Go's Request.ContentLength: the declared length, -1 when chunked (unknown), 0 without.
    record.contentLength = request.framing == http::BodyFraming::Length
                               ? static_cast<std::int64_t>(request.contentLength)
                           : request.framing == http::BodyFraming::Chunked ? -1
                                                                           : 0;
    record.setRequest(request.method, request.path, request.header("User-Agent"), clientIp);
}

} // namespace gb::gateway
