#pragma once

#include <filesystem>
#include <string>

namespace gb::gateway {

/// Reads a whole file; throws ConfigError with a sentence naming the file when it cannot
/// (missing, a directory, unreadable). Config files are small, so no size guard beyond 64 MiB.
std::string readTextFile(const std::filesystem::path& file);

} // namespace gb::gateway
