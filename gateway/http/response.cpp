#include "gateway/http/response.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <string>

namespace gb::http {

namespace {

constexpr int kMinStatus = 100;
constexpr int kMaxStatus = 999;

struct StatusLines
{
    std::array<std::string, kMaxStatus - kMinStatus + 1> lines;
    StatusLines()
    {
        for (int s = kMinStatus; s <= kMaxStatus; ++s)
            lines[s - kMinStatus] =
                "HTTP/1.1 " + std::to_string(s) + " " + std::string(reasonPhrase(s)) + "\r\n";
    }
};

const StatusLines& statusLines()
{
    static const StatusLines table;
    return table;
}

// Built before main() so the first request on each thread does not pay for it.
[[maybe_unused]] const StatusLines& kWarm = statusLines();

} // namespace

std::string_view reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 203:
        return "Non-Authoritative Information";
    case 204:
        return "No Content";
    case 205:
        return "Reset Content";
    case 206:
        return "Partial Content";
    case 300:
        return "Multiple Choices";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 402:
        return "Payment Required";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 407:
        return "Proxy Authentication Required";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 411:
        return "Length Required";
    case 412:
        return "Precondition Failed";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 416:
        return "Range Not Satisfiable";
    case 417:
        return "Expectation Failed";
    case 421:
        return "Misdirected Request";
    case 422:
        return "Unprocessable Content";
    case 425:
        return "Too Early";
    case 426:
        return "Upgrade Required";
    case 428:
        return "Precondition Required";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 451:
        return "Unavailable For Legal Reasons";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "";
    }
}

std::string_view statusLine(int status)
{
    if (status < kMinStatus || status > kMaxStatus)
        status = 500;
    return statusLines().lines[status - kMinStatus];
}

bool statusHasNoBody(int status)
{
    return status < 200 || status == 204 || status == 304;
}

std::string_view dateHeaderLine()
{
    struct Cache
    {
        std::time_t second = -1;
        char text[64];
        std::size_t size = 0;
    };
    thread_local Cache cache;
    timespec ts;
    // The coarse clock is a vDSO read of a value the kernel already keeps: no syscall.
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    if (ts.tv_sec != cache.second) {
        cache.second = ts.tv_sec;
        std::tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        cache.size = std::strftime(cache.text, sizeof cache.text,
                                   "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
    }
    return {cache.text, cache.size};
}

void appendDecimal(OutputBuffer& out, std::uint64_t n)
{
    char* p = out.prepare(20);
    const auto r = std::to_chars(p, p + 20, n);
    out.commit(static_cast<std::size_t>(r.ptr - p));
}

void writeResponseHead(OutputBuffer& out, int status, std::span<const Header> headers,
                       ResponseFraming framing, std::uint64_t contentLength,
                       ConnectionToken connection)
{
    out.append(statusLine(status));
    out.append(dateHeaderLine());
    for (const Header& h : headers) {
        out.append(h.name);
        out.append(": ");
        out.append(h.value);
        out.append("\r\n");
    }
    switch (connection) {
    case ConnectionToken::None:
        break;
    case ConnectionToken::KeepAlive:
        out.append("Connection: keep-alive\r\n");
        break;
    case ConnectionToken::Close:
        out.append("Connection: close\r\n");
        break;
    }
    switch (framing) {
    case ResponseFraming::Length:
        out.append("Content-Length: ");
        appendDecimal(out, contentLength);
        out.append("\r\n\r\n");
        break;
    case ResponseFraming::Chunked:
        out.append("Transfer-Encoding: chunked\r\n\r\n");
        break;
    case ResponseFraming::NoBody:
        out.append("\r\n");
        break;
    }
}

void writeChunk(OutputBuffer& out, std::string_view data, bool borrow)
{
    if (data.empty())
        return;
    char* p = out.prepare(20);
    const auto r = std::to_chars(p, p + 16, data.size(), 16);
    r.ptr[0] = '\r';
    r.ptr[1] = '\n';
    out.commit(static_cast<std::size_t>(r.ptr + 2 - p));
    if (borrow)
        out.appendBorrowed(data);
    else
        out.append(data);
    out.append("\r\n");
}

void writeLastChunk(OutputBuffer& out)
{
    out.append("0\r\n\r\n");
}

} // namespace gb::http
