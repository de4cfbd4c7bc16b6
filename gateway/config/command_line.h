#pragma once

#include "common/net/listen_address.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

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

/// Either options or a usage error sentence (main prints it with the usage and exits 2).
struct GatewayArgs
{
    std::optional<GatewayOptions> options;
    std::string error;
};

/// Parses the arguments after the program name. Flags take one or two dashes and "--flag value"
/// or "--flag=value", like Go's flag package (so Tyk's "--conf=tyk.conf" works). --target and
/// --listen-path describe the zero set-up API and cannot be combined with --conf. Pure.
[[nodiscard]] GatewayArgs parseGatewayArgs(std::span<const std::string_view> args);
[[nodiscard]] GatewayArgs parseGatewayArgs(int argc, const char* const* argv);

/// The --help text.
std::string gatewayUsage();

} // namespace gb::gateway
