#include "gateway/config/write_text_file.h"

#include <fstream>

namespace gb::gateway {

bool writeTextFileWhole(const std::filesystem::path& file, const std::string& text)
{
    const std::filesystem::path temporary = file.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush())
            return false;
    }
    std::error_code ec;
    std::filesystem::rename(temporary, file, ec);
    if (ec)
        std::filesystem::remove(temporary, ec);
    return !ec;
}

} // namespace gb::gateway
