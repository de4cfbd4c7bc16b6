#pragma once

// Black-box helpers for the gateway's tests (docs/ARCHITECTURE.md, convention 12): the real
// binaries started as child processes on 127.0.0.1 port 0 (the port read from their "listening on"
// line), a raw HTTP/1.1 client with deadlines, and a recording upstream that counts every byte that
// reaches it. Every wait is bounded.

#include <QProcess>
#include <QString>
#include <QStringList>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace gb::test {

/// build/bin/<name>, from the GB_BIN_DIR the test target is compiled with.
QString binaryPath(const QString& name);

/// A port nothing listens on right now (bound, then released).
std::uint16_t unusedPort();

/// One HTTP response as read off a socket.
struct HttpResponse
{
    int status = 0;
    std::map<std::string, std::string> headers; ///< lower-case names; repeats joined by ", "
    std::vector<std::pair<std::string, std::string>> fields; ///< as received, in order
    std::string body;
    bool chunked = false;
    std::string header(const std::string& lowerName) const;
};

/// A blocking-with-deadline HTTP/1.1 client over one plain socket. Keeps leftover bytes, so
/// pipelined responses are read one after the other. Use from one thread.
class RawClient
{
public:
    explicit RawClient(std::uint16_t port);
    ~RawClient();
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    bool connected() const { return m_connected; }
    bool send(const std::string& bytes);
    /// Sends the bytes and half-closes in one TCP segment (corked), so that the peer's first
    /// readable edge carries the bytes and the FIN together; this side can still read.
    bool sendAndHalfClose(const std::string& bytes);
    /// One response; nullopt on timeout, close before its end, or malformed framing.
    std::optional<HttpResponse> read(int timeoutMs = 5000, bool headRequest = false);
    /// Reads until the peer closes or the deadline passes; tells how it ended.
    struct Ending
    {
        std::string bytes;
        bool eof = false;
        bool reset = false;
        bool timedOut = false;
    };
    Ending readToEnd(int timeoutMs);
    void close();

private:
    bool fill(int timeoutMs);

    int m_fd = -1;
    bool m_connected = false;
    std::string m_buffer;
};

/// One request on a new connection.
std::optional<HttpResponse> fetch(std::uint16_t port, const std::string& request,
                                  int timeoutMs = 5000);
/// "GET target HTTP/1.1\r\nHost: 127.0.0.1\r\n<extra>\r\n".
std::string getRequest(const std::string& target, const std::string& extraHeaders = {});

/// A child server process that prints "listening on 127.0.0.1:PORT" (and optionally "control
/// API listening on ..."); terminated (then killed) when destroyed.
class ChildServer
{
public:
    ChildServer() = default;
    ~ChildServer();
    ChildServer(const ChildServer&) = delete;
    ChildServer& operator=(const ChildServer&) = delete;

    /// Starts the program and waits (bounded) for its address line(s).
    bool start(const QString& program, const QStringList& args, int controlLines = 0);
    std::uint16_t port() const { return m_port; }
    std::uint16_t controlPort() const { return m_controlPort; }
    QProcess& process() { return m_process; }
    /// Everything written to stderr so far.
    QString errors();
    /// SIGTERM, then waits for the exit; the exit code, or -1 if it did not exit in time.
    int terminate(int timeoutMs = 10000);

private:
    QProcess m_process;
    std::uint16_t m_port = 0;
    std::uint16_t m_controlPort = 0;
    QByteArray m_stderr;
};

/// gatebench-upstream on 127.0.0.1:0.
bool startUpstream(ChildServer& server, int threads = 2);

/// A Tyk classic API definition (keyless) as JSON text.
std::string apiJson(const std::string& apiId, const std::string& listenPath,
                    const std::string& targetUrl, bool stripListenPath = true);
/// A tyk.conf for tests: listen_port 0 is not valid in Tyk's files, so the port comes from
/// --listen; `extra` is spliced in as further members (e.g. "\"close_connections\": true").
std::string tykConf(const std::string& appPath, const std::string& secret,
                    double proxyTimeoutSeconds = 30, const std::string& extra = {});
bool writeTextFile(const QString& path, const std::string& text);

/// gatebench-gateway --conf <conf> --listen 127.0.0.1:0 --threads N.
bool startGateway(ChildServer& server, const QString& confPath, int threads = 2,
                  int controlLines = 0);

/// An HTTP upstream inside the test process that records every byte it receives and answers
/// each complete request (Content-Length or chunked body) with a fixed response. Tells the
/// smuggling tests whether anything at all got through the gateway. Runs its own thread.
class RecordingUpstream
{
public:
    explicit RecordingUpstream(std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                                                      "Content-Type: text/plain\r\n\r\nok");
    ~RecordingUpstream();
    RecordingUpstream(const RecordingUpstream&) = delete;
    RecordingUpstream& operator=(const RecordingUpstream&) = delete;

    std::uint16_t port() const { return m_port; }
    /// Connections accepted and bytes received so far.
    std::uint64_t connections() const { return m_connections.load(); }
    std::uint64_t bytes() const { return m_bytes.load(); }
    /// The most connections it had open at once.
    std::uint64_t mostOpenAtOnce() const { return m_mostOpen.load(); }
    /// Complete requests received (head and body, as sent), in order.
    std::vector<std::string> requests() const;
    /// Replaces the canned response for the requests that follow.
    void setResponse(std::string response);
    /// Waits until `n` requests have arrived (bounded).
    bool waitForRequests(std::size_t n, int timeoutMs = 5000) const;
    /// When on, a connection's second request is not answered: the connection is closed, as by
    /// a server whose keep-alive timeout hit just as the request arrived.
    void setOneRequestPerConnection(bool on) { m_onePerConnection = on; }
    /// When on, every connection is closed right after its response (which does not say so),
    /// as by a server whose idle timeout is very short.
    void setCloseAfterResponse(bool on) { m_closeAfterResponse = on; }

private:
    void run();

    int m_listen = -1;
    int m_wake[2] = {-1, -1};
    std::uint16_t m_port = 0;
    std::atomic<std::uint64_t> m_connections{0};
    std::atomic<std::uint64_t> m_bytes{0};
    std::atomic<std::uint64_t> m_mostOpen{0};
    std::atomic<bool> m_onePerConnection{false};
    std::atomic<bool> m_closeAfterResponse{false};
    mutable std::mutex m_mutex;
    std::vector<std::string> m_requests; // guarded
    std::string m_response;              // guarded
    std::thread m_thread;
};

} // namespace gb::test
