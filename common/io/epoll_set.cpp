#include "common/io/epoll_set.h"

#include <cerrno>
#include <sys/epoll.h>
#include <system_error>

namespace gb {

EpollSet::EpollSet(boost::asio::io_context& io, Handler handler, Drain drain)
    : m_epoll(::epoll_create1(EPOLL_CLOEXEC))
    , m_watch(io)
    , m_handler(handler)
    , m_drain(drain)
{
    if (m_epoll < 0)
        throw std::system_error(errno, std::system_category(), "epoll_create1");
    m_watch.assign(m_epoll);
    if (m_drain.batch < 1 || m_drain.batch > kMaxBatch)
        m_drain.batch = kMaxBatch;
    if (m_drain.rounds < 1)
        m_drain.rounds = 1;
}

EpollSet::~EpollSet()
{
    // The stream_descriptor closes the epoll fd; a pending wait completes with
    // operation_aborted and then touches nothing of this object.
    stop();
}

bool EpollSet::add(int fd, void* tag)
{
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.ptr = tag;
    return ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev) == 0;
}

void EpollSet::start()
{
    if (!m_stopped)
        arm();
}

void EpollSet::stop()
{
    if (m_stopped)
        return;
    m_stopped = true;
    boost::system::error_code ignored;
    m_watch.cancel(ignored);
}

void EpollSet::arm()
{
    // One wait for the whole set: each wake serves every socket that became ready.
    m_watch.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                       [this](const boost::system::error_code& ec) {
                           if (!ec) // aborted: the set may be gone, touch nothing
                               onReady();
                       });
}

void EpollSet::onReady()
{
    epoll_event events[kMaxBatch];
    for (int round = 0; round < m_drain.rounds && !m_stopped; ++round) {
        const int n = ::epoll_wait(m_epoll, events, m_drain.batch, 0);
        if (n <= 0)
            break;
        m_handler.fn(m_handler.context, {events, static_cast<std::size_t>(n)});
        if (n < m_drain.batch)
            break;
    }
    if (!m_stopped)
        arm();
}

} // namespace gb
