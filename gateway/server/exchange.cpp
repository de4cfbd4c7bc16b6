#include "gateway/server/exchange.h"

#include "gateway/server/connection.h"

namespace gb::gateway {

void ExchangeListener::onBody(Exchange&, std::string_view, bool) {}
void ExchangeListener::onWritable(Exchange&) {}
void ExchangeListener::onAbort() {}

const http::Request& Exchange::request() const
{
    return m_connection.request();
}
WorkerContext& Exchange::worker() const
{
    return m_connection.workerContext();
}
std::string_view Exchange::peerAddress() const
{
    return m_connection.peerAddress();
}
void Exchange::setListener(ExchangeListener* listener)
{
    m_connection.setListener(listener);
}
void Exchange::readBody()
{
    m_connection.readBody();
}
bool Exchange::bodyComplete() const
{
    return m_connection.bodyComplete();
}

void Exchange::respond(int status, std::span<const http::Header> headers, std::string_view body,
                       BodyOwnership ownership)
{
    m_connection.respond(status, headers, body, ownership);
}

void Exchange::writeHead(int status, std::span<const http::Header> headers,
                         std::optional<std::uint64_t> contentLength)
{
    m_connection.writeHead(status, headers, contentLength);
}

bool Exchange::writeBody(std::string_view data, BodyOwnership ownership)
{
    return m_connection.writeBody(data, ownership);
}

void Exchange::finish()
{
    m_connection.finish();
}
void Exchange::abort(AbortMode mode)
{
    m_connection.abort(mode);
}
void Exchange::writeRawAndClose(std::string_view bytes)
{
    m_connection.writeRawAndClose(bytes);
}
void Exchange::closeAfterResponse()
{
    m_connection.closeAfterResponse();
}
bool Exchange::responseStarted() const
{
    return m_connection.responseStarted();
}

ExchangeRef::ExchangeRef(Exchange& ex)
    : m_connection(&ex.m_connection)
    , m_id(ex.m_connection.exchangeId())
{
    m_connection->addRef();
}

ExchangeRef::ExchangeRef(const ExchangeRef& other)
    : m_connection(other.m_connection)
    , m_id(other.m_id)
{
    if (m_connection)
        m_connection->addRef();
}

ExchangeRef::ExchangeRef(ExchangeRef&& other) noexcept
    : m_connection(other.m_connection)
    , m_id(other.m_id)
{
    other.m_connection = nullptr;
}

ExchangeRef& ExchangeRef::operator=(ExchangeRef other) noexcept
{
    std::swap(m_connection, other.m_connection);
    std::swap(m_id, other.m_id);
    return *this;
}

ExchangeRef::~ExchangeRef()
{
    reset();
}

void ExchangeRef::reset()
{
    if (m_connection) {
        Connection* c = m_connection;
        m_connection = nullptr;
        c->release();
    }
}

Exchange* ExchangeRef::get() const
{
    return m_connection ? m_connection->liveExchange(m_id) : nullptr;
}

} // namespace gb::gateway
