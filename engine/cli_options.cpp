#include "engine/cli_options.h"

#include "common/duration.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

namespace gb::engine {

const char* const kUsage = R"(Usage: gatebench-load [options...] <url>

Options (hey's, with hey's meaning):
  -n  Number of requests to run. Default is 200.
  -c  Number of workers (connections) to run concurrently. Default is 50.
  -q  Rate limit, in queries per second (QPS) per worker. Default (or 0 or less) is no
      rate limit.
  -z  Duration of application to send requests. If duration is specified, n is ignored.
      Examples: -z 10s -z 3m.
  -o  Output type. If none provided, a summary is printed.
      "csv" is the only supported alternative: one row per request. (hey runs any other
      value as a Go template; use --json for machine-readable output.)
  -m  HTTP method: GET, POST, PUT, DELETE, HEAD, OPTIONS, PATCH or any other token.
  -H  Custom HTTP header. Repeat the flag for more: -H "Accept: text/html" -H "X-Key: 1".
  -t  Timeout for each request in seconds. Default is 20, use 0 for infinite.
  -A  HTTP Accept header.
  -d  HTTP request body.
  -D  HTTP request body from file. For example, /home/user/file.txt or ./file.txt.
  -T  Content-type, defaults to "text/html".
  -a  Basic authentication, username:password.
  -host  HTTP Host header.
  -disable-compression  Accepted for hey compatibility (compression is never requested).
  -disable-keepalive    Disable keep-alive: a new TCP connection for every request.
  -disable-redirects    Accepted for hey compatibility (redirects are never followed).
  -cpus  Number of threads (default, or 0 or less: the cores this process may run on).
  -x, -h2  Not supported (HTTP proxies, HTTP/2).

GateBench's own:
  --rate R         Open loop: R requests/s in total, on a schedule independent of responses;
                   latency is measured from each request's intended send time.
  --stages LIST    Open loop with a piecewise-linear rate: "10s:1000,30s:1000,10s:0" ramps to
                   1000 rps over 10 s, holds 30 s, ramps down (starting from --rate, or 0).
  --warmup D       Run D first and leave it out of the statistics.
  --threads N      Same as -cpus.
  --interval D     Live snapshot period (default 1s).
  --json FILE|-    Write the report as JSON (- for standard output, replacing the text report).
  --live FILE|-    Write one JSON line per interval while running.
  --help           This text (-h is hey's deprecated header flag: use -H).

Latency counts from when a request could go out: in a closed loop it includes waiting for the
connection it goes out on (a new one's dial and TLS handshake), as hey's does.
Where gatebench-load differs from hey, and why: README.md, "Differences from hey".
)";

namespace {

template <class T>
bool parseNumber(const std::string& text, T& out)
{
    if constexpr (std::is_floating_point_v<T>) {
        try {
            std::size_t used = 0;
            out = T(std::stod(text, &used));
            return used == text.size() && std::isfinite(double(out));
        } catch (...) {
            return false;
        }
    } else {
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
        return ec == std::errc{} && end == text.data() + text.size();
    }
}

bool isBoolFlag(const std::string& name)
{
    return name == "disable-compression" || name == "disable-keepalive" ||
           name == "disable-redirects" || name == "h2" || name == "help";
}

// RFC 9110 token characters: what a method (hey accepts M-SEARCH, PROPFIND...) or a header name
// may be made of.
bool isToken(const std::string& text)
{
    return !text.empty() &&
           text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                  "0123456789!#$%&'*+-.^_`|~") == std::string::npos;
}

// The usage error is one line on a terminal: control characters from the arguments it quotes
// (a pasted "-H 'A: b\r\nC: d'") are shown escaped instead of breaking the line.
UsageError oneLine(UsageError e)
{
    std::string out;
    for (const char ch : e.message) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c != 0x7f) {
            out += ch;
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += ch == '\r' ? "\\r" : ch == '\n' ? "\\n" : ch == '\t' ? "\\t" : hex;
        }
    }
    e.message = std::move(out);
    return e;
}

std::variant<CliOptions, UsageError> parseArguments(const std::vector<std::string>& args);

} // namespace

std::variant<CliOptions, UsageError> parseCommandLine(const std::vector<std::string>& args)
{
    auto parsed = parseArguments(args);
    if (auto* e = std::get_if<UsageError>(&parsed))
        return oneLine(std::move(*e));
    return parsed;
}

