#include "support/gateway_harness.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace gb::test {

QString binaryPath(const QString& name)
{
    return QStringLiteral(GB_BIN_DIR) + '/' + name;
}

std::uint16_t unusedPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

std::string HttpResponse::header(const std::string& lowerName) const
{
    const auto it = headers.find(lowerName);
    return it == headers.end() ? std::string() : it->second;
}

// ---------------------------------------------------------------------------------------------

RawClient::RawClient(std::uint16_t port)
{
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    m_connected = ::connect(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

RawClient::~RawClient()
{
    close();
}

void RawClient::close()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

bool RawClient::send(const std::string& bytes)
{
    std::size_t off = 0;
    while (off < bytes.size()) {
        const ssize_t n = ::send(m_fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        off += static_cast<std::size_t>(n);
    }
    return true;
}

bool RawClient::sendAndHalfClose(const std::string& bytes)
{
    const int on = 1;
    return ::setsockopt(m_fd, IPPROTO_TCP, TCP_CORK, &on, sizeof on) == 0 && send(bytes) &&
           ::shutdown(m_fd, SHUT_WR) == 0;
}

bool RawClient::fill(int timeoutMs)
{
    if (timeoutMs <= 0)
        return false;
    pollfd p{m_fd, POLLIN, 0};
    if (::poll(&p, 1, timeoutMs) <= 0)
        return false;
    char buf[65536];
    const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
    if (n <= 0)
        return false;
    m_buffer.append(buf, static_cast<std::size_t>(n));
    return true;
}

std::optional<HttpResponse> RawClient::read(int timeoutMs, bool headRequest)
{
    QElapsedTimer t;
    t.start();
    auto left = [&] { return timeoutMs - static_cast<int>(t.elapsed()); };
    std::size_t end;
    while ((end = m_buffer.find("\r\n\r\n")) == std::string::npos)
        if (!fill(left()))
            return std::nullopt;
    HttpResponse r;
    const std::string head = m_buffer.substr(0, end + 2);
    m_buffer.erase(0, end + 4);
    const std::size_t lineEnd = head.find("\r\n");
    const std::string statusLine = head.substr(0, lineEnd);
    if (statusLine.size() < 12 || statusLine.compare(0, 5, "HTTP/") != 0)
        return std::nullopt;
    r.status = std::atoi(statusLine.c_str() + 9);
    std::size_t pos = lineEnd + 2;
    while (pos < head.size()) {
        const std::size_t e = head.find("\r\n", pos);
        const std::string line = head.substr(pos, e - pos);
        pos = e + 2;
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos)
            return std::nullopt;
        std::string name = line.substr(0, colon);
        std::size_t v = colon + 1;
        while (v < line.size() && line[v] == ' ')
            ++v;
        const std::string value = line.substr(v);
        r.fields.emplace_back(name, value);
        for (char& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto [it, fresh] = r.headers.emplace(name, value);
        if (!fresh)
            it->second += ", " + value;
    }
    if (headRequest || r.status == 204 || r.status == 304 || (r.status >= 100 && r.status < 200))
        return r;
    if (r.header("transfer-encoding") == "chunked") {
        r.chunked = true;
        while (true) {
            std::size_t le;
            while ((le = m_buffer.find("\r\n")) == std::string::npos)
                if (!fill(left()))
                    return std::nullopt;
            const std::size_t size = std::stoull(m_buffer.substr(0, le), nullptr, 16);
            while (m_buffer.size() < le + 2 + size + 2)
                if (!fill(left()))
                    return std::nullopt;
            r.body += m_buffer.substr(le + 2, size);
            m_buffer.erase(0, le + 2 + size + 2);
            if (size == 0)
                return r;
        }
    }
    if (r.headers.count("content-length")) {
        const std::size_t n = std::stoull(r.header("content-length"));
        while (m_buffer.size() < n)
            if (!fill(left()))
                return std::nullopt;
        r.body = m_buffer.substr(0, n);
        m_buffer.erase(0, n);
        return r;
    }
    while (fill(left())) {
    }
    r.body = std::move(m_buffer);
    m_buffer.clear();
    return r;
}

RawClient::Ending RawClient::readToEnd(int timeoutMs)
{
    Ending e;
    QElapsedTimer t;
    t.start();
    while (true) {
        const int left = timeoutMs - static_cast<int>(t.elapsed());
        if (left <= 0) {
            e.timedOut = true;
            break;
        }
        pollfd p{m_fd, POLLIN, 0};
        if (::poll(&p, 1, left) <= 0)
            continue;
        char buf[65536];
        const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
        if (n > 0) {
            m_buffer.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0)
            e.eof = true;
        else
            e.reset = errno == ECONNRESET;
        break;
    }
    e.bytes = std::move(m_buffer);
    m_buffer.clear();
    return e;
}

std::optional<HttpResponse> fetch(std::uint16_t port, const std::string& request, int timeoutMs)
{
    RawClient c(port);
    if (!c.connected() || !c.send(request))
        return std::nullopt;
    return c.read(timeoutMs, request.rfind("HEAD ", 0) == 0);
}

std::string getRequest(const std::string& target, const std::string& extraHeaders)
{
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders + "\r\n";
}

// ---------------------------------------------------------------------------------------------

ChildServer::~ChildServer()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(5000)) {
            m_process.kill();
            m_process.waitForFinished(2000);
        }
    }
}

