#include "common/http/response_parser.h"

#include "common/http/chars.h"

#include <algorithm>
#include <cstring>

namespace gb::http {

namespace {

using chars::isTchar;
using chars::trimOws;

// Calls f(token) for each comma-separated, trimmed, non-empty element of a list header.
template <class F>
void forEachToken(std::string_view list, F&& f)
{
    while (!list.empty()) {
        const auto comma = list.find(',');
        const auto token = trimOws(list.substr(0, comma));
        if (!token.empty())
            f(token);
        if (comma == std::string_view::npos)
            break;
        list.remove_prefix(comma + 1);
    }
}

// Case-insensitive match of a token against a lowercase name of letters and '-': OR-ing 0x20
// lowercases letters, and among token characters only '-' itself maps to '-'.
bool isName(std::string_view token, std::string_view lowercase) noexcept
{
    for (std::size_t i = 0; i < token.size(); ++i)
        if ((token[i] | 0x20) != lowercase[i])
            return false;
    return true;
}

} // namespace

std::string_view ResponseParser::errorText(Error e) noexcept
{
    switch (e) {
    case Error::None:
        return "no error";
    case Error::BadStatusLine:
        return "malformed status line";
    case Error::BadHeader:
        return "malformed header line";
    case Error::BadContentLength:
        return "invalid or conflicting Content-Length";
    case Error::BadChunk:
        return "malformed chunked encoding";
    case Error::LineTooLong:
        return "response head line too long";
    case Error::Upgrade:
        return "unexpected protocol upgrade (101)";
    case Error::Truncated:
        return "connection closed before the response was complete";
    }
    return "unknown";
}

void ResponseParser::reset(bool headRequest) noexcept
{
    const ResponseVisitor* visitor = m_visitor;
    *this = ResponseParser{};
    m_visitor = visitor;
    m_head = headRequest;
}

ResponseParser::Status ResponseParser::fail(Error e) noexcept
{
    m_error = e;
    m_state = State::Failed;
    return Status::Error;
}

bool ResponseParser::parseStatusLine(std::string_view line) noexcept
{
    // HTTP/1.x SP 3DIGIT [SP reason]
    if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ')
        return false;
    if (line[7] != '0' && line[7] != '1')
        return false;
    m_minorVersion = line[7] - '0';
    int code = 0;
    for (int i = 9; i < 12; ++i) {
        if (line[i] < '0' || line[i] > '9')
            return false;
        code = code * 10 + (line[i] - '0');
    }
    if (code < 100 || (line.size() > 12 && line[12] != ' '))
        return false;
    m_status = code;
    return true;
}

bool ResponseParser::parseHeader(std::string_view line) noexcept
{
    if (line.front() == ' ' || line.front() == '\t')
        return false; // obs-fold: obsolete and ambiguous, a response using it is broken
    // The name is scanned once: validated as a token up to the colon.
    std::size_t colon = 0;
    while (colon < line.size() && isTchar(line[colon]))
        ++colon;
    if (colon == 0 || colon == line.size() || line[colon] != ':')
        return false;
    const auto name = line.substr(0, colon);
    // Only three names matter for framing; their lengths (14, 17, 10) rule out most lines at once.
    const bool contentLength = name.size() == 14 && isName(name, "content-length");
    const bool transferEncoding = name.size() == 17 && isName(name, "transfer-encoding");
    const bool connection = name.size() == 10 && isName(name, "connection");
    if (!contentLength && !transferEncoding && !connection) {
        if (m_visitor && m_visitor->onHeader && m_status >= 200)
            m_visitor->onHeader(m_visitor->context, name, trimOws(line.substr(colon + 1)));
        return true;
    }
    const auto value = trimOws(line.substr(colon + 1));
    if (contentLength) {
        if (value.empty() || value.size() > 18 ||
            !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return m_error = Error::BadContentLength, false;
        std::uint64_t n = 0;
        for (char c : value)
            n = n * 10 + std::uint64_t(c - '0');
        if (m_hasLength && n != m_length)
            return m_error = Error::BadContentLength, false;
        m_hasLength = true;
        m_length = n;
        m_declaredLength = n;
    } else if (transferEncoding) {
        bool lastIsChunked = false;
        forEachToken(value, [&](std::string_view t) { lastIsChunked = iequals(t, "chunked"); });
        m_chunked = lastIsChunked;
        // RFC 9112 §6.3: a non-chunked final coding is read until close, whatever Content-Length
        // says.
        m_untilClose = !lastIsChunked;
    } else {
        forEachToken(value, [&](std::string_view t) {
            if (iequals(t, "close"))
                m_connectionClose = true;
            else if (iequals(t, "keep-alive"))
                m_connectionKeepAlive = true;
        });
    }
    if (m_visitor && m_visitor->onHeader && m_status >= 200)
        m_visitor->onHeader(m_visitor->context, name, value);
    return true;
}

ResponseParser::Status ResponseParser::headersDone() noexcept
{
    if (m_status >= 100 && m_status < 200) {
        if (m_status == 101)
            return fail(Error::Upgrade);
        const bool head = m_head;
        const std::size_t consumed = m_consumed;
        reset(head); // an interim response: the final one follows on the same connection
        m_consumed = consumed;
        m_started = true;
        return Status::NeedMore;
    }
    m_keepAlive = !m_connectionClose && (m_minorVersion == 1 || m_connectionKeepAlive);
    if (m_chunked)
        m_hasLength = false; // Transfer-Encoding overrides Content-Length (RFC 9112 §6.3)
    if (m_head || m_status == 204 || m_status == 304) {
        m_framing = Framing::None;
        m_state = State::Done;
    } else if (m_chunked) {
        m_framing = Framing::Chunked;
        m_state = State::ChunkSize;
    } else if (m_hasLength && !m_untilClose) {
        m_framing = m_length == 0 ? Framing::None : Framing::Length;
        m_state = m_length == 0 ? State::Done : State::Body;
    } else {
        m_hasLength = false;
        m_framing = Framing::UntilClose;
        m_keepAlive = false; // close-delimited: the connection cannot be reused
        m_state = State::UntilClose;
    }
    if (m_visitor && m_visitor->onHeadEnd)
        m_visitor->onHeadEnd(m_visitor->context);
    return m_state == State::Done ? Status::Done : Status::NeedMore;
}

ResponseParser::Status ResponseParser::parse(const char* data, std::size_t size) noexcept
{
    std::size_t pos = 0;
    m_consumed = 0;
    auto finish = [&](Status s) {
        m_consumed = pos;
        return s;
    };
    while (pos < size) {
        switch (m_state) {
        case State::StatusLine:
        case State::Headers:
        case State::ChunkSize:
        case State::ChunkDataEnd:
        case State::Trailers: {
            m_started = true;
            const char* nl = static_cast<const char*>(std::memchr(data + pos, '\n', size - pos));
            if (nl == nullptr) {
                // + 1: the line's CR may have arrived without its LF; the line itself can still
                // fit.
                if (size - pos > kMaxLine + 1)
                    return finish(fail(Error::LineTooLong));
                return finish(Status::NeedMore);
            }
            std::string_view line(data + pos, std::size_t(nl - (data + pos)));
            pos = std::size_t(nl - data) + 1;
            if (!line.empty() && line.back() == '\r')
                line.remove_suffix(1);
            if (line.size() > kMaxLine)
                return finish(fail(Error::LineTooLong));
            if (m_state == State::StatusLine) {
                if (!parseStatusLine(line))
                    return finish(fail(Error::BadStatusLine));
                m_state = State::Headers;
            } else if (m_state == State::Headers) {
                if (line.empty()) {
                    m_consumed = pos;
                    const Status s = headersDone();
                    pos = m_consumed;
                    if (s != Status::NeedMore || m_state == State::Done)
                        return finish(s);
                } else if (!parseHeader(line)) {
                    return finish(fail(m_error == Error::BadContentLength ? Error::BadContentLength
                                                                          : Error::BadHeader));
                }
            } else if (m_state == State::ChunkSize) {
                const auto semi = line.find(';');
                const auto hex = trimOws(line.substr(0, semi));
                if (hex.empty() || hex.size() > 15)
                    return finish(fail(Error::BadChunk));
                std::uint64_t n = 0;
                for (char c : hex) {
                    const char l = chars::lower(c);
                    if (l >= '0' && l <= '9')
                        n = n * 16 + std::uint64_t(l - '0');
                    else if (l >= 'a' && l <= 'f')
                        n = n * 16 + std::uint64_t(l - 'a' + 10);
                    else
                        return finish(fail(Error::BadChunk));
                }
                m_length = n;
                m_state = n == 0 ? State::Trailers : State::ChunkData;
            } else if (m_state == State::ChunkDataEnd) {
                if (!line.empty())
                    return finish(fail(Error::BadChunk));
                m_state = State::ChunkSize;
            } else { // Trailers: ignored until the empty line
                if (line.empty()) {
                    m_state = State::Done;
                    return finish(Status::Done);
                }
            }
            break;
        }
        case State::Body:
        case State::ChunkData: {
            const std::size_t n = std::size_t(std::min<std::uint64_t>(m_length, size - pos));
            if (m_visitor && m_visitor->onBody && n != 0)
                m_visitor->onBody(m_visitor->context, {data + pos, n});
            pos += n;
            m_length -= n;
            m_bodyBytes += n;
            if (m_length == 0) {
                if (m_state == State::Body) {
                    m_state = State::Done;
                    return finish(Status::Done);
                }
                m_state = State::ChunkDataEnd;
            }
            break;
        }
        case State::UntilClose:
            if (m_visitor && m_visitor->onBody)
                m_visitor->onBody(m_visitor->context, {data + pos, size - pos});
            m_bodyBytes += size - pos;
            pos = size;
            break;
        case State::Done:
            return finish(Status::Done);
        case State::Failed:
            return finish(Status::Error);
        }
    }
    return finish(m_state == State::Done     ? Status::Done
                  : m_state == State::Failed ? Status::Error
                                             : Status::NeedMore);
}

ResponseParser::Status ResponseParser::finishOnEof() noexcept
{
    if (m_state == State::Failed)
        return Status::Error; // keep the first error, not "truncated"
    if (m_state == State::UntilClose || m_state == State::Done) {
        m_state = State::Done;
        return Status::Done;
    }
    return fail(Error::Truncated);
}

} // namespace gb::http
