#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gb::gateway {

/// One proxied request as the proxy hands it to analytics: fixed size, trivially copyable, no
/// pointers, so that recording it is a copy into a per-worker ring and nothing else. Text
/// fields are truncated to their caps (see setRequest). API and key details travel as refs
/// interned in AnalyticsIdentities and are expanded by the writer thread.
struct AnalyticsRecord
{
    static constexpr std::size_t kMethodCap = 16;
    static constexpr std::size_t kPathCap = 192;
    static constexpr std::size_t kUserAgentCap = 130;
    static constexpr std::size_t kIpCap = 46;
    static constexpr std::size_t kVersionCap = 32;
    static constexpr std::size_t kTextCapacity =
        kMethodCap + kPathCap + kUserAgentCap + kIpCap + kVersionCap;

    std::int64_t timestampUs = 0;        ///< request start, Unix microseconds
    std::int64_t contentLength = 0;      ///< request body bytes (Tyk's content_length)
    std::uint32_t requestTimeUs = 0;     ///< head received -> response done
    std::uint32_t upstreamLatencyUs = 0; ///< request sent upstream -> response head
    std::uint32_t apiRef = 0;            ///< AnalyticsIdentities::internApi; 0 = unknown
    std::uint32_t keyRef = 0;            ///< AnalyticsIdentities::internKey; 0 = keyless
    std::uint16_t responseCode = 0;      ///< 0: the client left before a response
    std::uint8_t methodLen = 0;
    std::uint8_t pathLen = 0;
    std::uint8_t userAgentLen = 0;
    std::uint8_t ipLen = 0;
    std::uint8_t versionLen = 0;
    char text[kTextCapacity];

    /// Copies the request's text fields, each cut at its cap (a longer path keeps its first
    /// kPathCap bytes). Tyk records neither the query nor the Host field (its Host is the
    /// target's), so neither is kept.
    void setRequest(std::string_view method, std::string_view path, std::string_view userAgent,
                    std::string_view ip) noexcept;

    std::string_view method() const noexcept { return {text, methodLen}; }
    std::string_view path() const noexcept { return {text + kMethodCap, pathLen}; }
    std::string_view userAgent() const noexcept
    {
        return {text + kMethodCap + kPathCap, userAgentLen};
    }
    std::string_view ip() const noexcept
    {
        return {text + kMethodCap + kPathCap + kUserAgentCap, ipLen};
    }
    /// The version a request to a versioned API named (cut at kVersionCap); empty: none.
    void setVersion(std::string_view version) noexcept;
    std::string_view version() const noexcept
    {
        return {text + kMethodCap + kPathCap + kUserAgentCap + kIpCap, versionLen};
    }
};

} // namespace gb::gateway
