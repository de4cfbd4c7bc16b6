#include "engine/worker.h"

#include "engine/connection.h"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <sys/epoll.h>

namespace gb::engine {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
constexpr std::size_t kCsvFlushBytes = 64 * 1024;
constexpr std::int64_t kReconnectBackoffNs =
    10'000'000; // open loop: a refused dial retries after 10 ms
} // namespace

void CsvSink::append(const std::string& block)
{
    std::lock_guard lock(m_mutex);
    std::fwrite(block.data(), 1, block.size(), m_out);
}

Worker::Worker(const WorkerPlan& plan, std::function<void()> onFinished)
    : m_plan(plan)
    , m_onFinished(std::move(onFinished))
{
    for (int i = 0; i < plan.connections; ++i)
        m_connections.push_back(std::make_unique<Connection>(*this));
    m_idle.reserve(m_connections.size());
}

Worker::~Worker() = default;

std::int64_t Worker::now() const
{
    return std::chrono::duration_cast<Nanos>(std::chrono::steady_clock::now() - m_plan.start)
        .count();
}

void Worker::run()
{
    asio::post(m_io, [this] { start(); });
    m_io.run();
}

bool Worker::watchSocket(int fd, Connection* c)
{
    return m_readiness.add(fd, c);
}

void Worker::onReadiness(std::span<const epoll_event> batch)
{
    for (const epoll_event& e : batch)
        static_cast<Connection*>(e.data.ptr)->onReadiness(e.events);
}

void Worker::start()
{
    if (m_stopping) // stop() was posted before this thread began: start nothing that would wait
        return;
    m_readiness.start();
    for (auto& c : m_connections)
        dial(*c);
    if (m_plan.config->timeout.count() > 0)
        sweepTimeouts();
}

void Worker::onConnected(Connection& c)
{
    --m_dialing;
    if (m_stopping)
        return;
    if (m_plan.schedule != nullptr) {
        m_idle.push_back(&c);
        dispatchOpenLoop();
    } else {
        issue(c);
    }
}

bool Worker::takeBudget()
{
    return m_plan.budget == 0 || m_sentTotal < m_plan.budget;
}

bool Worker::budgetLeftForDial() const
{
    // Each dial under way will send a request (or fail as one): without counting them, the last
    // requests of -n would start more connections than they can use (-disable-keepalive would
    // open more connections than requests).
    return m_plan.budget == 0 || m_sentTotal + m_dialing < m_plan.budget;
}

void Worker::dial(Connection& c)
{
    ++m_dialing; // onConnected() or onFailed() takes it back
    c.connect();
}

void Worker::issue(Connection& c)
{
    if (m_stopping)
        return;
    if (!takeBudget())
        return checkFinished();
    const double perWorkerRate = m_plan.config->perWorkerRate;
    std::int64_t readyNs = 0; // when this request could have gone out: now, or its -q tick
    if (perWorkerRate > 0) {
        // hey's -q: a ticker per worker. Like Go's time.Ticker, ticks missed while a slow
        // response was outstanding are dropped rather than sent in a burst.
        const auto period = std::int64_t(1e9 / perWorkerRate);
        const std::int64_t t = now();
        if (c.nextTickNs > t) {
            c.throttle.expires_at(m_plan.start + Nanos(c.nextTickNs));
            c.throttle.async_wait([this, &c](const error_code& ec) {
                if (!ec && c.connected() && !c.busy())
                    issue(c);
            });
            return;
        }
        readyNs = c.nextTickNs;
        c.nextTickNs = std::max(c.nextTickNs + period, t);
    }
    ++m_sentTotal;
    ++m_inFlight;
    ++m_stats->sent;
    // hey starts a request's clock before its client has a connection (requester.go,
    // makeRequest: s := now() before c.Do), so a request that waited for its connection to be
    // dialled includes the dial (and TLS handshake); from its -q tick if that came later.
    const auto dial = c.unusedDialStartNs();
    c.send(dial ? std::optional(std::max(*dial, readyNs)) : std::nullopt);
}

void Worker::dispatchOpenLoop()
{
    const std::int64_t t = now();
    const std::int64_t late = m_plan.config->lateThreshold.count();
    while (!m_idle.empty() && takeBudget()) {
        // This worker sends global requests index, index + threadCount, ... so the workers'
        // schedules interleave into exactly the configured total.
        const auto due =
            m_plan.schedule->timeOf(double(m_nextIndex) * m_plan.threadCount + m_plan.index);
        if (!due)
            break;
        if (due->count() > t) {
            armSchedule(due->count());
            break;
        }
        Connection* c = m_idle.back();
        m_idle.pop_back();
        ++m_nextIndex;
        ++m_sentTotal;
        ++m_inFlight;
        ++m_stats->sent;
        if (t - due->count() > late)
            ++m_stats->lateSends;
        c->send(due->count());
    }
    checkFinished();
}