bool ChildServer::start(const QString& program, const QStringList& args, int controlLines)
{
    m_process.setProgram(program);
    m_process.setArguments(args);
    m_process.start();
    if (!m_process.waitForStarted(5000))
        return false;
    QElapsedTimer t;
    t.start();
    QByteArray out;
    const int lines = 1 + controlLines;
    while (out.count('\n') < lines && t.elapsed() < 10000 &&
           m_process.state() == QProcess::Running) {
        m_process.waitForReadyRead(100);
        out += m_process.readAllStandardOutput();
    }
    const auto main = QRegularExpression("^listening on 127\\.0\\.0\\.1:(\\d+)$",
                                         QRegularExpression::MultilineOption)
                          .match(QString(out));
    if (main.hasMatch())
        m_port = static_cast<std::uint16_t>(main.captured(1).toUInt());
    const auto control = QRegularExpression("^control API listening on 127\\.0\\.0\\.1:(\\d+)$",
                                            QRegularExpression::MultilineOption)
                             .match(QString(out));
    if (control.hasMatch())
        m_controlPort = static_cast<std::uint16_t>(control.captured(1).toUInt());
    return m_port != 0 && (controlLines == 0 || m_controlPort != 0);
}

QString ChildServer::errors()
{
    m_stderr += m_process.readAllStandardError();
    return QString::fromUtf8(m_stderr);
}

int ChildServer::terminate(int timeoutMs)
{
    ::kill(static_cast<pid_t>(m_process.processId()), SIGTERM);
    if (!m_process.waitForFinished(timeoutMs))
        return -1;
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

bool startUpstream(ChildServer& server, int threads)
{
    return server.start(binaryPath("gatebench-upstream"), {"--addr", "127.0.0.1:0", "--threads",
                                                           QString::number(threads), "--quiet"});
}

std::string apiJson(const std::string& apiId, const std::string& listenPath,
                    const std::string& targetUrl, bool stripListenPath)
{
    return "{\n  \"name\": \"" + apiId + "\",\n  \"api_id\": \"" + apiId +
           "\",\n  \"org_id\": \"default\",\n  \"use_keyless\": true,\n"
           "  \"version_data\": {\"not_versioned\": true, \"versions\": {\"Default\": "
           "{\"name\": \"Default\"}}},\n  \"proxy\": {\"listen_path\": \"" +
           listenPath + "\", \"target_url\": \"" + targetUrl +
           "\", \"strip_listen_path\": " + (stripListenPath ? "true" : "false") +
           "},\n  \"active\": true\n}\n";
}

std::string tykConf(const std::string& appPath, const std::string& secret,
                    double proxyTimeoutSeconds, const std::string& extra)
{
    std::string conf = "{\n  \"listen_port\": 8080,\n  \"secret\": \"" + secret +
                       "\",\n  \"app_path\": \"" + appPath +
                       "\",\n  \"proxy_default_timeout\": " + std::to_string(proxyTimeoutSeconds);
    if (!extra.empty())
        conf += ",\n  " + extra;
    return conf + "\n}\n";
}

bool writeTextFile(const QString& path, const std::string& text)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return f.write(text.data(), static_cast<qint64>(text.size())) ==
           static_cast<qint64>(text.size());
}

bool startGateway(ChildServer& server, const QString& confPath, int threads, int controlLines)
{
    return server.start(
        binaryPath("gatebench-gateway"),
        {"--conf", confPath, "--listen", "127.0.0.1:0", "--threads", QString::number(threads)},
        controlLines);
}

// ---------------------------------------------------------------------------------------------

RecordingUpstream::RecordingUpstream(std::string response)
    : m_response(std::move(response))
{
    m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(m_listen, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(m_listen, 64);
    socklen_t len = sizeof a;
    ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&a), &len);
    m_port = ntohs(a.sin_port);
    if (::pipe(m_wake) != 0)
        m_wake[0] = m_wake[1] = -1;
    m_thread = std::thread([this] { run(); });
}

