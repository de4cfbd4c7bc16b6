#include "tls_test_server.h"

#include <arpa/inet.h>
#include <charconv>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace gb::test {

namespace {

// A throwaway P-256 key and a self-signed certificate for 127.0.0.1, valid for a day. The
// client does not verify certificates (hey doesn't either), so nothing else is needed.
SSL_CTX* makeContext()
{
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    const bool ok = key != nullptr && SSL_CTX_use_certificate(ctx, cert) == 1 &&
                    SSL_CTX_use_PrivateKey(ctx, key) == 1;
    X509_free(cert);
    EVP_PKEY_free(key);
    if (!ok) {
        SSL_CTX_free(ctx);
        throw std::runtime_error("TLS test server: cannot make a certificate");
    }
    return ctx;
}

std::uint64_t numberAfter(std::string_view target, std::string_view prefix, std::uint64_t fallback)
{
    if (target.size() <= prefix.size() || target.substr(0, prefix.size()) != prefix)
        return fallback;
    target.remove_prefix(prefix.size());
    std::uint64_t n = fallback;
    std::from_chars(target.data(), target.data() + target.size(), n);
    return n;
}

bool writeAll(SSL* ssl, const std::string& bytes)
{
    std::size_t done = 0;
    while (done < bytes.size()) {
        const int n = SSL_write(ssl, bytes.data() + done, int(bytes.size() - done));
        if (n <= 0)
            return false;
        done += std::size_t(n);
    }
    return true;
}

} // namespace

TlsTestServer::TlsTestServer()
    : m_ctx(makeContext())
{
    m_listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(m_listenFd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(m_listenFd, 128) != 0)
        throw std::runtime_error("TLS test server: cannot listen");
    socklen_t len = sizeof addr;
    ::getsockname(m_listenFd, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    m_acceptThread = std::thread([this] { acceptLoop(); });
}

TlsTestServer::~TlsTestServer()
{
    m_stop = true;
    ::shutdown(m_listenFd, SHUT_RDWR); // wakes accept()
    m_acceptThread.join();
    {
        std::lock_guard lock(m_mutex);
        for (const int fd : m_fds)
            ::shutdown(fd, SHUT_RDWR); // wakes each blocking SSL_read()
    }
    for (auto& t : m_threads)
        t.join();
    for (const int fd : m_fds)
        ::close(fd);
    ::close(m_listenFd);
    SSL_CTX_free(m_ctx);
}

std::string TlsTestServer::url(std::string_view path) const
{
    return "https://127.0.0.1:" + std::to_string(m_port) + std::string(path);
}

void TlsTestServer::acceptLoop()
{
    while (!m_stop) {
        pollfd p{m_listenFd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0)
            continue;
        const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        ++m_connections;
        std::lock_guard lock(m_mutex);
        m_fds.push_back(fd);
        m_threads.emplace_back([this, fd] { serve(fd); });
    }
}

void TlsTestServer::serve(int fd)
{
    // OpenSSL writes without MSG_NOSIGNAL: a client that has gone would raise SIGPIPE. Blocked in
    // this thread only, so the write fails with EPIPE instead and the process is unaffected.
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    SSL* ssl = SSL_new(m_ctx);
    SSL_set_fd(ssl, fd);
    bool cleanClose = true;
    if (SSL_accept(ssl) == 1) {
        ++m_handshakes;
        std::string in;
        char buf[8192];
        bool open = true;
        while (open && !m_stop) {
            const std::size_t headEnd = in.find("\r\n\r\n");
            if (headEnd == std::string::npos) {
                const int n = SSL_read(ssl, buf, sizeof buf);
                if (n <= 0)
                    break;
                in.append(buf, std::size_t(n));
                continue;
            }
            const std::string head = in.substr(0, headEnd);
            in.erase(0, headEnd + 4); // the tests send no request bodies here
            ++m_requests;
            const std::size_t sp1 = head.find(' ');
            const std::string_view target =
                std::string_view(head).substr(sp1 + 1, head.find(' ', sp1 + 1) - sp1 - 1);
            if (target.substr(0, 5) == "/eof/" || target.substr(0, 5) == "/cut/") {
                const std::uint64_t n = numberAfter(target, target.substr(0, 5), 5);
                writeAll(ssl, "HTTP/1.1 200 OK\r\n\r\n" + std::string(n, 'e'));
                cleanClose = target.substr(0, 5) == "/eof/";
                open = false;
            } else {
                const std::uint64_t n = numberAfter(target, "/ok/", 5);
                open = writeAll(ssl, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(n) +
                                         "\r\n\r\n" + std::string(n, 'x'));
            }
        }
    }
    if (cleanClose)
        SSL_shutdown(ssl); // close_notify
    ::shutdown(fd, SHUT_WR);
    // Wait for the client's close (or the destructor's shutdown) before closing, so the close
    // does not turn into a reset while the client still reads.
    char drain[4096];
    while (!m_stop && ::recv(fd, drain, sizeof drain, 0) > 0) {
    }
    SSL_free(ssl);
    // The fd stays open (and listed) until the destructor: closing it here could let the
    // destructor shut down a reused descriptor number.
}

} // namespace gb::test
