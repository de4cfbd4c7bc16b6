#pragma once

#include "gateway/http/parse_error.h"
#include "gateway/http/request.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gb::http {

/// Strict incremental decoder of a chunked body (RFC 9112 §7.1): 1-16 hex digits, extensions only
/// after a ';' and bounded, CRLF exactly where the grammar puts it, trailers validated and dropped.
/// Data is never copied: decode() returns a view into its input.
///
/// Owned by one connection; not thread-safe.
class ChunkedDecoder
{
public:
    struct Result
    {
        std::size_t consumed = 0; ///< input bytes used (framing and data)
        std::string_view data;    ///< body bytes found, a view into the input; may be empty
        bool done = false;        ///< the last chunk and the trailer section have been read
        ParseError error = ParseError::None;
    };

    explicit ChunkedDecoder(const Limits& limits)
        : m_limits(limits)
    {}

    /// Consumes framing from `in` until it has a run of body bytes to return, needs more input, is
    /// done or fails. Call again with the unconsumed rest (plus new bytes) to continue.
    Result decode(std::string_view in);
    void reset();
    std::uint64_t bodyBytes() const { return m_total; }
    bool done() const { return m_state == State::Done; }

private:
    enum class State : std::uint8_t
    {
        Size,      // hex digits
        SizeOws,   // BWS after the digits: must lead to ';'
        Extension, // after ';' up to CR
        SizeLf,    // the LF after the size line's CR
        Data,
        DataCr,
        DataLf,
        TrailerLineStart,
        TrailerLine,
        TrailerLf,
        FinalLf,
        Done,
    };

    const Limits& m_limits;
    State m_state = State::Size;
    std::uint64_t m_chunkLeft = 0;
    std::uint64_t m_total = 0;
    std::size_t m_lineBytes = 0;    // bytes in the current size line (bounded)
    std::size_t m_trailerBytes = 0; // bytes in the trailer section (bounded)
    int m_digits = 0;
};

} // namespace gb::http
