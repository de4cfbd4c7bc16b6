#pragma once

// The small ProxyExchange helpers every proxy_exchange*.cpp needs, inline so that splitting the
// class over several files costs the request path no call. Include only from those files.

#include "gateway/proxy/clock.h"
#include "gateway/proxy/header_rules.h"
#include "gateway/proxy/proxy_exchange.h"
#include "gateway/proxy/proxy_handler.h"

namespace gb::gateway::proxy {

inline void ProxyExchange::setDeadlineFromNow()
{
    m_deadline = monotonicNs() + m_handler.settings().timeout.count();
}

inline bool ProxyExchange::canRetry() const
{
    const Exchange* ex = exchange();
    return m_reusedConnection && !m_retried && !m_gotBytes && m_headState == Head::Awaited &&
           !m_hasBody && ex && isIdempotentMethod(ex->request().method);
}

inline void ProxyExchange::releaseConnection(bool reusable)
{
    if (!m_conn)
        return;
    if (m_handler.draining())
        reusable = false; // the pool was emptied for the drain; keep it empty
    UpstreamConnection* c = m_conn;
    m_conn = nullptr;
    m_writing = false;
    m_readPaused = false;
    c->release(reusable);
}

} // namespace gb::gateway::proxy
