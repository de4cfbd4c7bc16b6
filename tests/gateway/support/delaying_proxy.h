#pragma once

// A TCP proxy on 127.0.0.1 that holds every byte coming back from the server for a fixed delay
// before passing it on: a slow Redis, where `tc netem` is not available. One thread; stops and
// joins when destroyed.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

namespace gb::test {

class DelayingProxy
{
public:
    DelayingProxy(std::uint16_t serverPort, std::chrono::milliseconds replyDelay);
    ~DelayingProxy();
    DelayingProxy(const DelayingProxy&) = delete;
    DelayingProxy& operator=(const DelayingProxy&) = delete;

    /// 0 when the listening socket could not be made.
    std::uint16_t port() const { return m_port; }

private:
    void run();

    const std::uint16_t m_serverPort;
    const std::chrono::milliseconds m_delay;
    int m_listen = -1;
    std::uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace gb::test
