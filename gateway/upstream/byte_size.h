#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gb::gateway::upstream {

/// Parses a human byte size as go-bench-suite's /size/{n} does (labstack/gommon bytes.Parse):
/// a number (fraction allowed), an optional space, then B or a binary multiple K/KB, M/MB, G/GB,
/// T/TB, P/PB, E/EB, case-insensitive, no unit meaning bytes: "10B", "1KB" = 1024, "1.5MB".
std::optional<std::uint64_t> parseByteSize(std::string_view text);

} // namespace gb::gateway::upstream
