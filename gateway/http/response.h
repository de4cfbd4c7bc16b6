#pragma once

#include "gateway/http/output_buffer.h"
#include "gateway/http/request.h"

#include <cstdint>
#include <span>
#include <string_view>

namespace gb::http {

/// How a response body is delimited on the wire.
enum class ResponseFraming : std::uint8_t
{
    Length,  ///< Content-Length: n (n may be 0)
    Chunked, ///< Transfer-Encoding: chunked
    NoBody,  ///< 1xx/204/304, or a bodiless answer that must not even carry Content-Length
};

/// The Connection header the server core adds: the core alone decides keep-alive.
enum class ConnectionToken : std::uint8_t
{
    None,      ///< HTTP/1.1 persistent: nothing to say
    KeepAlive, ///< HTTP/1.0 client that asked for keep-alive
    Close,
};

/// "HTTP/1.1 200 OK\r\n" for any status 100-999 (reason phrase empty when unknown), precomputed.
std::string_view statusLine(int status);
std::string_view reasonPhrase(int status);
/// True for statuses that never carry a body (1xx, 204, 304).
bool statusHasNoBody(int status);

/// "Date: Thu, 26 Nov 2026 16:43:14 GMT\r\n", formatted at most once per second per thread.
std::string_view dateHeaderLine();

/// Appends a response head: status line, Date, the caller's fields, Connection (if any), the
/// framing field, and the empty line. The caller's fields must not include Date, Connection,
/// Content-Length or Transfer-Encoding: the core owns those.
void writeResponseHead(OutputBuffer& out, int status, std::span<const Header> headers,
                       ResponseFraming framing, std::uint64_t contentLength,
                       ConnectionToken connection);

/// One chunk of a chunked body ("<hex>\r\n" data "\r\n"); empty data writes nothing.
void writeChunk(OutputBuffer& out, std::string_view data, bool borrow = false);
/// The last chunk and the end of the (empty) trailer section.
void writeLastChunk(OutputBuffer& out);
/// Appends a decimal number.
void appendDecimal(OutputBuffer& out, std::uint64_t n);

} // namespace gb::http
