#pragma once

#include "common/http/chars.h" // iequals, for callers of header()

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace gb::http {

/// One header field as it appeared on the wire, OWS trimmed. Views into the connection's buffer.
struct Header
{
    std::string_view name;
    std::string_view value;
};

enum class Method : std::uint8_t
{
    Get,
    Head,
    Post,
    Put,
    Delete,
    Patch,
    Options,
    Connect,
    Trace,
    Other,
};

/// How the request body is delimited (RFC 9112 §6.3). The parser has already rejected every
/// ambiguous combination, so exactly one of these holds.
enum class BodyFraming : std::uint8_t
{
    None,
    Length,
    Chunked,
};

/// Upper bound on header fields; Limits::maxHeaders may lower it. Fixed so a Request never
/// allocates.
inline constexpr std::size_t kMaxHeaders = 128;

/// Per-server limits; exceeding one gives the status named beside it.
struct Limits
{
    std::size_t maxRequestLine = 8 * 1024; ///< 414
    std::size_t maxHeadBytes = 16 * 1024;  ///< 431 (request line + fields + blank line)
    std::size_t maxHeaders = 100;          ///< 431
    std::uint64_t maxBodyBytes =
        16 * 1024 * 1024;                   ///< 413 (Content-Length up front, chunked as read)
    std::size_t maxChunkLine = 1024;        ///< 400: chunk-size line incl. extensions
    std::size_t maxTrailerBytes = 8 * 1024; ///< 400: trailer section of a chunked body
};

/// A parsed request head. Every view points into the buffer the parser was given; the owner of that
/// buffer (the server connection) keeps those bytes in place until the exchange ends.
struct Request
{
    std::string_view method;
    Method methodId = Method::Other;
    std::string_view target; ///< as sent: origin-form, absolute-form, authority-form or "*"
    std::string_view path;   ///< target's path ("/" for an absolute-form target without one)
    std::string_view query;  ///< after '?', without it; empty if none
    int versionMinor = 1;    ///< HTTP/1.<versionMinor>; only 0 and 1 are accepted
    std::string_view host;
    BodyFraming framing = BodyFraming::None;
    std::uint64_t contentLength = 0; ///< valid when framing == Length
    bool keepAlive = true;
    bool expectContinue = false;
    std::size_t headSize = 0; ///< bytes from the request line through the blank line
    std::size_t headerCount = 0;
    std::array<Header, kMaxHeaders> fields;

    std::span<const Header> headers() const { return {fields.data(), headerCount}; }
    /// First field with this name (ASCII case-insensitive), or an empty view.
    std::string_view header(std::string_view name) const;
    bool hasHeader(std::string_view name) const;
};

} // namespace gb::http