std::variant<std::vector<Stage>, UsageError> parseStages(const std::string& text)
{
    std::vector<Stage> stages;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        const auto colon = item.find(':');
        const auto d =
            colon == std::string::npos ? std::nullopt : parseDuration(item.substr(0, colon));
        double rps = 0;
        if (!d || !parseNumber(item.substr(colon + 1), rps) || rps < 0 || rps > 1e8)
            return UsageError{"invalid stage \"" + item +
                              "\": expected DURATION:RPS, e.g. 30s:1000"};
        stages.push_back({*d, rps});
    }
    if (stages.empty())
        return UsageError{"--stages needs at least one DURATION:RPS"};
    return stages;
}

namespace {

std::variant<CliOptions, UsageError> parseArguments(const std::vector<std::string>& args)
{
    CliOptions o;
    LoadConfig& c = o.config;
    std::string url;
    std::int64_t requests = 200;
    bool requestsGiven = false;
    double timeoutS = 20;
    std::string bodyFile;

    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.size() < 2 || arg[0] != '-') {
            if (!url.empty())
                return UsageError{"unexpected argument \"" + arg + "\": only one URL may be given"};
            url = arg;
            continue;
        }
        std::string name = arg.substr(arg[1] == '-' ? 2 : 1);
        std::optional<std::string> value;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
        }
        if (isBoolFlag(name)) {
            if (value && *value != "true" && *value != "false")
                return UsageError{"invalid value \"" + *value + "\" for flag -" + name +
                                  ": expected true or false"};
            const bool on = !value || *value == "true";
            if (name == "help")
                o.help = true;
            else if (name == "disable-keepalive")
                c.request.keepAlive = !on;
            else if (name == "h2" && on)
                return UsageError{"-h2: HTTP/2 is not supported; GateBench measures HTTP/1.1"};
            continue;
        }
        if (!value) {
            if (i + 1 >= args.size())
                return UsageError{"flag needs an argument: -" + name};
            value = args[++i];
        }
        const std::string& v = *value;
        auto bad = [&](const char* what) {
            return UsageError{"invalid value \"" + v + "\" for flag -" + name + ": " + what};
        };
        // Every value that ends up in the request head: a CR or LF would inject header lines.
        const bool headValue = name == "H" || name == "A" || name == "T" || name == "a" ||
                               name == "host" || name == "m";
        if (headValue && v.find_first_of("\r\n") != std::string::npos)
            return bad("line breaks are not allowed in request headers");
        if (name == "n") {
            // Any whole number parses, as hey's does: -z makes it irrelevant; without -z it must
            // be positive (checked below).
            if (!parseNumber(v, requests))
                return bad("expected a whole number");
            requestsGiven = true;
        } else if (name == "c") {
            if (!parseNumber(v, c.connections) || c.connections <= 0 || c.connections > 100000)
                return bad("expected a whole number from 1 to 100000");
        } else if (name == "q") {
            // hey's 0 or less means "no limit" (requester.go: throttle only if QPS > 0). Below
            // 0.001/s a worker would wait for ages.
            if (!parseNumber(v, c.perWorkerRate) ||
                (c.perWorkerRate > 0 && c.perWorkerRate < 0.001) || c.perWorkerRate > 1e7)
                return bad("expected requests per second per worker, up to 10000000 (0 or less: "
                           "no limit)");
            c.perWorkerRate = std::max(0.0, c.perWorkerRate);
        } else if (name == "z") {
            const auto d = parseDuration(v);
            if (!d || d->count() <= 0)
                return bad("expected a duration such as 10s or 3m");
            c.duration = *d;
        } else if (name == "o") {
            // hey runs any other value as a Go text/template over its report (print.go,
            // newTemplate); GateBench has no template engine, so it says what to use instead.
            if (v != "csv")
                return bad("hey takes it as a Go template, which gatebench-load does not run; use "
                           "-o csv, or --json FILE for every figure as JSON");
            o.csv = true;
        } else if (name == "m") {
            std::string m;
            for (char ch : v)
                m += char(std::toupper(static_cast<unsigned char>(ch)));
            if (!isToken(m))
                return bad("expected an HTTP method such as GET, POST or M-SEARCH");
            c.request.method = m;
        } else if (name == "H") {
            // hey.go's headerRegexp takes `^([\w-]+):`; a name must be a token here too.
            const auto colon = v.find(':');
            if (colon == std::string::npos || !isToken(v.substr(0, colon)))
                return bad("expected \"Name: value\"");
            std::string value2 = v.substr(colon + 1);
            value2.erase(0, value2.find_first_not_of(" \t"));
            c.request.headers.emplace_back(v.substr(0, colon), value2);
        } else if (name == "t") {
            if (!parseNumber(v, timeoutS) || timeoutS < 0)
                return bad("expected seconds (0 for no timeout)");
        } else if (name == "A") {
            c.request.accept = v;
        } else if (name == "d") {
            c.request.body = v;
        } else if (name == "D") {
            bodyFile = v;
        } else if (name == "T") {
            c.request.contentType = v;
        } else if (name == "a") {
            if (v.find(':') == std::string::npos)
                return bad("expected username:password");
            c.request.basicAuth = v;
        } else if (name == "host") {
            c.request.hostOverride = v;
        } else if (name == "x") {
            return UsageError{
                "-x: HTTP proxies are not supported; target the proxy's address directly"};
        } else if (name == "h") {
            // hey's deprecated header flag (hey.go: "Flag '-h' is deprecated, please use '-H'
            // instead."): refused the same way, never taken for a request for help.
            return UsageError{"flag -h is deprecated, please use -H instead (\"Name: value\"); "
                              "--help shows the usage"};
        } else if (name == "cpus" || name == "threads") {
            // hey: -cpus 0 or less leaves GOMAXPROCS as it is, i.e. the default.
            if (!parseNumber(v, c.threads) || c.threads > 1024)
                return bad("expected a whole number up to 1024 (0 or less: one per core)");
            c.threads = std::max(0, c.threads);
        } else if (name == "rate") {
            if (!parseNumber(v, c.totalRate) || c.totalRate < 0.001 || c.totalRate > 1e8)
                return bad("expected requests per second, from 0.001 to 100000000");
        } else if (name == "stages") {
            auto stages = parseStages(v);
            if (auto* e = std::get_if<UsageError>(&stages))
                return *e;
            c.stages = std::get<std::vector<Stage>>(stages);
        } else if (name == "warmup") {
            const auto d = parseDuration(v);
            if (!d)
                return bad("expected a duration such as 5s");
            c.warmup = *d;
        } else if (name == "interval") {
            const auto d = parseDuration(v);
            if (!d || *d < std::chrono::milliseconds(10))
                return bad("expected a duration of at least 10ms");
            c.interval = *d;
        } else if (name == "json") {
            o.jsonPath = v;
        } else if (name == "live") {
            o.livePath = v;
        } else {
            return UsageError{"flag provided but not defined: -" + name};
        }
    }
    if (o.help)
        return o;
    if (url.empty())
        return UsageError{"missing URL: gatebench-load [options...] <url> (see --help)"};
    auto parsed = parseUrl(url);
    if (auto* e = std::get_if<std::string>(&parsed))
        return UsageError{*e};
    c.request.url = std::get<Url>(parsed);
    if (!bodyFile.empty()) {
        std::ifstream in(bodyFile, std::ios::binary);
        if (!in)
            return UsageError{"cannot read request body file \"" + bodyFile + "\""};
        c.request.body.assign(std::istreambuf_iterator<char>(in), {});
    }
    c.timeout = std::chrono::nanoseconds(std::llround(timeoutS * 1e9));
    if (c.perWorkerRate > 0 && c.model() == LoadModel::OpenLoop)
        return UsageError{
            "-q (per-worker rate) and --rate/--stages (total rate) exclude each other"};
    // hey: -z wins over -n; without either, 200 requests. Stages without -n end with the stages.
    const bool untilTime = c.duration.count() > 0 || (!c.stages.empty() && !requestsGiven);
    if (!untilTime && requests <= 0)
        return UsageError{"-n cannot be smaller than 1 (without -z)"};
    c.requests = untilTime ? 0 : std::uint64_t(requests);
    if (c.requests > 0 && c.requests < std::uint64_t(c.connections) &&
        c.model() != LoadModel::OpenLoop)
        return UsageError{"-n cannot be less than -c"};
    if (c.warmup >= c.duration && c.duration.count() > 0)
        return UsageError{"--warmup must be shorter than -z"};
    return o;
}

} // namespace

} // namespace gb::engine
