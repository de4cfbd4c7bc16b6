#pragma once

#include <cstdint>
#include <string_view>

namespace gb::http {

/// Why a request was refused. Each maps to one status (statusFor); names go to logs and counters.
enum class ParseError : std::uint8_t
{
    None,
    BadRequestLine,
    BadMethod,
    BadTarget,
    BadVersion,
    UnsupportedVersion, // 505
    RequestLineTooLong, // 414
    HeadersTooLarge,    // 431
    TooManyHeaders,     // 431
    BareLineFeed,
    BadHeaderName,
    BadHeaderValue,
    ObsFold,
    MissingHost,
    DuplicateHost,
    BadHost,
    BadContentLength,
    ConflictingContentLength,
    ContentLengthWithTransferEncoding,
    DuplicateTransferEncoding,
    TransferEncodingOnHttp10,
    ChunkedNotFinal,
    UnknownTransferCoding, // 501
    BadExpect,             // 417
    BodyTooLarge,          // 413
    BadChunkSize,
    BadChunkExtension,
    BadChunkData,
    BadTrailer,
};

inline constexpr int kParseErrorCount = static_cast<int>(ParseError::BadTrailer) + 1;

/// The response status a server sends for this error (400 unless noted above).
int statusFor(ParseError e);
std::string_view toString(ParseError e);

} // namespace gb::http
