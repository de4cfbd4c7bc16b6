#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace gb::test {

/// A scripted HTTP/1.1 server on 127.0.0.1 (port chosen by the kernel) that the engine's tests
/// aim the client at. The request path picks the behaviour, so one server serves every case:
///
///   /ok[/N]        200, Content-Length, N-byte body (default 5), keep-alive
///   /chunked/N     200, chunked (a chunk extension, several chunks, a trailer), N body bytes
///   /eof/N         200 without framing: the body ends when the server closes (close-delimited)
///   /close/N       200, Content-Length, `Connection: close`, then the server closes
///   /drop/N        200, Content-Length, N-byte body, no `Connection: close`, then the server
///   closes /hang          never answers (the connection stays open) /reset         announces 100
///   body bytes, sends 50, then resets (SO_LINGER {1, 0}) /garbage       a status line that is not
///   HTTP, then close /slow/MS[/N]   200 after MS milliseconds (a timer: other connections are
///   served meanwhile) /continue      100 Continue, then 200 with a 5-byte body /status/CODE   CODE
///   with an empty body
///
/// A HEAD request gets GET's headers without the body; a request with `Connection: close` gets
/// its response and then the close. Anything else is 404.
///
/// Ownership and threads: the constructor binds and starts one thread that runs a poll() loop
/// (accepting, reading, timers, writing); the destructor stops and joins it. Counters and
/// accessors may be called from any thread.
class TestServer
{
public:
    using Clock = std::chrono::steady_clock;

    TestServer();
    ~TestServer();
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    std::uint16_t port() const { return m_port; }
    /// "http://127.0.0.1:PORT" + path.
    std::string url(std::string_view path) const;

    std::uint64_t connections() const { return m_connections.load(); }
    std::uint64_t requests() const { return m_requests.load(); }
    /// Requests that carried `Connection: close`.
    std::uint64_t closeRequests() const { return m_closeRequests.load(); }
    /// When each connection was accepted, in order.
    std::vector<Clock::time_point> acceptTimes() const;
    /// When each request head arrived, in order.
    std::vector<Clock::time_point> requestTimes() const;
    /// The head (request line and headers) of the most recent request.
    std::string lastRequestHead() const;

    /// Polls pred every millisecond until it holds or timeout passes; returns its last value.
    static bool waitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

    /// A loopback port nothing listens on: bound to port 0 to learn a free one, then closed.
    static std::uint16_t refusedPort();

private:
    struct Conn;
    struct Timer
    {
        Clock::time_point due;
        std::uint64_t connId;
        std::string bytes;
    };

    void loop();
    void acceptAll();
    void readFrom(Conn& c);
    void serveRequests(Conn& c);
    void respond(Conn& c, std::string_view method, std::string_view target, bool clientClose);
    void writeTo(Conn& c);
    void closeConn(std::uint64_t id);

    int m_listenFd = -1;
    int m_wakeFd = -1; // eventfd: the destructor wakes poll() through it
    std::uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<std::uint64_t> m_connections{0};
    std::atomic<std::uint64_t> m_requests{0};
    std::atomic<std::uint64_t> m_closeRequests{0};

    mutable std::mutex m_mutex; // guards the three members below
    std::vector<Clock::time_point> m_acceptTimes;
    std::vector<Clock::time_point> m_requestTimes;
    std::string m_lastHead;

    // Touched by the server thread only.
    std::map<std::uint64_t, std::unique_ptr<Conn>> m_conns;
    std::vector<Timer> m_timers;
    std::uint64_t m_nextId = 1;

    std::thread m_thread; // last: started once everything above exists
};

} // namespace gb::test
