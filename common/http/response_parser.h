#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gb::http {

/// Optional observer for a caller that forwards a response (the gateway's proxy) instead of only
/// measuring it. Plain function pointers and a context rather than virtual calls or templates: a
/// parser without a visitor (the load engine) pays one predictable branch per header line and per
/// run of body bytes, and its code and layout stay as they were. Every view points into the bytes
/// given to parse() and is valid only during the call.
struct ResponseVisitor
{
    void* context = nullptr;
    /// A header field of the final response (those of interim 1xx heads are not reported), name
    /// as sent, value without surrounding whitespace.
    void (*onHeader)(void* context, std::string_view name, std::string_view value) = nullptr;
    /// The final head is complete: statusCode(), framing() and declaredLength() are set. Comes
    /// before the first onBody.
    void (*onHeadEnd)(void* context) = nullptr;
    /// Body bytes, chunked framing and trailers removed.
    void (*onBody)(void* context, std::string_view data) = nullptr;
};

/// Incremental HTTP/1.1 response parser that extracts only what framing needs (status,
/// Content-Length, Transfer-Encoding, Connection) and counts body bytes without storing them.
/// It never allocates. Head lines are consumed whole: when a line is split across reads, parse()
/// returns NeedMore having consumed up to the last complete line and the caller keeps the rest.
///
/// One parser per connection; not thread-safe. Interim 1xx responses (except 101) are skipped as
/// RFC 9110 §15.2 requires, so status() is always the final status.
class ResponseParser
{
public:
    enum class Status
    {
        NeedMore,
        Done,
        Error
    };
    enum class Error
    {
        None,
        BadStatusLine,
        BadHeader,
        BadContentLength,
        BadChunk,
        LineTooLong,
        Upgrade,
        Truncated
    };

    /// How the body of the final response is delimited, known once its head is complete.
    enum class Framing
    {
        None,      ///< HEAD response, 1xx/204/304, or Content-Length: 0
        Length,    ///< Content-Length > 0
        Chunked,   ///< Transfer-Encoding ending in chunked
        UntilClose ///< no length: the body ends when the server closes
    };

    static constexpr std::size_t kMaxLine = 8192;

    /// Installs (or, with nullptr, removes) a visitor; it survives reset(). The visitor must
    /// outlive its installation.
    void setVisitor(const ResponseVisitor* visitor) noexcept { m_visitor = visitor; }

    /// Prepares for the next response. A response to HEAD has no body whatever its headers say.
    void reset(bool headRequest = false) noexcept;

    /// Consumes bytes from data; consumed() says how many. Stops at the end of the message, so
    /// bytes after it (a pipelined next response) are left unconsumed.
    Status parse(const char* data, std::size_t size) noexcept;
    /// The peer closed the connection: completes a close-delimited body, otherwise an error.
    Status finishOnEof() noexcept;

    std::size_t consumed() const noexcept { return m_consumed; }
    int statusCode() const noexcept { return m_status; }
    bool keepAlive() const noexcept { return m_keepAlive; }
    bool started() const noexcept { return m_started; }
    std::uint64_t bodyBytes() const noexcept { return m_bodyBytes; }
    Error error() const noexcept { return m_error; }
    Framing framing() const noexcept { return m_framing; }
    /// The Content-Length the final head declared (also for a HEAD response, whose body is
    /// absent), or -1 when it declared none or the body is chunked.
    std::int64_t declaredLength() const noexcept
    {
        return m_hasLength ? static_cast<std::int64_t>(m_declaredLength) : -1;
    }
    static std::string_view errorText(Error e) noexcept;

private:
    enum class State
    {
        StatusLine,
        Headers,
        Body,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        UntilClose,
        Done,
        Failed
    };

    Status fail(Error e) noexcept;
    bool parseStatusLine(std::string_view line) noexcept;
    bool parseHeader(std::string_view line) noexcept;
    Status headersDone() noexcept;

    const ResponseVisitor* m_visitor = nullptr;
    State m_state = State::StatusLine;
    Framing m_framing = Framing::None;
    Error m_error = Error::None;
    std::size_t m_consumed = 0;
    int m_status = 0;
    int m_minorVersion = 1;
    bool m_head = false;
    bool m_started = false;
    bool m_keepAlive = true;
    bool m_chunked = false;
    bool m_connectionClose = false;
    bool m_connectionKeepAlive = false;
    bool m_hasLength = false;
    bool m_untilClose = false;  // a Transfer-Encoding whose final coding is not chunked
    std::uint64_t m_length = 0; // Content-Length, or the current chunk's remaining size
    std::uint64_t m_declaredLength = 0;
    std::uint64_t m_bodyBytes = 0;
};

} // namespace gb::http