void Worker::armSchedule(std::int64_t dueNs)
{
    if (m_scheduleArmedFor == dueNs)
        return;
    m_scheduleArmedFor = dueNs;
    m_scheduleTimer.expires_at(m_plan.start + Nanos(dueNs));
    m_scheduleTimer.async_wait([this](const error_code& ec) {
        if (ec || m_stopping)
            return;
        m_scheduleArmedFor = -1;
        dispatchOpenLoop();
    });
}

void Worker::onCompleted(Connection& c, bool reusable)
{
    --m_inFlight;
    if (m_csvBuffer.size() >= kCsvFlushBytes) {
        m_plan.csv->append(m_csvBuffer);
        m_csvBuffer.clear();
    }
    if (m_stopping)
        return;
    if (!reusable) {
        if (budgetLeftForDial())
            dial(c); // onConnected() continues
        return checkFinished();
    }
    if (m_plan.schedule != nullptr) {
        m_idle.push_back(&c);
        dispatchOpenLoop();
    } else {
        issue(c);
    }
}

void Worker::onFailed(Connection& c, ErrorClass cls, const std::string& message, bool wasRequest)
{
    if (!wasRequest)
        --m_dialing; // only a dial (or its TLS handshake) fails outside a request
    if (wasRequest) {
        --m_inFlight;
    } else if (m_plan.schedule != nullptr && cls == ErrorClass::Connect && takeBudget()) {
        // Open loop: a request that is due waits for a connection. When the dial fails, so does
        // that request, as in the closed loop (else -n never ends against a dead host).
        const auto due =
            m_plan.schedule->timeOf(double(m_nextIndex) * m_plan.threadCount + m_plan.index);
        if (due && due->count() <= now()) {
            ++m_nextIndex;
            ++m_sentTotal;
            ++m_stats->sent;
        }
    } else if (m_plan.schedule == nullptr && cls == ErrorClass::Connect) {
        // Closed loop: the dial was for a request, and hey counts a failed dial as a failed
        // request, so it uses up the request budget too (else -n never ends against a dead host).
        // Dials still under way when the budget ran out were for requests never to be sent.
        if (!takeBudget())
            return checkFinished();
        ++m_sentTotal;
        ++m_stats->sent;
    }
    m_stats->recordError(cls, message);
    if (m_stopping)
        return;
    if (!budgetLeftForDial())
        return checkFinished();
    if (m_plan.schedule != nullptr && cls == ErrorClass::Connect) {
        // Open loop: dialling is not tied to a request; pace retries instead of spinning.
        c.throttle.expires_at(m_plan.start + Nanos(now() + kReconnectBackoffNs));
        c.throttle.async_wait([this, &c](const error_code& ec) {
            if (!ec && !m_stopping)
                dial(c);
        });
        return;
    }
    dial(c);
}

void Worker::sweepTimeouts()
{
    // One timer per worker instead of one per request: the hot path arms no timer, and a timeout
    // fires at most one sweep period late.
    const std::int64_t timeout = m_plan.config->timeout.count();
    const std::int64_t period = std::clamp<std::int64_t>(timeout / 10, 1'000'000, 100'000'000);
    m_sweepTimer.expires_after(Nanos(period));
    m_sweepTimer.async_wait([this, timeout](const error_code& ec) {
        if (ec || m_stopping)
            return;
        const std::int64_t t = now();
        for (auto& c : m_connections)
            c->checkTimeout(t, timeout);
        sweepTimeouts();
    });
}

void Worker::checkFinished()
{
    if (m_finishedSignalled || m_plan.budget == 0 || m_sentTotal < m_plan.budget || m_inFlight != 0)
        return;
    m_finishedSignalled = true;
    m_onFinished();
}

void Worker::collect(CollectHandler handler)
{
    asio::post(m_io, [this, handler = std::move(handler)] {
        auto stats = std::exchange(m_stats, std::make_unique<IntervalStats>());
        handler(std::move(stats), m_inFlight, m_finishedSignalled);
    });
}

void Worker::stop(CollectHandler handler)
{
    asio::post(m_io, [this, handler = std::move(handler)] {
        m_stopping = true;
        m_scheduleTimer.cancel();
        m_sweepTimer.cancel();
        m_readiness.stop();
        for (auto& c : m_connections)
            c->close();
        if (!m_csvBuffer.empty() && m_plan.csv != nullptr) {
            m_plan.csv->append(m_csvBuffer);
            m_csvBuffer.clear();
        }
        const std::int64_t unfinished = std::exchange(m_inFlight, 0);
        auto stats = std::exchange(m_stats, std::make_unique<IntervalStats>());
        m_work.reset();
        handler(std::move(stats), unfinished, true);
    });
}

} // namespace gb::engine
