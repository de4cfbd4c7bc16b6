#include "gateway/config/command_line.h"

namespace gb::gateway {

namespace {

constexpr unsigned kMaxThreads = 1024;

cli::Refusal keep(std::string_view value, std::optional<std::string>& into)
{
    into = std::string(value);
    return {};
}

using Flag = cli::Flag<GatewayOptions>;

const Flag kFlags[] = {
    {"conf", "FILE",
     "Tyk gateway config (tyk.conf); a relative app_path is resolved against the file's "
     "directory.",
     [](GatewayOptions& o, std::string_view v) -> cli::Refusal {
         if (v.empty())
             return "a file name is needed";
         return keep(v, o.confPath);
     }},
    {"listen", "ADDR", "[host]:port to serve on, overriding tyk.conf (default :8080).",
     [](GatewayOptions& o, std::string_view v) -> cli::Refusal {
         o.listen = net::parseListenAddress(v);
         if (!o.listen)
             return "not an address; use host:port, :port or [v6]:port";
         return {};
     }},
    {"target", "URL",
     "Upstream of the keyless API, plain http only (default http://127.0.0.1:8000; not with "
     "--conf).",
     [](GatewayOptions& o, std::string_view v) { return keep(v, o.target); }},
    {"listen-path", "PATH",
     "Path prefix of the keyless API, stripped before proxying (default /; not with --conf).",
     [](GatewayOptions& o, std::string_view v) { return keep(v, o.listenPath); }},
    {"threads", "N", "Request threads (default: one per core).",
     [](GatewayOptions& o, std::string_view v) -> cli::Refusal {
         if (!cli::parseNumber(v, o.threads) || o.threads == 0 || o.threads > kMaxThreads)
             return "expected a whole number from 1 to " + std::to_string(kMaxThreads);
         return {};
     }},
    {"secret", "S",
     "x-tyk-authorization secret for the admin API, overriding tyk.conf; without any secret the "
     "admin API answers 403.",
     [](GatewayOptions& o, std::string_view v) { return keep(v, o.secret); }},
    {"help", "", "Show this help.",
     [](GatewayOptions& o, std::string_view v) -> cli::Refusal {
         o.help = v == "true";
         return {};
     },
     "h"},
};

const cli::CommandLine<GatewayOptions> kCommandLine{"gatebench-gateway", "--", kFlags};

} // namespace

std::variant<GatewayOptions, cli::UsageError>
parseGatewayArgs(std::span<const std::string_view> args)
{
    GatewayOptions options;
    if (auto error = cli::parseFlags(kCommandLine, args, options))
        return std::move(*error);
    if (options.confPath && (options.target || options.listenPath))
        return cli::UsageError{"--target and --listen-path describe the API served without a "
                               "config file and cannot be combined with --conf, which takes "
                               "APIs from app_path"};
    return options;
}

std::string gatewayUsage()
{
    return "Usage: gatebench-gateway [--conf tyk.conf] [flags]\n"
           "\n"
           "A Tyk-compatible API gateway. With --conf it reads Tyk's gateway config and every\n"
           "API definition (*.json) in its app_path. Without --conf it serves one keyless API\n"
           "built from the flags below, with nothing else to set up.\n"
           "\n" +
           cli::flagsHelp(kCommandLine) +
           "\n"
           "Example: gatebench-gateway --listen :8080 --target http://127.0.0.1:8000 "
           "--listen-path /apitest/\n";
}

} // namespace gb::gateway
