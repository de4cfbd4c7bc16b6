#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gb {

/// Parses a Go-style duration ("300ms", "1.5s", "2m30s", "1h", "250us", "10µs", "0"), as
/// hey's -z and go-bench-suite's /delay/{d} take them. Negative values are rejected.
std::optional<std::chrono::nanoseconds> parseDuration(std::string_view text);

/// Formats like Go's time.Duration.String(): "1.5s", "250ms", "2m30s".
std::string formatDuration(std::chrono::nanoseconds d);

} // namespace gb
