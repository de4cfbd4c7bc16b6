#include "gateway/config/read_text_file.h"

#include "gateway/config/concat.h"
#include "gateway/config/json_reader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace gb::gateway {

std::string readTextFile(const std::filesystem::path& file)
{
    constexpr std::uintmax_t kMaxSize = 64u << 20;
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (ec || !std::filesystem::exists(status))
        throw ConfigError(concat(file.string(), ": the file does not exist."));
    if (std::filesystem::is_directory(status))
        throw ConfigError(concat(file.string(), ": is a directory, not a file."));
    const auto size = std::filesystem::file_size(file, ec);
    if (!ec && size > kMaxSize)
        throw ConfigError(
            concat(file.string(), ": the file is too large for a configuration file."));
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw ConfigError(concat(file.string(), ": cannot be read (", std::strerror(errno), ")."));
    std::ostringstream out;
    out << in.rdbuf();
    if (in.bad())
        throw ConfigError(concat(file.string(), ": reading failed."));
    return std::move(out).str();
}

} // namespace gb::gateway
