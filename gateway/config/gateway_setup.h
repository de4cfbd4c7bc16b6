#pragma once

#include "gateway/config/api_loader.h"
#include "gateway/config/command_line.h"
#include "gateway/config/gateway_config.h"

#include <optional>
#include <string_view>

namespace gb::gateway {

/// Everything main() needs to start the gateway, from either source: tyk.conf + app_path, or
/// the zero set-up flags. A plain value built once on the main thread.
struct GatewaySetup
{
    GatewayConfig config;
    unsigned threads = 1; ///< resolved: --threads, else one per core
    /// The API built from --target/--listen-path when there is no --conf; APIs then never
    /// come from a directory, and /tyk/reload serves this one again.
    std::optional<ApiDefinition> flagApi;
};

/// Applies the options: reads tyk.conf (command-line flags win over it) or builds the zero
/// set-up configuration. Throws ConfigError with a user-facing sentence. Does not load APIs.
GatewaySetup makeGatewaySetup(const GatewayOptions& options);

/// The APIs to serve, at start-up and on every /tyk/reload: app_path's definitions, or the
/// flag-built API. Called off the request threads.
LoadResult loadApis(const GatewaySetup& setup);

/// One keyless API proxying listenPath (stripped) to target, in Tyk's definition format so that
/// /tyk/apis shows it like any other. Throws ConfigError naming the flag that is wrong.
ApiDefinition makeKeylessApi(std::string_view target, std::string_view listenPath);

} // namespace gb::gateway
