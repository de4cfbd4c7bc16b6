#include "gateway/http/chunked_decoder.h"

#include "common/http/chars.h"

namespace gb::http {

using namespace chars;

void ChunkedDecoder::reset()
{
    m_state = State::Size;
    m_chunkLeft = 0;
    m_total = 0;
    m_lineBytes = 0;
    m_trailerBytes = 0;
    m_digits = 0;
}

ChunkedDecoder::Result ChunkedDecoder::decode(std::string_view in)
{
    Result r;
    std::size_t i = 0;
    auto fail = [&](ParseError e) {
        r.consumed = i;
        r.error = e;
        return r;
    };
    while (i < in.size()) {
        const char c = in[i];
        switch (m_state) {
        case State::Size: {
            const int h = hexValue(c);
            if (h >= 0) {
                if (++m_digits > 16)
                    return fail(ParseError::BadChunkSize);
                m_chunkLeft = (m_chunkLeft << 4) | static_cast<std::uint64_t>(h);
                ++i;
                break;
            }
            if (m_digits == 0)
                return fail(ParseError::BadChunkSize);
            if (c == '\r')
                m_state = State::SizeLf;
            else if (c == ';')
                m_state = State::Extension;
            else if (isOws(c))
                m_state = State::SizeOws;
            else
                return fail(ParseError::BadChunkSize);
            m_lineBytes = static_cast<std::size_t>(m_digits) + 1;
            ++i;
            break;
        }
        case State::SizeOws:
            if (c == ';')
                m_state = State::Extension;
            else if (!isOws(c))
                return fail(ParseError::BadChunkExtension);
            if (++m_lineBytes > m_limits.maxChunkLine)
                return fail(ParseError::BadChunkExtension);
            ++i;
            break;
        case State::Extension:
            // Extensions are meaningless to us; accept their printable characters (quoted strings
            // included) but no control character: a bare LF here is a classic smuggling vector.
            if (c == '\r')
                m_state = State::SizeLf;
            else if (!isFieldValue(c))
                return fail(ParseError::BadChunkExtension);
            if (++m_lineBytes > m_limits.maxChunkLine)
                return fail(ParseError::BadChunkExtension);
            ++i;
            break;
        case State::SizeLf:
            if (c != '\n')
                return fail(ParseError::BadChunkSize);
            ++i;
            m_digits = 0;
            if (m_chunkLeft == 0) {
                m_state = State::TrailerLineStart;
                break;
            }
            if (m_chunkLeft > m_limits.maxBodyBytes - m_total)
                return fail(ParseError::BodyTooLarge);
            m_total += m_chunkLeft;
            m_state = State::Data;
            break;
        case State::Data: {
            const std::size_t avail = in.size() - i;
            const std::size_t n =
                m_chunkLeft < avail ? static_cast<std::size_t>(m_chunkLeft) : avail;
            r.data = in.substr(i, n);
            i += n;
            m_chunkLeft -= n;
            if (m_chunkLeft == 0)
                m_state = State::DataCr;
            r.consumed = i;
            return r;
        }
        case State::DataCr:
            if (c != '\r')
                return fail(ParseError::BadChunkData);
            m_state = State::DataLf;
            ++i;
            break;
        case State::DataLf:
            if (c != '\n')
                return fail(ParseError::BadChunkData);
            m_state = State::Size;
            ++i;
            break;
        case State::TrailerLineStart:
            if (c == '\r') {
                m_state = State::FinalLf;
            } else if (isTchar(c)) {
                m_state = State::TrailerLine;
            } else {
                return fail(ParseError::BadTrailer); // obs-fold, bare LF, junk
            }
            if (++m_trailerBytes > m_limits.maxTrailerBytes)
                return fail(ParseError::BadTrailer);
            ++i;
            break;
        case State::TrailerLine:
            if (c == '\r')
                m_state = State::TrailerLf;
            else if (!isFieldValue(c) && c != ':')
                return fail(ParseError::BadTrailer);
            if (++m_trailerBytes > m_limits.maxTrailerBytes)
                return fail(ParseError::BadTrailer);
            ++i;
            break;
        case State::TrailerLf:
            if (c != '\n')
                return fail(ParseError::BadTrailer);
            m_state = State::TrailerLineStart;
            ++i;
            break;
        case State::FinalLf:
            if (c != '\n')
                return fail(ParseError::BadTrailer);
            ++i;
            m_state = State::Done;
            r.consumed = i;
            r.done = true;
            return r;
        case State::Done:
            r.consumed = i;
            r.done = true;
            return r;
        }
    }
    r.consumed = i;
    r.done = m_state == State::Done;
    return r;
}

} // namespace gb::http
