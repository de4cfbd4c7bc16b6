#include "gateway/upstream/options.h"

#include "common/duration.h"
#include "common/net/listen_address.h"

#include <netdb.h>

namespace gb::gateway::upstream {

namespace {

bool hostResolves(const std::string& host)
{
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* result = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &result);
    if (result)
        ::freeaddrinfo(result);
    return rc == 0;
}

// What the flags fill; the address is checked once every flag is read.
struct UpstreamArgs
{
    UpstreamOptions options;
    std::string addr = ":8000";
};

ServerConfig& server(UpstreamArgs& a)
{
    return a.options.server;
}

cli::Refusal duration(std::string_view value, std::chrono::milliseconds& into)
{
    const auto d = gb::parseDuration(value);
    if (!d || *d <= std::chrono::nanoseconds(0))
        return "expected a duration above 0, e.g. 10s";
    into = std::chrono::ceil<std::chrono::milliseconds>(*d);
    return {};
}

using Flag = cli::Flag<UpstreamArgs>;

const Flag kFlags[] = {
    {"addr", "HOST:PORT", "Listen address (default :8000; port 0 picks a free one).",
     [](UpstreamArgs& a, std::string_view v) -> cli::Refusal {
         a.addr = v;
         return {};
     }},
    {"threads", "N", "Worker threads (default: CPUs this process may run on).",
     [](UpstreamArgs& a, std::string_view v) -> cli::Refusal {
         int& n = server(a).threads;
         if (!cli::parseNumber(v, n) || n < 1 || n > 1024)
             return "expected a whole number from 1 to 1024";
         return {};
     }},
    {"accept", "MODE", "roundrobin (one listener hands out sockets, the default) or reuseport.",
     [](UpstreamArgs& a, std::string_view v) -> cli::Refusal {
         if (v == "reuseport")
             server(a).acceptMode = AcceptMode::ReusePort;
         else if (v == "roundrobin")
             server(a).acceptMode = AcceptMode::RoundRobin;
         else
             return "expected reuseport or roundrobin";
         return {};
     }},
    {"header-timeout", "D", "Time to receive a request head, else 408 (default 10s).",
     [](UpstreamArgs& a, std::string_view v) { return duration(v, server(a).headerTimeout); }},
    {"idle-timeout", "D", "Keep-alive connection without a request (default 60s).",
     [](UpstreamArgs& a, std::string_view v) { return duration(v, server(a).idleTimeout); }},
    {"drain-timeout", "D", "SIGTERM: time in-flight requests get to finish (default 30s).",
     [](UpstreamArgs& a, std::string_view v) { return duration(v, server(a).drainTimeout); }},
    {"max-body", "N", "Request body limit in bytes (default 16777216).",
     [](UpstreamArgs& a, std::string_view v) -> cli::Refusal {
         if (!cli::parseNumber(v, server(a).limits.maxBodyBytes))
             return "expected a number of bytes";
         return {};
     }},
    {"quiet", "", "Do not log failures.",
     [](UpstreamArgs& a, std::string_view v) -> cli::Refusal {
         server(a).logErrors = v != "true";
         return {};
     }},
    {"help", "", "This text.",
     [](UpstreamArgs& a, std::string_view v) -> cli::Refusal {
         a.options.help = v == "true";
         return {};
     },
     "h"},
};

const cli::CommandLine<UpstreamArgs> kCommandLine{"gatebench-upstream", "--", kFlags};

} // namespace

std::string upstreamUsage()
{
    return "usage: gatebench-upstream [flags]\n"
           "A go-bench-suite compatible mock upstream: /json/valid, /json/invalid, /delay/{d}, "
           "/size/{n},\n/xml, POST /soap, /resource[/{id}], plus /status/{code}, /echo, /health; "
           "request headers\nX-Delay, X-Delay-Percent, X-Slowdown, X-Slowdown-From, X-Fault: "
           "close|reset|garbage|hang.\n\n" +
           cli::flagsHelp(kCommandLine) +
           "\nOn start it prints \"listening on HOST:PORT\". SIGTERM/SIGINT drain and exit 0.\n";
}

std::variant<UpstreamOptions, cli::UsageError>
parseUpstreamOptions(std::span<const std::string_view> args)
{
    UpstreamArgs a;
    if (auto error = cli::parseFlags(kCommandLine, args, a))
        return std::move(*error);
    if (a.options.help)
        return a.options;
    const auto listen = net::parseListenAddress(a.addr);
    if (!listen)
        return cli::UsageError{"invalid value \"" + a.addr +
                               "\" for flag --addr: expected HOST:PORT, e.g. :8000 or 127.0.0.1:0"};
    if (!listen->host.empty() && !hostResolves(listen->host))
        return cli::UsageError{"invalid value \"" + a.addr + "\" for flag --addr: cannot resolve " +
                               listen->host};
    a.options.server.host = listen->host;
    a.options.server.port = listen->port;
    return a.options;
}

} // namespace gb::gateway::upstream
