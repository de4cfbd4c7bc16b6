#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gb::gateway::upstream {

/// Parses Go's time.RFC3339 layout ("2006-01-02T15:04:05Z07:00", fractional seconds accepted as
/// Go's parser does) into nanoseconds since the Unix epoch.
std::optional<std::int64_t> parseRfc3339(std::string_view text);

} // namespace gb::gateway::upstream
