#include "gateway/config/command_line.h"

#include "gateway/config/concat.h"

#include <charconv>
#include <vector>

namespace gb::gateway {

namespace {

constexpr unsigned kMaxThreads = 1024;

GatewayArgs usageError(std::string message)
{
    return {std::nullopt, std::move(message)};
}

} // namespace

GatewayArgs parseGatewayArgs(std::span<const std::string_view> args)
{
    GatewayOptions options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view arg = args[i];
        if (arg.size() < 2 || arg.front() != '-')
            return usageError(concat("unexpected argument \"", arg,
                                     "\"; every setting is a flag, e.g. --conf tyk.conf."));
        arg.remove_prefix(arg.starts_with("--") ? 2 : 1);
        std::string_view name = arg;
        std::optional<std::string_view> value;
        if (const auto eq = arg.find('='); eq != std::string_view::npos) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
        }
        const std::string flag = concat("--", name);
        if (name == "help" || name == "h") {
            if (value)
                return usageError(concat(flag, " takes no value."));
            options.help = true;
            continue;
        }
        if (name != "conf" && name != "listen" && name != "target" && name != "listen-path" &&
            name != "threads" && name != "secret")
            return usageError(concat("unknown flag ", flag, "."));
        if (!value) {
            if (i + 1 >= args.size())
                return usageError(concat(flag, " needs a value."));
            value = args[++i];
        }
        if (name == "conf") {
            if (value->empty())
                return usageError("--conf needs a file name.");
            options.confPath = std::string(*value);
        } else if (name == "listen") {
            auto address = net::parseListenAddress(*value);
            if (!address)
                return usageError(concat("--listen \"", *value,
                                         "\" is not an address; use host:port, :port or "
                                         "[v6]:port."));
            options.listen = std::move(*address);
        } else if (name == "target") {
            options.target = std::string(*value);
        } else if (name == "listen-path") {
            options.listenPath = std::string(*value);
        } else if (name == "threads") {
            unsigned threads = 0;
            const auto [end, ec] =
                std::from_chars(value->data(), value->data() + value->size(), threads);
            if (value->empty() || ec != std::errc() || end != value->data() + value->size() ||
                threads == 0 || threads > kMaxThreads)
                return usageError(concat("--threads must be a whole number from 1 to ",
                                         std::to_string(kMaxThreads), "."));
            options.threads = threads;
        } else {
            options.secret = std::string(*value);
        }
    }
    if (options.confPath && (options.target || options.listenPath))
        return usageError("--target and --listen-path describe the API served without a config "
                          "file and cannot be combined with --conf, which takes APIs from "
                          "app_path.");
    return {std::move(options), {}};
}

GatewayArgs parseGatewayArgs(int argc, const char* const* argv)
{
    std::vector<std::string_view> args;
    for (int i = 1; i < argc; ++i)
        args.emplace_back(argv[i]);
    return parseGatewayArgs(std::span<const std::string_view>(args));
}

std::string gatewayUsage()
{
    return "Usage: gatebench-gateway [--conf tyk.conf] [flags]\n"
           "\n"
           "A Tyk-compatible API gateway. With --conf it reads Tyk's gateway config and every\n"
           "API definition (*.json) in its app_path. Without --conf it serves one keyless API\n"
           "built from the flags below, with nothing else to set up.\n"
           "\n"
           "  --conf FILE          Tyk gateway config (tyk.conf); relative app_path is resolved\n"
           "                       against the file's directory\n"
           "  --listen ADDR        [host]:port to serve on, overriding tyk.conf\n"
           "                       (default :8080)\n"
           "  --target URL         upstream of the keyless API, plain http only\n"
           "                       (default http://127.0.0.1:8000; not with --conf)\n"
           "  --listen-path PATH   path prefix of the keyless API, stripped before proxying\n"
           "                       (default /; not with --conf)\n"
           "  --threads N          request threads (default: one per core)\n"
           "  --secret S           x-tyk-authorization secret for the admin API, overriding\n"
           "                       tyk.conf; without any secret the admin API answers 403\n"
           "  --help               show this help\n"
           "\n"
           "Example: gatebench-gateway --listen :8080 --target http://127.0.0.1:8000 "
           "--listen-path /apitest/\n";
}

} // namespace gb::gateway
