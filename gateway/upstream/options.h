#pragma once

#include "gateway/server/server_config.h"

#include <optional>
#include <string>
#include <string_view>

namespace gb::gateway::upstream {

struct UpstreamOptions
{
    ServerConfig server;
    bool help = false;
};

/// gatebench-upstream's command line. On error, returns nullopt and sets `error` to one line.
[[nodiscard]] std::optional<UpstreamOptions> parseUpstreamOptions(int argc, const char* const* argv,
                                                                  std::string& error);
std::string_view upstreamUsage();

} // namespace gb::gateway::upstream
