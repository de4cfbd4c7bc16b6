// ProxyExchange, upstream to client: the upstream response parsed and relayed as it arrives (one
// respond() when it came whole), with the client's backpressure pausing upstream reads.
#include "gateway/proxy/proxy_exchange.h"
#include "gateway/proxy/proxy_exchange_inline.h"
#include "gateway/proxy/proxy_handler.h"

namespace gb::gateway::proxy {

void ProxyExchange::onUpstreamData(std::size_t bytes)
{
    if (bytes != 0)
        m_gotBytes = true;
    onResponseBytes();
}

void ProxyExchange::onResponseBytes()
{
    const std::size_t size = m_conn->buffered();
    const auto status = m_parser.parse(m_conn->buffer(), size);
    const std::size_t leftover = size - m_parser.consumed();
    if (m_headState == Head::TooLarge || status == http::ResponseParser::Status::Error) {
        fail(UpstreamError::Malformed);
        return;
    }
    if (status == http::ResponseParser::Status::Done) {
        // Bytes after the response mean the upstream's framing cannot be trusted.
        m_conn->consumeAllBut(leftover);
        responseDone(leftover == 0 && m_parser.keepAlive() && m_stage == Stage::Sent &&
                     !m_handler.settings().closeConnections);
        return;
    }
    m_conn->consumeAllBut(leftover);
    if (m_headState == Head::Held)
        writeHeadNow(); // the body is still to come: stream it
    if (m_headState == Head::Forwarded)
        setDeadlineFromNow(); // a body in progress: the timeout is between reads
    if (m_clientBlocked) {
        m_readPaused = true;
        m_conn->pauseReading();
        m_deadline = 0; // the client is slow, not the upstream: the core's write timeout rules
    }
}

void ProxyExchange::onUpstreamEnd(std::error_code ec)
{
    if (!ec && m_parser.finishOnEof() == http::ResponseParser::Status::Done) {
        responseDone(false); // a body delimited by the close
        return;
    }
    if (!m_gotBytes && canRetry()) {
        retry();
        return;
    }
    fail(m_headState == Head::Forwarded ? UpstreamError::Truncated : UpstreamError::ClosedEarly,
         ec);
}

void ProxyExchange::onWritable(Exchange&)
{
    m_clientBlocked = false;
    if (m_readPaused && m_conn) {
        m_readPaused = false;
        setDeadlineFromNow();
        m_conn->resumeReading();
    }
}

void ProxyExchange::responseDone(bool reusable)
{
    Exchange* ex = exchange();
    if (m_headState == Head::Held && ex->request().methodId != http::Method::Head) {
        // The whole response came in one read (the usual case for small JSON): one respond(),
        // which the core writes at once, instead of a streamed head, body and end.
        setHead(Head::Forwarded);
        if (m_handler.settings().closeConnections)
            ex->closeAfterResponse();
        ex->respond(m_status, m_responseHead.forwarded(m_ctx.addResponseHeaders), m_wholeBody);
        releaseConnection(reusable);
        finishExchange(m_status, true);
        return;
    }
    if (m_headState == Head::Held)
        writeHeadNow(); // HEAD: the declared length goes out, no body
    releaseConnection(reusable);
    if (m_headState != Head::Forwarded) {
        // Done without a head cannot happen; be safe rather than answer nothing.
        fail(UpstreamError::Malformed);
        return;
    }
    ex->finish();
    finishExchange(m_status, true);
}

void ProxyExchange::onHeaderField(void* self, std::string_view name, std::string_view value)
{
    static_cast<ProxyExchange*>(self)->m_responseHead.add(name, value);
}

void ProxyExchange::onHeadComplete(void* self)
{
    static_cast<ProxyExchange*>(self)->headComplete();
}

void ProxyExchange::onBodyBytes(void* self, std::string_view data)
{
    static_cast<ProxyExchange*>(self)->bodyBytes(data);
}

void ProxyExchange::headComplete()
{
    m_upstreamLatency = monotonicNs() - m_sentAt;
    if (m_responseHead.overflowed()) {
        setHead(Head::TooLarge);
        return;
    }
    // Held back until it is known whether the body came with it (see responseDone).
    m_status = m_parser.statusCode();
    setHead(Head::Held);
}

void ProxyExchange::bodyBytes(std::string_view data)
{
    if (m_headState == Head::TooLarge)
        return;
    m_responseBytes += data.size();
    if (m_headState == Head::Held) {
        if (m_parser.framing() == http::ResponseParser::Framing::Length &&
            static_cast<std::int64_t>(data.size()) == m_parser.declaredLength()) {
            m_wholeBody = data; // valid until this parse() returns: used by responseDone
            return;
        }
        writeHeadNow();
    }
    if (!exchange()->writeBody(data))
        m_clientBlocked = true;
}

void ProxyExchange::writeHeadNow()
{
    Exchange* ex = exchange();
    const std::int64_t declared = m_parser.declaredLength();
    std::optional<std::uint64_t> length;
    switch (m_parser.framing()) {
    case http::ResponseParser::Framing::None:
        if (ex->request().methodId != http::Method::Head)
            length = 0;
        else if (declared >= 0) // HEAD: tell the client the length a GET would have had
            length = static_cast<std::uint64_t>(declared);
        break;
    case http::ResponseParser::Framing::Length:
        length = static_cast<std::uint64_t>(declared);
        break;
    case http::ResponseParser::Framing::Chunked:
    case http::ResponseParser::Framing::UntilClose:
        break; // the core re-frames: chunked to HTTP/1.1 clients, until close to HTTP/1.0 ones
    }
    if (m_handler.settings().closeConnections)
        ex->closeAfterResponse();
    ex->writeHead(m_status, m_responseHead.forwarded(m_ctx.addResponseHeaders), length);
    setHead(Head::Forwarded);
}

} // namespace gb::gateway::proxy
