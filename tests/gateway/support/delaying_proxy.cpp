#include "support/delaying_proxy.h"

#include <arpa/inet.h>
#include <cerrno>
#include <deque>
#include <memory>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace gb::test {

namespace {

using Clock = std::chrono::steady_clock;

struct Delayed
{
    Clock::time_point due;
    std::string bytes;
};

/// One client and its connection to the server; bytes from the server wait in `held`.
struct Pair
{
    int client = -1;
    int server = -1;
    std::deque<Delayed> held;
    ~Pair()
    {
        if (client >= 0)
            ::close(client);
        if (server >= 0)
            ::close(server);
    }
};

int connectTo(std::uint16_t port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0)
        return fd;
    if (fd >= 0)
        ::close(fd);
    return -1;
}

bool sendAll(int fd, const std::string& bytes)
{
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n <= 0 && errno != EINTR)
            return false;
        if (n > 0)
            done += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

DelayingProxy::DelayingProxy(std::uint16_t serverPort, std::chrono::milliseconds replyDelay)
    : m_serverPort(serverPort)
    , m_delay(replyDelay)
{
    m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (m_listen < 0 || ::bind(m_listen, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(m_listen, 16) != 0 ||
        ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        return;
    m_port = ntohs(a.sin_port);
    m_thread = std::thread([this] { run(); });
}

DelayingProxy::~DelayingProxy()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
    if (m_listen >= 0)
        ::close(m_listen);
}

void DelayingProxy::run()
{
    std::vector<std::unique_ptr<Pair>> pairs;
    char buffer[65536];
    while (!m_stop) {
        // Poll for at most 1 ms: held bytes fall due in between.
        std::vector<pollfd> fds{{m_listen, POLLIN, 0}};
        for (const auto& p : pairs) {
            fds.push_back({p->client, POLLIN, 0});
            fds.push_back({p->server, POLLIN, 0});
        }
        ::poll(fds.data(), fds.size(), 1);
        if ((fds[0].revents & POLLIN) != 0) {
            auto p = std::make_unique<Pair>();
            p->client = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
            p->server = p->client >= 0 ? connectTo(m_serverPort) : -1;
            if (p->server >= 0)
                pairs.push_back(std::move(p));
        }
        const auto now = Clock::now();
        std::size_t polled = (fds.size() - 1) / 2; // a pair accepted just now was not polled
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            Pair& p = *pairs[i];
            bool alive = true;
            if (i < polled) {
                if ((fds[1 + i * 2].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
                    const ssize_t n = ::recv(p.client, buffer, sizeof buffer, 0);
                    alive = n > 0 && sendAll(p.server, std::string(buffer, std::size_t(n)));
                }
                if (alive && (fds[2 + i * 2].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
                    const ssize_t n = ::recv(p.server, buffer, sizeof buffer, 0);
                    alive = n > 0;
                    if (alive)
                        p.held.push_back({now + m_delay, std::string(buffer, std::size_t(n))});
                }
            }
            while (alive && !p.held.empty() && p.held.front().due <= now) {
                alive = sendAll(p.client, p.held.front().bytes);
                p.held.pop_front();
            }
            if (!alive) {
                pairs.erase(pairs.begin() + static_cast<std::ptrdiff_t>(i));
                if (i < polled) {
                    fds.erase(fds.begin() + 1 + static_cast<std::ptrdiff_t>(i) * 2,
                              fds.begin() + 3 + static_cast<std::ptrdiff_t>(i) * 2);
                    --polled;
                }
                --i;
            }
        }
    }
}

} // namespace gb::test
