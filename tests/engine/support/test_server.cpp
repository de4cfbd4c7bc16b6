#include "test_server.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdexcept>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace gb::test {

namespace {

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool icontains(std::string_view haystack, std::string_view needle)
{
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                       [](char a, char b) { return lower(a) == lower(b); }) != haystack.end();
}

// The value of header `name` (lower case, with the colon) in a request head, or "".
std::string_view headerValue(std::string_view head, std::string_view name)
{
    std::size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos && pos + 2 < head.size()) {
        const std::size_t start = pos + 2;
        const std::size_t end = head.find("\r\n", start);
        std::string_view line =
            head.substr(start, end == std::string_view::npos ? head.npos : end - start);
        if (line.size() >= name.size() &&
            std::equal(name.begin(), name.end(), line.begin(),
                       [](char a, char b) { return a == lower(b); })) {
            line.remove_prefix(name.size());
            while (!line.empty() && line.front() == ' ')
                line.remove_prefix(1);
            return line;
        }
        pos = end;
    }
    return {};
}

// The number after `prefix` in target ("/slow/250" -> 250), or fallback.
std::uint64_t numberAfter(std::string_view target, std::string_view prefix, std::uint64_t fallback)
{
    if (target.size() <= prefix.size())
        return fallback;
    target.remove_prefix(prefix.size());
    std::uint64_t n = fallback;
    std::from_chars(target.data(), target.data() + target.size(), n);
    return n;
}

void setNonBlocking(int fd)
{
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

} // namespace

struct TestServer::Conn
{
    std::uint64_t id = 0;
    int fd = -1;
    std::string in;
    std::string out;
    bool awaiting = false;   // a slow or never-coming response holds further requests back
    bool closeAfter = false; // shut down writing once out is flushed
    bool resetAfter = false; // reset once out is flushed
    bool shutDown = false;   // write side closed; waiting for the client's close
};

