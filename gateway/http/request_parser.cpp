#include "gateway/http/request_parser.h"

#include "common/http/chars.h"

#include <cstring>

namespace gb::http {

namespace {

using namespace chars;

// RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line (clients
// sometimes send CRLF after a POST body). Bounded so a stream of CRLFs cannot keep us busy.
constexpr std::size_t kMaxLeadingEmptyLines = 4;

std::string_view trimOws(std::string_view s)
{
    while (!s.empty() && isOws(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isOws(s.back()))
        s.remove_suffix(1);
    return s;
}

Method methodOf(std::string_view m)
{
    switch (m.size()) {
    case 3:
        if (m == "GET")
            return Method::Get;
        if (m == "PUT")
            return Method::Put;
        break;
    case 4:
        if (m == "HEAD")
            return Method::Head;
        if (m == "POST")
            return Method::Post;
        break;
    case 5:
        if (m == "PATCH")
            return Method::Patch;
        if (m == "TRACE")
            return Method::Trace;
        break;
    case 6:
        if (m == "DELETE")
            return Method::Delete;
        break;
    case 7:
        if (m == "OPTIONS")
            return Method::Options;
        if (m == "CONNECT")
            return Method::Connect;
        break;
    default:
        break;
    }
    return Method::Other;
}

// Splits a comma-separated list into trimmed elements; f returns false to stop early.
template <typename F>
void forEachListElement(std::string_view list, F&& f)
{
    while (true) {
        const auto comma = list.find(',');
        if (!f(trimOws(list.substr(0, comma))))
            return;
        if (comma == std::string_view::npos)
            return;
        list.remove_prefix(comma + 1);
    }
}

bool isToken(std::string_view s)
{
    if (s.empty())
        return false;
    for (char c : s)
        if (!isTchar(c))
            return false;
    return true;
}

// Transfer-Encoding must be exactly one final "chunked" (RFC 9112 §6.1, §6.3). We decode no other
// coding, so one we know but do not implement is 501 like one we have never heard of; a list whose
// framing cannot be determined (chunked missing, repeated or not last) is 400.
ParseError checkTransferEncoding(std::string_view value)
{
    int chunkedCount = 0;
    bool lastIsChunked = false;
    bool unknown = false;
    bool otherKnown = false;
    bool malformed = false;
    forEachListElement(value, [&](std::string_view e) {
        if (!isToken(e)) { // empty element, parameters or junk
            malformed = true;
            return false;
        }
        if (iequals(e, "chunked")) {
            ++chunkedCount;
            lastIsChunked = true;
            return true;
        }
        lastIsChunked = false;
        if (iequals(e, "gzip") || iequals(e, "x-gzip") || iequals(e, "deflate") ||
            iequals(e, "compress") || iequals(e, "x-compress"))
            otherKnown = true;
        else
            unknown = true;
        return true;
    });
    if (malformed)
        return ParseError::ChunkedNotFinal;
    if (unknown)
        return ParseError::UnknownTransferCoding;
    if (!lastIsChunked || chunkedCount != 1)
        return ParseError::ChunkedNotFinal;
    if (otherKnown)
        return ParseError::UnknownTransferCoding;
    return ParseError::None;
}

ParseError parseContentLength(std::string_view v, std::uint64_t& out)
{
    // 1*DIGIT only: no sign, no list ("5, 5"), no whitespace inside; at most 18 digits so the
    // value fits in 63 bits without an overflow check per digit.
    if (v.empty() || v.size() > 18)
        return ParseError::BadContentLength;
    std::uint64_t n = 0;
    for (char c : v) {
        if (c < '0' || c > '9')
            return ParseError::BadContentLength;
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    out = n;
    return ParseError::None;
}

ParseError parseTarget(std::string_view target, Method method, Request& out)
{
    auto splitQuery = [&](std::string_view pathAndQuery) {
        const auto q = pathAndQuery.find('?');
        if (q == std::string_view::npos) {
            out.path = pathAndQuery;
            out.query = {};
        } else {
            out.path = pathAndQuery.substr(0, q);
            out.query = pathAndQuery.substr(q + 1);
        }
    };
    if (target.front() == '/') {
        if (method == Method::Connect)
            return ParseError::BadTarget;
        splitQuery(target);
        return ParseError::None;
    }
    if (target == "*") {
        if (method != Method::Options)
            return ParseError::BadTarget;
        out.path = target;
        out.query = {};
        return ParseError::None;
    }
    if (method == Method::Connect) { // authority-form: host:port
        for (char c : target)
            if (!isHost(c))
                return ParseError::BadTarget;
        out.path = {};
        out.query = {};
        return ParseError::None;
    }
    // absolute-form (RFC 9112 §3.2.2), as sent to proxies.
    std::size_t schemeEnd = 0;
    if (target.size() > 7 && iequals(target.substr(0, 7), "http://"))
        schemeEnd = 7;
    else if (target.size() > 8 && iequals(target.substr(0, 8), "https://"))
        schemeEnd = 8;
    else
        return ParseError::BadTarget;
    const auto rest = target.substr(schemeEnd);
    const auto authorityEnd = rest.find_first_of("/?");
    const auto authority = rest.substr(0, authorityEnd);
    if (authority.empty())
        return ParseError::BadTarget;
    for (char c : authority)
        if (!isHost(c) && c != '@')
            return ParseError::BadTarget;
    if (authorityEnd == std::string_view::npos) {
        out.path = "/";
        out.query = {};
    } else if (rest[authorityEnd] == '?') {
        out.path = "/";
        out.query = rest.substr(authorityEnd + 1);
    } else {
        splitQuery(rest.substr(authorityEnd));
    }
    return ParseError::None;
}

} // namespace

std::string_view Request::header(std::string_view name) const
{
    for (std::size_t i = 0; i < headerCount; ++i)
        if (iequals(fields[i].name, name))
            return fields[i].value;
    return {};
}

bool Request::hasHeader(std::string_view name) const
{
    for (std::size_t i = 0; i < headerCount; ++i)
        if (iequals(fields[i].name, name))
            return true;
    return false;
}

RequestParser::Result RequestParser::parse(std::string_view data, Request& out)
{
    std::size_t skipped = 0;
    for (std::size_t n = 0; n < kMaxLeadingEmptyLines; ++n) {
        if (data.size() >= skipped + 2 && data[skipped] == '\r' && data[skipped + 1] == '\n')
            skipped += 2;
        else
            break;
    }
    if (data.size() == skipped || (data.size() == skipped + 1 && data[skipped] == '\r'))
        return {Status::NeedMore};

    const std::string_view b = data.substr(skipped);
    const char* base = b.data();
    const std::size_t size = b.size();
    std::size_t pos = m_scanned;

    if (!m_firstLineSeen) {
        const void* nl = std::memchr(base + pos, '\n', size - pos);
        if (!nl) {
            if (size > m_limits.maxRequestLine + 1)
                return {Status::Error, ParseError::RequestLineTooLong};
            m_scanned = size;
            return {Status::NeedMore};
        }
        const auto lineEnd = static_cast<std::size_t>(static_cast<const char*>(nl) - base);
        if (lineEnd > m_limits.maxRequestLine + 1) // +1: the CR before the LF
            return {Status::Error, ParseError::RequestLineTooLong};
        m_firstLineSeen = true;
        pos = lineEnd;
    }

    // Look for the empty line that ends the head: LF followed by CRLF (or a bare LF, which
    // parseHead then rejects with a precise error instead of waiting for a timeout).
    std::size_t end = 0;
    while (pos < size) {
        const void* nl = std::memchr(base + pos, '\n', size - pos);
        if (!nl) {
            pos = size;
            break;
        }
        const auto i = static_cast<std::size_t>(static_cast<const char*>(nl) - base);
        if (i + 1 >= size) {
            pos = i;
            break;
        }
        if (base[i + 1] == '\n') {
            end = i + 2;
            break;
        }
        if (base[i + 1] == '\r') {
            if (i + 2 >= size) {
                pos = i;
                break;
            }
            if (base[i + 2] == '\n') {
                end = i + 3;
                break;
            }
        }
        pos = i + 1;
    }
    if (end == 0) {
        if (size > m_limits.maxHeadBytes)
            return {Status::Error, ParseError::HeadersTooLarge};
        m_scanned = pos;
        return {Status::NeedMore};
    }
    if (end > m_limits.maxHeadBytes)
        return {Status::Error, ParseError::HeadersTooLarge};
    return parseHead(b.substr(0, end), skipped, out);
}

RequestParser::Result RequestParser::parseHead(std::string_view head, std::size_t skipped,
                                               Request& out) const
{
    const char* p = head.data();
    const char* const end = p + head.size(); // head ends with LF, so p[1] is in bounds at a CR
    auto fail = [](ParseError e) { return Result{Status::Error, e}; };

    // request-line = method SP request-target SP HTTP-version CRLF, single spaces only.
    const char* start = p;
    while (isTchar(*p))
        ++p;
    if (p == start || *p != ' ')
        return fail(p == start ? ParseError::BadMethod : ParseError::BadRequestLine);
    out.method = {start, static_cast<std::size_t>(p - start)};
    out.methodId = methodOf(out.method);
    ++p;
    start = p;
    while (isTarget(*p))
        ++p;
    if (p == start)
        return fail(*p == ' ' ? ParseError::BadRequestLine : ParseError::BadTarget);
    if (*p != ' ')
        return fail(*p == '\r' || *p == '\n' ? ParseError::BadRequestLine : ParseError::BadTarget);
    out.target = {start, static_cast<std::size_t>(p - start)};
    ++p;
    if (end - p < 10 || std::memcmp(p, "HTTP/", 5) != 0)
        return fail(ParseError::BadVersion);
    if (p[5] < '0' || p[5] > '9' || p[6] != '.' || p[7] < '0' || p[7] > '9')
        return fail(ParseError::BadVersion);
    if (p[5] != '1' || p[7] > '1')
        return fail(ParseError::UnsupportedVersion);
    out.versionMinor = p[7] - '0';
    p += 8;
    if (*p == '\n' || (*p == '\r' && p[1] != '\n'))
        return fail(ParseError::BareLineFeed);
    if (*p != '\r')
        return fail(ParseError::BadRequestLine);
    p += 2;
    if (const auto e = parseTarget(out.target, out.methodId, out); e != ParseError::None)
        return fail(e);

    bool hostSeen = false;
    bool lengthSeen = false;
    bool teSeen = false;
    bool closeSeen = false;
    bool keepAliveSeen = false;
    std::uint64_t length = 0;
    out.host = {};
    out.expectContinue = false;
    std::size_t count = 0;
    const std::size_t maxHeaders =
        m_limits.maxHeaders < kMaxHeaders ? m_limits.maxHeaders : kMaxHeaders;
    while (true) {
        if (*p == '\r') {
            if (p[1] != '\n')
                return fail(ParseError::BareLineFeed);
            p += 2;
            break;
        }
        if (*p == '\n')
            return fail(ParseError::BareLineFeed);
        if (isOws(*p))
            return fail(ParseError::ObsFold);
        start = p;
        while (isTchar(*p))
            ++p;
        if (p == start || *p != ':') // includes whitespace before the colon (RFC 9112 §5.1)
            return fail(ParseError::BadHeaderName);
        const std::string_view name{start, static_cast<std::size_t>(p - start)};
        ++p;
        while (isOws(*p))
            ++p;
        start = p;
        while (isFieldValue(*p))
            ++p;
        const char* valueEnd = p;
        while (valueEnd > start && isOws(valueEnd[-1]))
            --valueEnd;
        if (*p == '\r') {
            if (p[1] != '\n')
                return fail(ParseError::BareLineFeed);
        } else {
            return fail(*p == '\n' ? ParseError::BareLineFeed : ParseError::BadHeaderValue);
        }
        p += 2;
        const std::string_view value{start, static_cast<std::size_t>(valueEnd - start)};
        if (count == maxHeaders)
            return fail(ParseError::TooManyHeaders);
        out.fields[count++] = {name, value};

        switch (name.size()) {
        case 4:
            if (iequals(name, "host")) {
                if (hostSeen)
                    return fail(ParseError::DuplicateHost);
                hostSeen = true;
                for (char c : value)
                    if (!isHost(c))
                        return fail(ParseError::BadHost);
                out.host = value;
            }
            break;
        case 6:
            if (iequals(name, "expect") && out.versionMinor == 1) {
                if (!iequals(value, "100-continue"))
                    return fail(ParseError::BadExpect);
                out.expectContinue = true;
            }
            break;
        case 10:
            if (iequals(name, "connection")) {
                forEachListElement(value, [&](std::string_view t) {
                    if (iequals(t, "close"))
                        closeSeen = true;
                    else if (iequals(t, "keep-alive"))
                        keepAliveSeen = true;
                    return true;
                });
            }
            break;
        case 14:
            if (iequals(name, "content-length")) {
                std::uint64_t n = 0;
                if (const auto e = parseContentLength(value, n); e != ParseError::None)
                    return fail(e);
                if (lengthSeen && n != length)
                    return fail(ParseError::ConflictingContentLength);
                lengthSeen = true;
                length = n;
            }
            break;
        case 17:
            if (iequals(name, "transfer-encoding")) {
                if (teSeen)
                    return fail(ParseError::DuplicateTransferEncoding);
                teSeen = true;
                if (const auto e = checkTransferEncoding(value); e != ParseError::None)
                    return fail(e);
            }
            break;
        default:
            break;
        }
    }
    if (p != end)
        return fail(ParseError::BadRequestLine); // cannot happen: the head ends at the empty line
    out.headerCount = count;

    if (teSeen && out.versionMinor == 0)
        return fail(ParseError::TransferEncodingOnHttp10);
    if (teSeen && lengthSeen)
        return fail(ParseError::ContentLengthWithTransferEncoding);
    if (!hostSeen && out.versionMinor == 1)
        return fail(ParseError::MissingHost);
    if (lengthSeen && length > m_limits.maxBodyBytes)
        return fail(ParseError::BodyTooLarge);

    if (teSeen) {
        out.framing = BodyFraming::Chunked;
        out.contentLength = 0;
    } else if (lengthSeen && length > 0) {
        out.framing = BodyFraming::Length;
        out.contentLength = length;
    } else {
        out.framing = BodyFraming::None;
        out.contentLength = 0;
    }
    out.keepAlive = out.versionMinor == 1 ? !closeSeen : (keepAliveSeen && !closeSeen);
    out.headSize = head.size();
    return {Status::Complete, ParseError::None, skipped + head.size()};
}

} // namespace gb::http
