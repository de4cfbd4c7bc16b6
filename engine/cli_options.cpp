#include "engine/cli_options.h"

#include "common/cli/flags.h"
#include "common/duration.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <iterator>
#include <sstream>

namespace gb::engine {

namespace {

// What the flags fill; the options are checked together once every flag is read.
struct LoadArgs
{
    CliOptions options;
    std::string url;
    std::int64_t requests = 200;
    bool requestsGiven = false;
    double timeoutS = 20;
    std::string bodyFile;
};

LoadConfig& config(LoadArgs& a)
{
    return a.options.config;
}

// RFC 9110 token characters: what a method (hey accepts M-SEARCH, PROPFIND...) or a header name
// may be made of.
bool isToken(std::string_view text)
{
    return !text.empty() &&
           text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                  "0123456789!#$%&'*+-.^_`|~") == std::string_view::npos;
}

// Every value that ends up in the request head: a CR or LF would inject header lines.
cli::Refusal headValue(std::string_view value, std::string& into)
{
    if (value.find_first_of("\r\n") != std::string_view::npos)
        return "line breaks are not allowed in request headers";
    into = value;
    return {};
}

cli::Refusal duration(std::string_view value, Nanos& into, Nanos atLeast, const char* expected)
{
    const auto d = parseDuration(value);
    if (!d || *d < atLeast)
        return expected;
    into = *d;
    return {};
}

cli::Refusal setTrue(bool& into, std::string_view value)
{
    into = value == "true";
    return {};
}

constexpr std::string_view kHeys = "Options (hey's, with hey's meaning)";
constexpr std::string_view kOurs = "GateBench's own";

using Flag = cli::Flag<LoadArgs>;

const Flag kFlags[] = {
    {"n",
     "N",
     "Number of requests to run. Default is 200.",
     [](LoadArgs& a, std::string_view v) -> cli::Refusal {
         // Any whole number parses, as hey's does: -z makes it irrelevant; without -z it must
         // be positive (checked once every flag is read).
         if (!cli::parseNumber(v, a.requests))
             return "expected a whole number";
         a.requestsGiven = true;
         return {};
     },
     {},
     kHeys},
    {"c", "N", "Number of workers (connections) to run concurrently. Default is 50.",
     [](LoadArgs& a, std::string_view v) -> cli::Refusal {
         int& c = config(a).connections;
         if (!cli::parseNumber(v, c) || c <= 0 || c > 100000)
             return "expected a whole number from 1 to 100000";
         return {};
     }},
    {"q", "QPS",
     "Rate limit, in queries per second (QPS) per worker. Default (or 0 or less) is no rate "
     "limit.",
     [](LoadArgs& a, std::string_view v) -> cli::Refusal {
         // hey's 0 or less means "no limit" (requester.go: throttle only if QPS > 0). Below
         // 0.001/s a worker would wait for ages.
         double& q = config(a).perWorkerRate;
         if (!cli::parseNumber(v, q) || (q > 0 && q < 0.001) || q > 1e7)
             return "expected requests per second per worker, up to 10000000 (0 or less: no "
                    "limit)";
         q = std::max(0.0, q);
         return {};
     }},
    {"z", "D",
     "Duration of application to send requests. If duration is specified, n is ignored. "
     "Examples: -z 10s -z 3m.",
     [](LoadArgs& a, std::string_view v) {
         return duration(v, config(a).duration, Nanos(1), "expected a duration such as 10s or 3m");
     }},
    {"o", "csv",
     "Output type. If none provided, a summary is printed. \"csv\" is the only supported "
     "alternative: one row per request (hey runs any other value as a Go template; use --json "
     "for machine-readable output).",
     [](LoadArgs& a, std::string_view v) -> cli::Refusal {
         // hey runs any other value as a Go text/template over its report (print.go,
         // newTemplate); GateBench has no template engine, so it says what to use instead.
         if (v != "csv")
             return "hey takes it as a Go template, which gatebench-load does not run; use -o "
                    "csv, or --json FILE for every figure as JSON";
         a.options.csv = true;
         return {};
     }},
    {"m", "METHOD", "HTTP method: GET, POST, PUT, DELETE, HEAD, OPTIONS, PATCH or any other token.",
     [](LoadArgs& a, std::string_view v) -> cli::Refusal {
         std::string m;
         for (char ch : v)
             m += char(std::toupper(static_cast<unsigned char>(ch)));
         if (!isToken(m))
             return "expected an HTTP method such as GET, POST or M-SEARCH";
         config(a).request.method = m;
         return {};
     }},
    {"H", "\"Name: value\"",
     "Custom HTTP header. Repeat the flag for more: -H \"Accept: text/html\" -H \"X-Key: 1\".",
     [](LoadArgs& a, std::string_view v) -> cli::Refusal {
         // hey.go's headerRegexp takes `^([\w-]+):`; a name must be a token here too.
         const auto colon = v.find(':');
         if (colon == std::string_view::npos || !isToken(v.substr(0, colon)))
             return "expected \"Name: value\"";
         std::string value;
         if (auto why = headValue(v.substr(colon + 1), value))
             return why;
         value.erase(0, value.find_first_not_of(" \t"));
         config(a).request.headers.emplace_back(v.substr(0, colon), value);
         return {};
     }},
    {"t", "S", "Timeout for each request in seconds. Default is 20, use 0 for infinite.",
     [](LoadArgs& a, std::string_view v) -> cli::Refusal {
         if (!cli::parseNumber(v, a.timeoutS) || a.timeoutS < 0)
             return "expected seconds (0 for no timeout)";
         return {};
     }},
    {"A", "TYPE", "HTTP Accept header.",
     [](LoadArgs& a, std::string_view v) { return headValue(v, config(a).request.accept); }},
    {"d", "BODY", "HTTP request body.",
     [](LoadArgs& a, std::string_view v) -> cli::Refusal {
         config(a).request.body = v;
         return {};
     }},
    {"D", "FILE", "HTTP request body from file. For example, /home/user/file.txt or ./file.txt.",
     [](LoadArgs& a, std::string_view v) -> cli::Refusal {
         a.bodyFile = v;
         return {};
     }},
    {"T", "TYPE", "Content-type, defaults to \"text/html\".",
     [](LoadArgs& a, std::string_view v) { return headValue(v, config(a).request.contentType); }},
    {"a", "USER:PASS", "Basic authentication, username:password.",
     [](LoadArgs& a, std::string_view v) -> cli::Refusal {
         if (v.find(':') == std::string_view::npos)
             return "expected username:password";
         return headValue(v, config(a).request.basicAuth);
     }},
    {"host", "HOST", "HTTP Host header.",
     [](LoadArgs& a, std::string_view v) { return headValue(v, config(a).request.hostOverride); }},
    {"disable-compression", "", "Accepted for hey compatibility (compression is never requested).",
     [](LoadArgs&, std::string_view) -> cli::Refusal { return {}; }},
    {"disable-keepalive", "", "Disable keep-alive: a new TCP connection for every request.",
     [](LoadArgs& a, std::string_view v) -> cli::Refusal {
         config(a).request.keepAlive = v != "true";
         return {};
     }},
    {"disable-redirects", "", "Accepted for hey compatibility (redirects are never followed).",
     [](LoadArgs&, std::string_view) -> cli::Refusal { return {}; }},
    {"cpus", "N", "Number of threads (default, or 0 or less: the cores this process may run on).",
     [](LoadArgs& a, std::string_view v) -> cli::Refusal {
         // hey: -cpus 0 or less leaves GOMAXPROCS as it is, i.e. the default.
         int& threads = config(a).threads;
         if (!cli::parseNumber(v, threads) || threads > 1024)
             return "expected a whole number up to 1024 (0 or less: one per core)";
         threads = std::max(0, threads);
         return {};
     },
     "threads"},
    {"x", "URL", "Not supported (HTTP proxies).",
     [](LoadArgs&, std::string_view) -> cli::Refusal {
         return "HTTP proxies are not supported; target the proxy's address directly";
     }},
    {"h2", "", "Not supported (HTTP/2).",
     [](LoadArgs&, std::string_view v) -> cli::Refusal {
         if (v == "true")
             return "HTTP/2 is not supported; GateBench measures HTTP/1.1";
         return {};
     }},
    {"h", "VALUE",
     "hey's deprecated header flag, refused as hey refuses it (use -H; --help shows this text).",
     [](LoadArgs&, std::string_view) -> cli::Refusal {
         // hey.go: "Flag '-h' is deprecated, please use '-H' instead." Never taken for a request
         // for help.
         return "deprecated, please use -H instead (\"Name: value\"); --help shows the usage";
     }},
    {"rate",
     "R",
     "Open loop: R requests/s in total, on a schedule independent of responses; latency is "
     "measured from each request's intended send time.",
     [](LoadArgs& a, std::string_view v) -> cli::Refusal {
         double& rate = config(a).totalRate;
         if (!cli::parseNumber(v, rate) || rate < 0.001 || rate > 1e8)
             return "expected requests per second, from 0.001 to 100000000";
         return {};
     },
     {},
     kOurs},
    {"stages", "LIST",
     "Open loop with a piecewise-linear rate: \"10s:1000,30s:1000,10s:0\" ramps to 1000 rps over "
     "10 s, holds 30 s, ramps down (starting from --rate, or 0).",
     [](LoadArgs& a, std::string_view v) -> cli::Refusal {
         auto stages = parseStages(std::string(v));
         if (auto* e = std::get_if<UsageError>(&stages))
             return std::move(e->message);
         config(a).stages = std::get<std::vector<Stage>>(std::move(stages));
         return {};
     }},
    {"warmup", "D", "Run D first and leave it out of the statistics.",
     [](LoadArgs& a, std::string_view v) {
         return duration(v, config(a).warmup, Nanos(0), "expected a duration such as 5s");
     }},
    {"interval", "D", "Live snapshot period (default 1s).",
     [](LoadArgs& a, std::string_view v) {
         return duration(v, config(a).interval, std::chrono::milliseconds(10),
                         "expected a duration of at least 10ms");
     }},
    {"json", "FILE", "Write the report as JSON (- for standard output, replacing the text report).",
     [](LoadArgs& a, std::string_view v) -> cli::Refusal {
         a.options.jsonPath = v;
         return {};
     }},
    {"live", "FILE", "Write one JSON line per interval while running (- for standard output).",
     [](LoadArgs& a, std::string_view v) -> cli::Refusal {
         a.options.livePath = v;
         return {};
     }},
    {"help", "", "This text.",
     [](LoadArgs& a, std::string_view v) { return setTrue(a.options.help, v); }},
};

const cli::CommandLine<LoadArgs> kCommandLine{
    "gatebench-load", "-", kFlags, [](LoadArgs& a, std::string_view word) -> cli::Refusal {
        if (!a.url.empty())
            return "unexpected argument \"" + std::string(word) + "\": only one URL may be given";
        a.url = word;
        return {};
    }};

// The flags read, what they mean together.
std::variant<CliOptions, UsageError> checkTogether(LoadArgs a)
{
    CliOptions& o = a.options;
    LoadConfig& c = o.config;
    if (o.help)
        return o;
    if (a.url.empty())
        return UsageError{"missing URL: gatebench-load [options...] <url> (see --help)"};
    auto parsed = parseUrl(a.url);
    if (auto* e = std::get_if<std::string>(&parsed))
        return UsageError{*e};
    c.request.url = std::get<Url>(parsed);
    if (!a.bodyFile.empty()) {
        std::ifstream in(a.bodyFile, std::ios::binary);
        if (!in)
            return UsageError{"cannot read request body file \"" + a.bodyFile + "\""};
        c.request.body.assign(std::istreambuf_iterator<char>(in), {});
    }
    c.timeout = std::chrono::nanoseconds(std::llround(a.timeoutS * 1e9));
    if (c.perWorkerRate > 0 && c.model() == LoadModel::OpenLoop)
        return UsageError{
            "-q (per-worker rate) and --rate/--stages (total rate) exclude each other"};
    // hey: -z wins over -n; without either, 200 requests. Stages without -n end with the stages.
    const bool untilTime = c.duration.count() > 0 || (!c.stages.empty() && !a.requestsGiven);
    if (!untilTime && a.requests <= 0)
        return UsageError{"-n cannot be smaller than 1 (without -z)"};
    c.requests = untilTime ? 0 : std::uint64_t(a.requests);
    if (c.requests > 0 && c.requests < std::uint64_t(c.connections) &&
        c.model() != LoadModel::OpenLoop)
        return UsageError{"-n cannot be less than -c"};
    if (c.warmup >= c.duration && c.duration.count() > 0)
        return UsageError{"--warmup must be shorter than -z"};
    return o;
}

} // namespace

