#include "redis_fixture.h"

#include <QThread>

#include <arpa/inet.h>
#include <csignal>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace gb::test {

namespace {

gateway::RedisReply convert(const redisReply* r)
{
    gateway::RedisReply out;
    switch (r->type) {
    case REDIS_REPLY_STRING:
        out.type = gateway::RedisReply::Type::String;
        out.str.assign(r->str, r->len);
        break;
    case REDIS_REPLY_STATUS:
        out.type = gateway::RedisReply::Type::Status;
        out.str.assign(r->str, r->len);
        break;
    case REDIS_REPLY_ERROR:
        out.type = gateway::RedisReply::Type::Error;
        out.str.assign(r->str, r->len);
        break;
    case REDIS_REPLY_INTEGER:
        out.type = gateway::RedisReply::Type::Integer;
        out.integer = r->integer;
        break;
    case REDIS_REPLY_ARRAY:
        out.type = gateway::RedisReply::Type::Array;
        for (std::size_t i = 0; i < r->elements; ++i)
            out.elements.push_back(convert(r->element[i]));
        break;
    default:
        break;
    }
    return out;
}

} // namespace

std::uint16_t pickFreePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    std::uint16_t port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

RedisServer::RedisServer()
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

RedisServer::~RedisServer()
{
    if (running()) {
        resume(); // a stopped process cannot die of SIGKILL until continued on some kernels
        kill();
    }
}

bool RedisServer::start()
{
    for (int attempt = 0; attempt < 8; ++attempt) {
        const std::uint16_t port = pickFreePort();
        if (port != 0 && launch(port))
            return true;
    }
    return false;
}

bool RedisServer::restart()
{
    if (running())
        kill();
    // The old socket may linger for a moment; redis-server sets SO_REUSEADDR, so a few tries
    // over a short bounded period are enough.
    for (int attempt = 0; attempt < 20; ++attempt) {
        if (launch(m_port))
            return true;
        QThread::msleep(50);
    }
    return false;
}

bool RedisServer::launch(std::uint16_t port)
{
    m_port = port;
    const QStringList args{"--port",           QString::number(port),
                           "--bind",           "127.0.0.1",
                           "--save",           "",
                           "--appendonly",     "no",
                           "--daemonize",      "no",
                           "--loglevel",       "warning",
                           "--protected-mode", "no"};
    m_process.start("redis-server", args);
    if (!m_process.waitForStarted(5000)) {
        m_error = "redis-server did not start: " + m_process.errorString();
        return false;
    }
    if (!waitForPing(std::chrono::milliseconds(5000))) {
        m_error = "redis-server on port " + QString::number(port) +
                  " did not answer: " + QString::fromLocal8Bit(m_process.readAll());
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
        return false;
    }
    return true;
}

bool RedisServer::waitForPing(std::chrono::milliseconds limit) const
{
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (m_process.state() == QProcess::NotRunning)
            return false; // lost the port to someone else, most likely
        const gateway::RedisReply r = command({"PING"});
        if (r.type == gateway::RedisReply::Type::Status && r.str == "PONG")
            return true;
        QThread::msleep(10);
    }
    return false;
}

void RedisServer::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    ::kill(static_cast<pid_t>(m_process.processId()), SIGKILL);
    m_process.waitForFinished(5000);
}

void RedisServer::pause()
{
    if (running())
        ::kill(static_cast<pid_t>(m_process.processId()), SIGSTOP);
}

void RedisServer::resume()
{
    if (running())
        ::kill(static_cast<pid_t>(m_process.processId()), SIGCONT);
}

bool RedisServer::running() const
{
    return m_process.state() != QProcess::NotRunning;
}

gateway::RedisReply RedisServer::command(const std::vector<std::string>& args) const
{
    const timeval tv{1, 0};
    redisContext* c = redisConnectWithTimeout("127.0.0.1", m_port, tv);
    if (c == nullptr)
        return {};
    gateway::RedisReply out;
    if (c->err == 0 && redisSetTimeout(c, tv) == REDIS_OK) {
        std::vector<const char*> argv;
        std::vector<std::size_t> lengths;
        for (const std::string& a : args) {
            argv.push_back(a.data());
            lengths.push_back(a.size());
        }
        auto* reply = static_cast<redisReply*>(
            redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data()));
        if (reply != nullptr) {
            out = convert(reply);
            freeReplyObject(reply);
        }
    }
    redisFree(c);
    return out;
}

std::vector<std::string> RedisServer::scan(const std::string& pattern) const
{
    std::vector<std::string> keys;
    std::string cursor = "0";
    for (int round = 0; round < 100000; ++round) { // bounded: a test database is small
        const gateway::RedisReply r = command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
        if (r.type != gateway::RedisReply::Type::Array || r.elements.size() != 2)
            break;
        cursor = r.elements[0].str;
        for (const gateway::RedisReply& k : r.elements[1].elements)
            keys.push_back(k.str);
        if (cursor == "0")
            break;
    }
    return keys;
}

} // namespace gb::test
