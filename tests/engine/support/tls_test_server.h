#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

typedef struct ssl_ctx_st SSL_CTX;

namespace gb::test {

/// An HTTPS server on 127.0.0.1 (kernel-chosen port) with a self-signed certificate made at
/// start-up, for the engine's TLS path. Paths, as TestServer's:
///   /ok[/N]   200, Content-Length, N-byte body (default 5), keep-alive
///   /eof/N    200 without framing, N bytes, then close_notify and close
///   /cut/N    200 without framing, N bytes, then a TCP close without close_notify
///
/// Threads: one accepting thread, one blocking thread per connection; the destructor shuts
/// every socket down and joins them all. Counters may be read from any thread.
class TlsTestServer
{
public:
    TlsTestServer();
    ~TlsTestServer();
    TlsTestServer(const TlsTestServer&) = delete;
    TlsTestServer& operator=(const TlsTestServer&) = delete;

    std::uint16_t port() const { return m_port; }
    /// "https://127.0.0.1:PORT" + path.
    std::string url(std::string_view path) const;
    std::uint64_t connections() const { return m_connections.load(); }
    std::uint64_t requests() const { return m_requests.load(); }
    /// Connections whose TLS handshake completed.
    std::uint64_t handshakes() const { return m_handshakes.load(); }

private:
    void acceptLoop();
    void serve(int fd);

    SSL_CTX* m_ctx = nullptr;
    int m_listenFd = -1;
    std::uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<std::uint64_t> m_connections{0};
    std::atomic<std::uint64_t> m_requests{0};
    std::atomic<std::uint64_t> m_handshakes{0};
    std::mutex m_mutex; // guards the two vectors below
    std::vector<int> m_fds;
    std::vector<std::thread> m_threads;
    std::thread m_acceptThread; // last: started once everything above exists
};

} // namespace gb::test
