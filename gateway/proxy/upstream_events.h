#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <cstdint>

namespace gb::gateway::proxy {

class UpstreamConnection;

/// One worker's edge-triggered epoll set of upstream sockets, watched by the worker's
/// io_context as one descriptor: the server core's recipe for client sockets, applied to the
/// upstream side. Through Asio's own reactor every request would cost either an epoll_ctl
/// (async_wait re-arms) or a failing speculative recv (async_read_some after each response), and
/// a descriptor lock per operation; here a request costs one sendmsg and one recv, and each batch
/// of ready sockets one epoll_wait and one re-arm.
///
/// Owned by the worker's ProxyHandler; worker thread only. Connections must be closed before it
/// goes (closing a socket leaves the set by itself).
class UpstreamEvents
{
public:
    explicit UpstreamEvents(boost::asio::io_context& io);
    ~UpstreamEvents();
    UpstreamEvents(const UpstreamEvents&) = delete;
    UpstreamEvents& operator=(const UpstreamEvents&) = delete;

    /// Adds a socket for in, out, peer-closed and errors, edge-triggered. False with errno set.
    bool add(int fd, UpstreamConnection* c);

private:
    void arm();
    void onReady();

    int m_epoll = -1;
    boost::asio::posix::stream_descriptor m_watch; // owns m_epoll
    bool m_stopped = false;
};

} // namespace gb::gateway::proxy
