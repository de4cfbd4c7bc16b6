#pragma once

#include <atomic>
#include <cstdint>

namespace gb::gateway {

/// The time source of keys, rate limits and quotas, injected so that tests can step through
/// windows and expiry without sleeping (docs/ARCHITECTURE.md, convention 9). Implementations are
/// thread-safe; any thread may read them.
class Clock
{
public:
    virtual ~Clock() = default;
    /// Monotonic milliseconds (rate-limit windows, cache ages): never jumps back.
    virtual std::int64_t steadyMs() const noexcept = 0;
    /// Milliseconds since the Unix epoch (key expiry, quota renewal, analytics timestamps).
    virtual std::int64_t unixMs() const noexcept = 0;
};

/// The real clocks. Stateless; the one instance lives for the process.
class SystemClock final : public Clock
{
public:
    std::int64_t steadyMs() const noexcept override;
    std::int64_t unixMs() const noexcept override;
    static const SystemClock& instance() noexcept;
};

/// A clock that moves only when told to, for tests. Starts at an arbitrary non-zero time.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(std::int64_t unixMs = 1'700'000'000'000) noexcept
        : m_unix(unixMs)
    {}
    std::int64_t steadyMs() const noexcept override { return m_steady.load(); }
    std::int64_t unixMs() const noexcept override { return m_unix.load(); }
    void advanceMs(std::int64_t ms) noexcept
    {
        m_steady.fetch_add(ms);
        m_unix.fetch_add(ms);
    }

private:
    std::atomic<std::int64_t> m_steady{1'000'000};
    std::atomic<std::int64_t> m_unix;
};

} // namespace gb::gateway