RecordingUpstream::~RecordingUpstream()
{
    const char c = 'x';
    [[maybe_unused]] const auto n = ::write(m_wake[1], &c, 1);
    m_thread.join();
    ::close(m_listen);
    ::close(m_wake[0]);
    ::close(m_wake[1]);
}

std::vector<std::string> RecordingUpstream::requests() const
{
    const std::lock_guard lock(m_mutex);
    return m_requests;
}

void RecordingUpstream::setResponse(std::string response)
{
    const std::lock_guard lock(m_mutex);
    m_response = std::move(response);
}

bool RecordingUpstream::waitForRequests(std::size_t n, int timeoutMs) const
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        {
            const std::lock_guard lock(m_mutex);
            if (m_requests.size() >= n)
                return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

namespace {

/// Length of the first complete request in `in` (head and body), or 0 if incomplete.
std::size_t completeRequest(const std::string& in)
{
    const std::size_t headEnd = in.find("\r\n\r\n");
    if (headEnd == std::string::npos)
        return 0;
    std::string head = in.substr(0, headEnd + 2);
    for (char& c : head)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::size_t bodyAt = headEnd + 4;
    if (head.find("\r\ntransfer-encoding: chunked\r\n") != std::string::npos) {
        std::size_t pos = bodyAt;
        while (true) {
            const std::size_t le = in.find("\r\n", pos);
            if (le == std::string::npos)
                return 0;
            const std::size_t size = std::stoull(in.substr(pos, le - pos), nullptr, 16);
            if (size == 0)
                return in.size() >= le + 4 ? le + 4 : 0; // no trailers from the gateway
            pos = le + 2 + size + 2;
            if (pos > in.size())
                return 0;
        }
    }
    const std::size_t cl = head.find("\r\ncontent-length: ");
    if (cl == std::string::npos)
        return bodyAt;
    const std::size_t n = std::stoull(head.substr(cl + 18));
    return in.size() >= bodyAt + n ? bodyAt + n : 0;
}

} // namespace

void RecordingUpstream::run()
{
    struct Peer
    {
        int fd;
        std::string in;
        int answered = 0;
    };
    std::vector<Peer> peers;
    while (true) {
        std::vector<pollfd> fds;
        fds.push_back({m_wake[0], POLLIN, 0});
        fds.push_back({m_listen, POLLIN, 0});
        for (const Peer& p : peers)
            fds.push_back({p.fd, POLLIN, 0});
        if (::poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR)
            break;
        if (fds[0].revents)
            break;
        if (fds[1].revents & POLLIN) {
            const int fd = ::accept(m_listen, nullptr, nullptr);
            if (fd >= 0) {
                ++m_connections;
                peers.push_back({fd, {}, 0});
                m_mostOpen = std::max<std::uint64_t>(m_mostOpen, peers.size());
            }
        }
        for (std::size_t i = 2; i < fds.size(); ++i) {
            Peer& p = peers[i - 2];
            if (!fds[i].revents || p.fd < 0)
                continue;
            char buf[65536];
            const ssize_t n = ::recv(p.fd, buf, sizeof buf, 0);
            if (n <= 0) {
                ::close(p.fd);
                p.fd = -1;
                continue;
            }
            m_bytes += static_cast<std::uint64_t>(n);
            p.in.append(buf, static_cast<std::size_t>(n));
            while (const std::size_t len = completeRequest(p.in)) {
                if (m_onePerConnection && p.answered > 0) {
                    ::close(p.fd);
                    p.fd = -1;
                    break;
                }
                ++p.answered;
                std::string response;
                {
                    const std::lock_guard lock(m_mutex);
                    m_requests.push_back(p.in.substr(0, len));
                    response = m_response;
                }
                p.in.erase(0, len);
                std::size_t off = 0;
                while (off < response.size()) {
                    pollfd w{p.fd, POLLOUT, 0};
                    ::poll(&w, 1, 1000);
                    const ssize_t sent =
                        ::send(p.fd, response.data() + off, response.size() - off, MSG_NOSIGNAL);
                    if (sent <= 0)
                        break;
                    off += static_cast<std::size_t>(sent);
                }
                if (m_closeAfterResponse) {
                    ::close(p.fd);
                    p.fd = -1;
                    break;
                }
            }
        }
        std::erase_if(peers, [](const Peer& p) { return p.fd < 0; });
    }
    for (const Peer& p : peers)
        ::close(p.fd);
}

} // namespace gb::test
