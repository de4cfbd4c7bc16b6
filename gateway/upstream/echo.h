#pragma once

#include "gateway/server/exchange.h"

#include <cstdint>

namespace gb::gateway::upstream {

/// POST /echo: reads the whole request body (up to maxBody, else 413), then answers with the
/// method, target, headers and body as JSON. Not a hot path: it allocates.
void startEcho(Exchange& ex, std::uint64_t maxBody);

} // namespace gb::gateway::upstream
