#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <cstddef>
#include <span>

struct epoll_event; // <sys/epoll.h>, included by the .cpp files that read the events

namespace gb {

/// An edge-triggered epoll set of sockets that an io_context watches as one descriptor: the
/// readiness loop of the server's client sockets, the proxy's upstream sockets and the load
/// engine's plain client sockets.
///
/// Why not Asio's reactor for these sockets: it re-arms a wait with epoll_ctl() and re-tries reads
/// speculatively after every event, so every request would cost either an epoll_ctl (async_wait
/// re-arms) or a failing speculative recv (async_read_some after each response), and a
/// descriptor lock per operation; nginx makes none of these calls. Here each socket is added once,
/// edge-triggered for in, out, peer-closed and errors; each batch of ready sockets costs one
/// epoll_wait and one re-arm of the set's single Asio wait, and each request one recv and one
/// sendmsg. Timers, posts, accepting and every other socket stay on Asio.
///
/// Each wake drains the set with epoll_wait(..., 0) in at most Drain::rounds rounds of at most
/// Drain::batch events (a bound, so timers and posted work are not starved by a flood). What a
/// bounded wake leaves is not stranded although the io_context watches the set edge-triggered:
/// Asio re-arms the wait with an epoll_ctl on the set's descriptor, which has the kernel look at
/// the set again, so the next wake comes at once, after the work queued meanwhile. Each round's
/// events go to the handler: one indirect call per batch, never one per event, and no
/// allocation. The handler owns the per-event logic, including any care needed because handling
/// one event may close (or reuse) the object another event of the same batch points to.
///
/// Owned by the io_context's thread and used on it only (construction and destruction may happen
/// elsewhere while the io_context is not running). Closing a socket takes it out of the set by
/// itself, provided the descriptor is not shared (dup/fork). After stop() or destruction the
/// handler is never called again; the io_context must outlive the set.
class EpollSet
{
public:
    static constexpr int kMaxBatch = 256;

    /// Called with each drained batch; `context` is the pointer given with it.
    struct Handler
    {
        void (*fn)(void* context, std::span<const epoll_event> batch) = nullptr;
        void* context = nullptr;

        /// (obj->*Method)(batch), e.g. Handler::member<&Worker::onEvents>(this).
        template <auto Method, class T>
        static Handler member(T* obj)
        {
            return {[](void* p, std::span<const epoll_event> batch) {
                        (static_cast<T*>(p)->*Method)(batch);
                    },
                    obj};
        }
    };

    /// How much one wake drains: up to `rounds` epoll_waits of up to `batch` (<= kMaxBatch)
    /// events; a round that returns fewer than `batch` ends the wake.
    struct Drain
    {
        int batch = kMaxBatch;
        int rounds = 1;
    };

    /// Creates the epoll set (throws std::system_error if it cannot). Nothing is delivered
    /// before start().
    EpollSet(boost::asio::io_context& io, Handler handler, Drain drain);
    ~EpollSet();
    EpollSet(const EpollSet&) = delete;
    EpollSet& operator=(const EpollSet&) = delete;

    /// Adds a socket for in, out, peer-closed and errors, edge-triggered; events for it carry
    /// `tag` in data.ptr. False with errno set when it cannot be added.
    bool add(int fd, void* tag);
    /// Starts watching: the io_context wakes the set when a socket of it becomes ready.
    void start();
    /// Stops for good: cancels the wait, and the handler is not called again, not even for the
    /// next round of the wake being drained (stop() may be called from the handler; the batch in
    /// its hands is its own business). Idempotent. Not to be destroyed from inside the handler.
    void stop();

private:
    void arm();
    void onReady();

    int m_epoll = -1;
    boost::asio::posix::stream_descriptor m_watch; // owns m_epoll
    Handler m_handler;
    Drain m_drain;
    bool m_stopped = false;
};

} // namespace gb
