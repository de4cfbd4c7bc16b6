#include "gateway/proxy/upstream_events.h"

#include "gateway/proxy/upstream_connection.h"

#include <cerrno>
#include <sys/epoll.h>
#include <system_error>

namespace gb::gateway::proxy {

UpstreamEvents::UpstreamEvents(boost::asio::io_context& io)
    : m_epoll(::epoll_create1(EPOLL_CLOEXEC))
    , m_watch(io)
{
    if (m_epoll < 0)
        throw std::system_error(errno, std::system_category(), "epoll_create1");
    m_watch.assign(m_epoll);
    arm();
}

UpstreamEvents::~UpstreamEvents()
{
    m_stopped = true;
    boost::system::error_code ignored;
    m_watch.cancel(ignored);
}

bool UpstreamEvents::add(int fd, UpstreamConnection* c)
{
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.ptr = c;
    return ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev) == 0;
}

void UpstreamEvents::arm()
{
    m_watch.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                       [this](const boost::system::error_code& ec) {
                           if (!ec)
                               onReady();
                       });
}

void UpstreamEvents::onReady()
{
    constexpr int kBatch = 128;
    epoll_event events[kBatch];
    std::uint64_t generations[kBatch];
    // A few rounds at most, so timers and client sockets are not starved by a flood.
    for (int round = 0; round < 4; ++round) {
        const int n = ::epoll_wait(m_epoll, events, kBatch, 0);
        if (n <= 0)
            break;
        // Handling one event may close another connection of the batch and reuse its object for
        // a new socket: remember which use of each connection the events were for.
        for (int i = 0; i < n; ++i)
            generations[i] = static_cast<UpstreamConnection*>(events[i].data.ptr)->generation();
        for (int i = 0; i < n; ++i) {
            auto* c = static_cast<UpstreamConnection*>(events[i].data.ptr);
            if (c->generation() == generations[i])
                c->onEvents(events[i].events);
        }
        if (n < kBatch)
            break;
    }
    if (!m_stopped)
        arm();
}

} // namespace gb::gateway::proxy
