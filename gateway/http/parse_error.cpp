#include "gateway/http/parse_error.h"

namespace gb::http {

int statusFor(ParseError e)
{
    switch (e) {
    case ParseError::None:
        return 200;
    case ParseError::UnsupportedVersion:
        return 505;
    case ParseError::RequestLineTooLong:
        return 414;
    case ParseError::HeadersTooLarge:
    case ParseError::TooManyHeaders:
        return 431;
    case ParseError::UnknownTransferCoding:
        return 501;
    case ParseError::BadExpect:
        return 417;
    case ParseError::BodyTooLarge:
        return 413;
    default:
        return 400;
    }
}

std::string_view toString(ParseError e)
{
    switch (e) {
    case ParseError::None:
        return "none";
    case ParseError::BadRequestLine:
        return "bad request line";
    case ParseError::BadMethod:
        return "bad method";
    case ParseError::BadTarget:
        return "bad request target";
    case ParseError::BadVersion:
        return "bad HTTP version";
    case ParseError::UnsupportedVersion:
        return "unsupported HTTP version";
    case ParseError::RequestLineTooLong:
        return "request line too long";
    case ParseError::HeadersTooLarge:
        return "header section too large";
    case ParseError::TooManyHeaders:
        return "too many header fields";
    case ParseError::BareLineFeed:
        return "bare LF or CR";
    case ParseError::BadHeaderName:
        return "bad header name";
    case ParseError::BadHeaderValue:
        return "bad header value";
    case ParseError::ObsFold:
        return "obsolete line folding";
    case ParseError::MissingHost:
        return "missing Host";
    case ParseError::DuplicateHost:
        return "duplicate Host";
    case ParseError::BadHost:
        return "bad Host";
    case ParseError::BadContentLength:
        return "bad Content-Length";
    case ParseError::ConflictingContentLength:
        return "conflicting Content-Length";
    case ParseError::ContentLengthWithTransferEncoding:
        return "Content-Length with Transfer-Encoding";
    case ParseError::DuplicateTransferEncoding:
        return "duplicate Transfer-Encoding";
    case ParseError::TransferEncodingOnHttp10:
        return "Transfer-Encoding on HTTP/1.0";
    case ParseError::ChunkedNotFinal:
        return "chunked is not the only, final coding";
    case ParseError::UnknownTransferCoding:
        return "unsupported transfer coding";
    case ParseError::BadExpect:
        return "unsupported expectation";
    case ParseError::BodyTooLarge:
        return "body too large";
    case ParseError::BadChunkSize:
        return "bad chunk size";
    case ParseError::BadChunkExtension:
        return "bad chunk extension";
    case ParseError::BadChunkData:
        return "bad chunk data terminator";
    case ParseError::BadTrailer:
        return "bad trailer section";
    }
    return "unknown";
}

} // namespace gb::http
