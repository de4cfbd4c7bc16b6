#include "gateway/server/server.h"

#include "common/sys/thread_name.h"
#include "gateway/server/worker.h"

#include <boost/asio/ip/tcp.hpp>

#include <sched.h>
#include <sys/socket.h>
#include <system_error>
#include <thread>

namespace gb::gateway {

using boost::asio::ip::tcp;

int availableCpus()
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return 1;
    const int n = CPU_COUNT(&set);
    return n > 0 ? n : 1;
}

struct Server::Impl
{
    ServerConfig config;
    HandlerFactory factory;
    std::unique_ptr<ServerStats> stats;
    std::vector<std::unique_ptr<Worker>> workers;
    std::vector<Worker*> workerPtrs;
    std::vector<std::thread> threads;
    tcp::endpoint bound;
    bool started = false;

    tcp::endpoint resolve() const;
    tcp::acceptor openAcceptor(Worker& w, const tcp::endpoint& ep, bool reusePort) const;
};

namespace {

std::string endpointText(const tcp::endpoint& ep)
{
    // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on "[" + s + "]".
    const auto a = ep.address();
    std::string text;
    if (a.is_v6())
        text += '[';
    text += a.to_string();
    if (a.is_v6())
        text += ']';
    text += ':';
    text += std::to_string(ep.port());
    return text;
}

[[noreturn]] void throwListen(const boost::system::error_code& ec, const tcp::endpoint& ep)
{
    throw std::system_error(ec, "cannot listen on " + endpointText(ep));
}

} // namespace

tcp::endpoint Server::Impl::resolve() const
{
    if (config.host.empty())
        return {boost::asio::ip::address_v4::any(), config.port};
    boost::system::error_code ec;
    const auto addr = boost::asio::ip::make_address(config.host, ec);
    if (!ec)
        return {addr, config.port};
    boost::asio::io_context io;
    tcp::resolver resolver(io);
    const auto results = resolver.resolve(config.host, std::to_string(config.port), ec);
    if (ec || results.empty())
        throw std::system_error(ec, "cannot resolve " + config.host);
    return results.begin()->endpoint();
}

tcp::acceptor Server::Impl::openAcceptor(Worker& w, const tcp::endpoint& ep, bool reusePort) const
{
    tcp::acceptor a(w.ioContext());
    boost::system::error_code ec;
    a.open(ep.protocol(), ec);
    if (!ec)
        a.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec && reusePort) {
        const int one = 1;
        if (::setsockopt(a.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
            ec.assign(errno, boost::system::system_category());
    }
    if (!ec)
        a.bind(ep, ec);
    if (!ec)
        a.listen(4096, ec);
    if (ec)
        throwListen(ec, ep);
    return a;
}

Server::Server(ServerConfig config, HandlerFactory factory)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->config = std::move(config);
    m_impl->factory = std::move(factory);
}

Server::~Server()
{
    if (m_impl->started) {
        stop();
        wait();
    }
}

void Server::start()
{
    Impl& d = *m_impl;
    const int n = d.config.threads > 0 ? d.config.threads : availableCpus();
    d.stats = std::make_unique<ServerStats>(n);
    for (int i = 0; i < n; ++i) {
        d.workers.push_back(std::make_unique<Worker>(d.config, i, n, d.stats->worker(i)));
        d.workerPtrs.push_back(d.workers.back().get());
    }
    const tcp::endpoint ep = d.resolve();
    if (d.config.acceptMode == AcceptMode::ReusePort && n > 1) {
        if (ep.port() != 0) {
            // SO_REUSEPORT would let us share a port another process of ours already serves;
            // a plain bind first makes "port in use" an error, as it must be.
            d.openAcceptor(*d.workers[0], ep, false).close();
        }
        for (int i = 0; i < n; ++i) {
            auto a = d.openAcceptor(*d.workers[i], i == 0 ? ep : d.bound, true);
            if (i == 0)
                d.bound = a.local_endpoint();
            d.workers[i]->listen(std::move(a), nullptr, 0);
        }
    } else {
        auto a = d.openAcceptor(*d.workers[0], ep, false);
        d.bound = a.local_endpoint();
        d.workers[0]->listen(std::move(a), n > 1 ? d.workerPtrs.data() : nullptr, n);
    }
    for (auto& w : d.workers)
        w->setHandler(d.factory(w->context()));
    for (auto& w : d.workers)
        d.threads.emplace_back([worker = w.get(), i = d.threads.size()] {
            nameThisThread("worker-" + std::to_string(i));
            worker->run();
        });
    d.started = true;
}

std::string Server::localAddress() const
{
    return endpointText(m_impl->bound);
}

std::uint16_t Server::port() const
{
    return m_impl->bound.port();
}

int Server::threadCount() const
{
    return static_cast<int>(m_impl->workers.size());
}

void Server::stop()
{
    for (auto& w : m_impl->workers)
        w->postDrain();
}

void Server::wait()
{
    for (auto& t : m_impl->threads)
        if (t.joinable())
            t.join();
}

const ServerStats& Server::stats() const
{
    return *m_impl->stats;
}

} // namespace gb::gateway
