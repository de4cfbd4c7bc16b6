#pragma once

#include "gateway/http/parse_error.h"
#include "gateway/http/request.h"

#include <cstddef>
#include <string_view>

namespace gb::http {

/// Strict incremental HTTP/1.1 request-head parser (RFC 9112). It refuses, by itself, every framing
/// ambiguity a proxy could be smuggled through; see ParseError for the list.
///
/// Feed it the bytes of one request from its first byte, as they arrive; it remembers how far it
/// has searched so a trickled head costs O(bytes), not O(bytes²). Once the head is complete it
/// fills a Request whose views point into the given bytes. It never allocates.
///
/// Owned by one connection; not thread-safe.
class RequestParser
{
public:
    enum class Status : std::uint8_t
    {
        Complete,
        NeedMore,
        Error,
    };

    struct Result
    {
        Status status;
        ParseError error = ParseError::None;
        /// On Complete: bytes of this request's head, including any empty lines skipped before it.
        std::size_t consumed = 0;
    };

    explicit RequestParser(const Limits& limits)
        : m_limits(limits)
    {}

    /// data starts at this request's first byte and holds everything received so far (it may also
    /// hold the body and further pipelined requests). Between calls the bytes may move (the caller
    /// compacts its buffer) but must not change.
    Result parse(std::string_view data, Request& out);

    /// Forget the search state: call before parsing the next request.
    void reset()
    {
        m_scanned = 0;
        m_firstLineSeen = false;
    }

private:
    Result parseHead(std::string_view head, std::size_t skipped, Request& out) const;

    const Limits& m_limits;
    std::size_t m_scanned = 0; ///< offset from which to resume searching for the end of the head
    bool m_firstLineSeen = false;
};

} // namespace gb::http