TestServer::TestServer()
{
    m_listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(m_listenFd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(m_listenFd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(m_listenFd, 1024) != 0)
        throw std::runtime_error(std::string("test server: cannot listen: ") +
                                 std::strerror(errno));
    socklen_t len = sizeof addr;
    ::getsockname(m_listenFd, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    setNonBlocking(m_listenFd);
    m_wakeFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    m_thread = std::thread([this] { loop(); });
}

TestServer::~TestServer()
{
    m_stop = true;
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(m_wakeFd, &one, sizeof one);
    m_thread.join();
    for (auto& [id, c] : m_conns)
        ::close(c->fd);
    ::close(m_listenFd);
    ::close(m_wakeFd);
}

std::string TestServer::url(std::string_view path) const
{
    return "http://127.0.0.1:" + std::to_string(m_port) + std::string(path);
}

std::vector<TestServer::Clock::time_point> TestServer::acceptTimes() const
{
    std::lock_guard lock(m_mutex);
    return m_acceptTimes;
}

std::vector<TestServer::Clock::time_point> TestServer::requestTimes() const
{
    std::lock_guard lock(m_mutex);
    return m_requestTimes;
}

std::string TestServer::lastRequestHead() const
{
    std::lock_guard lock(m_mutex);
    return m_lastHead;
}

bool TestServer::waitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout)
{
    const auto deadline = Clock::now() + timeout;
    while (!pred()) {
        if (Clock::now() >= deadline)
            return pred();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

std::uint16_t TestServer::refusedPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

void TestServer::loop()
{
    std::vector<pollfd> fds;
    std::vector<std::uint64_t> ids;
    while (!m_stop) {
        fds.clear();
        ids.clear();
        fds.push_back({m_listenFd, POLLIN, 0});
        fds.push_back({m_wakeFd, POLLIN, 0});
        for (const auto& [id, c] : m_conns) {
            fds.push_back({c->fd, short(POLLIN | (c->out.empty() ? 0 : POLLOUT)), 0});
            ids.push_back(id);
        }
        int timeoutMs = -1;
        if (!m_timers.empty()) {
            const auto first =
                std::min_element(m_timers.begin(), m_timers.end(),
                                 [](const Timer& a, const Timer& b) { return a.due < b.due; });
            const auto wait =
                std::chrono::ceil<std::chrono::milliseconds>(first->due - Clock::now());
            timeoutMs = int(std::max<std::int64_t>(0, wait.count()));
        }
        if (::poll(fds.data(), fds.size(), timeoutMs) < 0 && errno != EINTR)
            break;

        // Due timers first: their responses go out in this same pass.
        const auto now = Clock::now();
        for (auto it = m_timers.begin(); it != m_timers.end();) {
            if (it->due > now) {
                ++it;
                continue;
            }
            if (auto c = m_conns.find(it->connId); c != m_conns.end()) {
                c->second->out += it->bytes;
                c->second->awaiting = false;
            }
            it = m_timers.erase(it);
        }
        if (fds[0].revents & POLLIN)
            acceptAll();
        for (std::size_t i = 2; i < fds.size(); ++i) {
            const auto it = m_conns.find(ids[i - 2]);
            if (it == m_conns.end())
                continue;
            Conn& c = *it->second;
            if (fds[i].revents & (POLLIN | POLLHUP | POLLERR))
                readFrom(c);
            // readFrom may have closed it.
            if (m_conns.count(ids[i - 2]) != 0)
                serveRequests(c);
            if (m_conns.count(ids[i - 2]) != 0 && !c.out.empty())
                writeTo(c);
        }
        // A timer's response may be waiting on a connection poll() did not report.
        for (auto it = m_conns.begin(); it != m_conns.end();) {
            Conn& c = *(it++)->second;
            if (!c.out.empty())
                writeTo(c);
        }
    }
}

void TestServer::acceptAll()
{
    for (;;) {
        const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        auto c = std::make_unique<Conn>();
        c->id = m_nextId++;
        c->fd = fd;
        {
            std::lock_guard lock(m_mutex);
            m_acceptTimes.push_back(Clock::now());
        }
        ++m_connections;
        m_conns.emplace(c->id, std::move(c));
    }
}

void TestServer::readFrom(Conn& c)
{
    char buf[16384];
    for (;;) {
        const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n > 0) {
            // After a shutdown the client may still send; it is read and dropped.
            if (!c.shutDown)
                c.in.append(buf, std::size_t(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n < 0 && errno == EINTR)
            continue;
        return closeConn(c.id); // EOF or error: the client is gone
    }
}

void TestServer::serveRequests(Conn& c)
{
    // One request at a time, as the client sends them: a pending response holds the next back.
    while (!c.awaiting && !c.shutDown && !c.resetAfter) {
        const std::size_t headEnd = c.in.find("\r\n\r\n");
        if (headEnd == std::string::npos)
            return;
        const std::string head = c.in.substr(0, headEnd);
        std::uint64_t bodyLength = 0;
        const std::string_view length = headerValue(head, "content-length:");
        std::from_chars(length.data(), length.data() + length.size(), bodyLength);
        if (c.in.size() < headEnd + 4 + bodyLength)
            return;
        c.in.erase(0, headEnd + 4 + bodyLength);

        const bool clientClose = icontains(headerValue(head, "connection:"), "close");
        ++m_requests;
        if (clientClose)
            ++m_closeRequests;
        {
            std::lock_guard lock(m_mutex);
            m_requestTimes.push_back(Clock::now());
            m_lastHead = head;
        }
        const std::string_view line(head.data(), head.find("\r\n"));
        const std::size_t sp1 = line.find(' ');
        const std::size_t sp2 = line.find(' ', sp1 + 1);
        respond(c, line.substr(0, sp1), line.substr(sp1 + 1, sp2 - sp1 - 1), clientClose);
    }
}

void TestServer::respond(Conn& c, std::string_view method, std::string_view target,
                         bool clientClose)
{
    const bool head = method == "HEAD";
    auto ok = [&](std::uint64_t n, std::string_view extraHeaders = {}) {
        std::string r = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(n) + "\r\n";
        r += extraHeaders;
        if (clientClose)
            r += "Connection: close\r\n";
        r += "\r\n";
        if (!head)
            r.append(n, 'x');
        return r;
    };
    auto starts = [&](std::string_view prefix) {
        return target.substr(0, prefix.size()) == prefix;
    };

    if (target == "/ok" || starts("/ok/")) {
        c.out += ok(numberAfter(target, "/ok/", 5));
    } else if (starts("/chunked/")) {
        // Uneven chunks, a chunk extension on the first and a trailer after the last.
        std::uint64_t left = numberAfter(target, "/chunked/", 5);
        std::string r = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        if (!head) {
            bool first = true;
            std::uint64_t size = 3;
            while (left > 0) {
                const std::uint64_t n = std::min(left, size);
                char hex[32];
                std::snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(n));
                r += hex;
                r += first ? ";name=\"value\"\r\n" : "\r\n";
                r.append(n, 'c');
                r += "\r\n";
                left -= n;
                size = size * 3 + 1;
                first = false;
            }
            r += "0\r\nX-Trailer: done\r\n\r\n";
        }
        c.out += r;
        c.closeAfter = clientClose;
    } else if (starts("/eof/")) {
        const std::uint64_t n = numberAfter(target, "/eof/", 5);
        c.out += "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n";
        if (!head)
            c.out.append(n, 'e');
        c.closeAfter = true;
    } else if (starts("/close/")) {
        c.out += ok(numberAfter(target, "/close/", 5), clientClose ? "" : "Connection: close\r\n");
        c.closeAfter = true;
    } else if (starts("/drop/")) {
        // Keep-alive by every header, yet closed right after: the next request on it meets EOF.
        c.out += ok(numberAfter(target, "/drop/", 5));
        c.closeAfter = true;
    } else if (target == "/hang") {
        c.awaiting = true; // no timer: never answered
    } else if (target == "/reset") {
        c.out += "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(50, 'r');
        c.resetAfter = true;
    } else if (target == "/garbage") {
        c.out += "SPDY/9 OK? definitely not http\r\n\r\n";
        c.closeAfter = true;
    } else if (starts("/slow/")) {
        const std::uint64_t ms = numberAfter(target, "/slow/", 100);
        const auto rest = target.substr(std::string_view("/slow/").size());
        const auto slash = rest.find('/');
        const std::uint64_t n =
            slash == std::string_view::npos ? 5 : numberAfter(rest, rest.substr(0, slash + 1), 5);
        c.awaiting = true;
        m_timers.push_back({Clock::now() + std::chrono::milliseconds(ms), c.id, ok(n)});
        c.closeAfter = clientClose;
    } else if (starts("/split/")) {
        // The head cut inside a header line, the rest after a pause: the client must carry the
        // line's first part over to the next read.
        const std::string whole = ok(5, "X-Split: " + std::string(4000, 's') + "\r\n");
        const std::size_t cut = whole.find("X-Split: ") + 2000;
        c.out += whole.substr(0, cut);
        c.awaiting = true;
        m_timers.push_back(
            {Clock::now() + std::chrono::milliseconds(numberAfter(target, "/split/", 20)), c.id,
             whole.substr(cut)});
        c.closeAfter = clientClose;
    } else if (target == "/continue") {
        c.out += "HTTP/1.1 100 Continue\r\n\r\n" + ok(5);
    } else if (starts("/status/")) {
        const std::uint64_t code = numberAfter(target, "/status/", 500);
        const bool bodiless = code == 204 || code == 304;
        c.out += "HTTP/1.1 " + std::to_string(code) + " Status\r\n" +
                 (bodiless ? "" : "Content-Length: 0\r\n") +
                 (clientClose ? "Connection: close\r\n" : "") + "\r\n";
    } else {
        c.out += "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
    }
    if (clientClose)
        c.closeAfter = true;
}

void TestServer::writeTo(Conn& c)
{
    while (!c.out.empty()) {
        const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            if (errno == EINTR)
                continue;
            return closeConn(c.id);
        }
        c.out.erase(0, std::size_t(n));
    }
    if (c.resetAfter) {
        // A zero linger turns close() into an RST: the client sees a reset mid-body.
        const linger reset{1, 0};
        ::setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        return closeConn(c.id);
    }
    if (c.closeAfter && !c.shutDown) {
        // Half-close, then wait for the client's own close, so nothing it sends turns into an RST.
        ::shutdown(c.fd, SHUT_WR);
        c.shutDown = true;
    }
}

void TestServer::closeConn(std::uint64_t id)
{
    const auto it = m_conns.find(id);
    if (it == m_conns.end())
        return;
    ::close(it->second->fd);
    m_conns.erase(it);
}

} // namespace gb::test
