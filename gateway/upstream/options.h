#pragma once

#include "common/cli/flags.h"
#include "gateway/server/server_config.h"

#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace gb::gateway::upstream {

struct UpstreamOptions
{
    ServerConfig server;
    bool help = false;
};

/// gatebench-upstream's command line (the arguments after the program name), read from the
/// table of flags that also prints upstreamUsage().
[[nodiscard]] std::variant<UpstreamOptions, cli::UsageError>
parseUpstreamOptions(std::span<const std::string_view> args);
std::string upstreamUsage();

} // namespace gb::gateway::upstream
