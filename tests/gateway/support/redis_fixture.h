#pragma once

// A real redis-server for tests, started by the test itself on a free loopback port
// (docs/ARCHITECTURE.md, convention 12): no persistence, killed when the fixture goes away. Tests
// may kill it (SIGKILL), restart it on the same port, or freeze it (SIGSTOP) to play a hung store.

#include "gateway/storage/redis_reply.h"
#include "gateway/storage/storage_health.h"

#include <QProcess>
#include <QString>
#include <QTest>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace gb::test {

/// Owned by one test (object or function); use from the thread that made it.
class RedisServer
{
public:
    RedisServer();
    ~RedisServer();
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    /// Picks a free port (bind port 0, release it, retry if redis-server loses the race) and
    /// waits until the server answers PING. False with error() set if it cannot.
    bool start();
    /// Starts again on the same port after kill() (keys are gone: no persistence).
    bool restart();
    /// SIGKILL, then waits for the process to be gone.
    void kill();
    /// SIGSTOP / SIGCONT: the server keeps its sockets but stops answering.
    void pause();
    void resume();

    bool running() const;
    std::uint16_t port() const { return m_port; }
    QString error() const { return m_error; }

    /// Runs one command on a fresh synchronous connection (1 s timeouts); Nil on failure.
    gateway::RedisReply command(const std::vector<std::string>& args) const;
    /// Every key name matching `pattern`, by SCAN.
    std::vector<std::string> scan(const std::string& pattern = "*") const;

private:
    bool launch(std::uint16_t port);
    bool waitForPing(std::chrono::milliseconds limit) const;

    QProcess m_process;
    std::uint16_t m_port = 0;
    QString m_error;
};

/// A port that was free a moment ago on 127.0.0.1 (0 if none could be bound).
std::uint16_t pickFreePort();

} // namespace gb::test

// QCOMPARE prints these by name.
namespace QTest {
template <>
inline char* toString(const gb::gateway::RedisStatus& s)
{
    return qstrdup(std::string(gb::gateway::redisStatusName(s)).c_str());
}
template <>
inline char* toString(const gb::gateway::StorageState& s)
{
    return qstrdup(std::string(gb::gateway::storageStateName(s)).c_str());
}
} // namespace QTest
