#include "gateway/upstream/options.h"

#include "common/duration.h"
#include "common/net/listen_address.h"

#include <charconv>
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

} // namespace

std::string_view upstreamUsage()
{
    return R"(usage: gatebench-upstream [flags]
A go-bench-suite compatible mock upstream: /json/valid, /json/invalid, /delay/{d}, /size/{n},
/xml, POST /soap, /resource[/{id}], plus /status/{code}, /echo, /health; request headers
X-Delay, X-Delay-Percent, X-Slowdown, X-Slowdown-From, X-Fault: close|reset|garbage|hang.

  --addr HOST:PORT       listen address (default :8000; port 0 picks a free one)
  --threads N            worker threads (default: CPUs this process may run on)
  --accept MODE          roundrobin (one listener hands out sockets, default) or reuseport
  --header-timeout D     time to receive a request head, else 408 (default 10s)
  --idle-timeout D       keep-alive connection without a request (default 60s)
  --drain-timeout D      SIGTERM: time in-flight requests get to finish (default 30s)
  --max-body N           request body limit in bytes (default 16777216)
  --quiet                do not log failures
  -h, --help             this text
On start it prints "listening on HOST:PORT". SIGTERM/SIGINT drain and exit 0.
)";
}

std::optional<UpstreamOptions> parseUpstreamOptions(int argc, const char* const* argv,
                                                    std::string& error)
{
    UpstreamOptions o;
    std::string addr = ":8000";
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            o.help = true;
            return o;
        }
        if (arg == "--quiet") {
            o.server.logErrors = false;
            continue;
        }
        std::string_view value;
        bool haveValue = false;
        if (const auto eq = arg.find('=');
            arg.substr(0, 2) == "--" && eq != std::string_view::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
            haveValue = true;
        }
        auto next = [&]() -> bool {
            if (haveValue)
                return true;
            if (i + 1 >= argc) {
                error = "flag needs a value: " + std::string(arg);
                return false;
            }
            value = argv[++i];
            return true;
        };
        auto duration = [&](std::chrono::milliseconds& out) -> bool {
            if (!next())
                return false;
            const auto d = gb::parseDuration(value);
            if (!d || *d <= std::chrono::nanoseconds(0)) {
                error = "bad duration for " + std::string(arg) + ": " + std::string(value);
                return false;
            }
            out = std::chrono::ceil<std::chrono::milliseconds>(*d);
            return true;
        };
        if (arg == "--addr") {
            if (!next())
                return std::nullopt;
            addr = value;
        } else if (arg == "--threads") {
            if (!next())
                return std::nullopt;
            int n = 0;
            const auto r = std::from_chars(value.data(), value.data() + value.size(), n);
            if (r.ec != std::errc{} || r.ptr != value.data() + value.size() || n < 1 || n > 1024) {
                error = "bad --threads: " + std::string(value) + " (1-1024)";
                return std::nullopt;
            }
            o.server.threads = n;
        } else if (arg == "--accept") {
            if (!next())
                return std::nullopt;
            if (value == "reuseport")
                o.server.acceptMode = AcceptMode::ReusePort;
            else if (value == "roundrobin")
                o.server.acceptMode = AcceptMode::RoundRobin;
            else {
                error = "bad --accept: " + std::string(value) + " (reuseport or roundrobin)";
                return std::nullopt;
            }
        } else if (arg == "--header-timeout") {
            if (!duration(o.server.headerTimeout))
                return std::nullopt;
        } else if (arg == "--idle-timeout") {
            if (!duration(o.server.idleTimeout))
                return std::nullopt;
        } else if (arg == "--drain-timeout") {
            if (!duration(o.server.drainTimeout))
                return std::nullopt;
        } else if (arg == "--max-body") {
            if (!next())
                return std::nullopt;
            std::uint64_t n = 0;
            const auto r = std::from_chars(value.data(), value.data() + value.size(), n);
            if (r.ec != std::errc{} || r.ptr != value.data() + value.size()) {
                error = "bad --max-body: " + std::string(value);
                return std::nullopt;
            }
            o.server.limits.maxBodyBytes = n;
        } else {
            error = "unknown flag: " + std::string(argv[i]) + " (see --help)";
            return std::nullopt;
        }
    }
    const auto listen = net::parseListenAddress(addr);
    if (!listen) {
        error = "bad --addr: " + addr + " (want HOST:PORT, e.g. :8000 or 127.0.0.1:0)";
        return std::nullopt;
    }
    if (!listen->host.empty() && !hostResolves(listen->host)) {
        error = "bad --addr: cannot resolve " + listen->host;
        return std::nullopt;
    }
    o.server.host = listen->host;
    o.server.port = listen->port;
    return o;
}

} // namespace gb::gateway::upstream
