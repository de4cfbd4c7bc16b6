#pragma once

#include "common/cli/flags.h"
#include "common/net/listen_address.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace gb::gateway {

/// gatebench-gateway's command line, parsed but not yet applied (see makeGatewaySetup).
struct GatewayOptions
{
    std::optional<std::string> confPath;      ///< --conf: tyk.conf and app_path
    std::optional<net::ListenAddress> listen; ///< --listen: overrides tyk.conf's address and port
    std::optional<std::string> target;        ///< --target: zero set-up API only
    std::optional<std::string> listenPath;    ///< --listen-path: zero set-up API only
    unsigned threads = 0;                     ///< --threads; 0 = one per core
    std::optional<std::string> secret;        ///< --secret: overrides tyk.conf's secret
    bool help = false;                        ///< --help: print gatewayUsage() and exit 0
};

/// Parses the arguments after the program name, from the table of flags that also prints
/// gatewayUsage(): one or two dashes, "--flag value" or "--flag=value", as Go's flag package
/// reads them (so Tyk's "--conf=tyk.conf" works). --target and --listen-path describe the zero
/// set-up API and cannot be combined with --conf. Pure.
[[nodiscard]] std::variant<GatewayOptions, cli::UsageError>
parseGatewayArgs(std::span<const std::string_view> args);

/// The --help text.
std::string gatewayUsage();

} // namespace gb::gateway
