#include "gateway/upstream/byte_size.h"

#include <cmath>

namespace gb::gateway::upstream {

std::optional<std::uint64_t> parseByteSize(std::string_view text)
{
    std::size_t i = 0;
    double whole = 0;
    std::size_t intDigits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && intDigits < 20) {
        whole = whole * 10 + (text[i] - '0');
        ++i;
        ++intDigits;
    }
    if (intDigits == 0)
        return std::nullopt;
    if (i < text.size() && text[i] == '.') {
        ++i;
        double scale = 0.1;
        std::size_t fracDigits = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            whole += (text[i] - '0') * scale;
            scale /= 10;
            ++i;
            ++fracDigits;
        }
        if (fracDigits == 0)
            return std::nullopt;
    }
    if (i < text.size() && text[i] == ' ')
        ++i;
    std::string_view unit = text.substr(i);
    int power = 0;
    if (!unit.empty()) {
        const char u = static_cast<char>(unit[0] & ~0x20); // ASCII upper case
        constexpr std::string_view kPrefixes = "KMGTPE";
        const auto at = kPrefixes.find(u);
        if (at != std::string_view::npos) {
            power = static_cast<int>(at) + 1;
            unit.remove_prefix(1);
        }
        if (!unit.empty()) {
            if (unit.size() != 1 || (unit[0] != 'B' && unit[0] != 'b'))
                return std::nullopt;
        }
    }
    const double bytes = std::ldexp(whole, 10 * power);
    if (bytes >= 18446744073709551615.0)
        return std::nullopt;
    return static_cast<std::uint64_t>(bytes);
}

} // namespace gb::gateway::upstream
