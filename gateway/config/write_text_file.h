#pragma once

#include <filesystem>
#include <string>

namespace gb::gateway {

/// Writes a file whole: the text goes to "<file>.tmp", which is then renamed over `file`, so a
/// reader (a reload) sees the old content or the new, never half of it. False when it could
/// not (the temporary file is removed).
bool writeTextFileWhole(const std::filesystem::path& file, const std::string& text);

} // namespace gb::gateway