std::string usage()
{
    return "Usage: gatebench-load [options...] <url>\n"
           "Flags take one dash or two, and a value as \"-flag value\" or \"-flag=value\".\n\n" +
           cli::flagsHelp(kCommandLine) +
           "\nLatency counts from when a request could go out: in a closed loop it includes "
           "waiting for the\nconnection it goes out on (a new one's dial and TLS handshake), as "
           "hey's does.\nWhere gatebench-load differs from hey, and why: README.md, \"Differences "
           "from hey\".\n";
}

std::string flagsMarkdown()
{
    return cli::flagsMarkdown(kCommandLine);
}

std::variant<CliOptions, UsageError> parseCommandLine(const std::vector<std::string>& args)
{
    const std::vector<std::string_view> views(args.begin(), args.end());
    LoadArgs a;
    if (auto error = cli::parseFlags(kCommandLine, views, a))
        return std::move(*error);
    return checkTogether(std::move(a));
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
        if (!d || !cli::parseNumber(std::string_view(item).substr(colon + 1), rps) || rps < 0 ||
            rps > 1e8)
            return UsageError{"invalid stage \"" + item +
                              "\": expected DURATION:RPS, e.g. 30s:1000"};
        stages.push_back({*d, rps});
    }
    if (stages.empty())
        return UsageError{"--stages needs at least one DURATION:RPS"};
    return stages;
}

} // namespace gb::engine
