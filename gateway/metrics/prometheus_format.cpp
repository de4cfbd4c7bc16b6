#include "gateway/metrics/prometheus_format.h"

#include <charconv>

namespace gb::gateway {

void appendLabelValue(std::string& out, std::string_view value)
{
    out.push_back('"');
    for (const char c : value) {
        switch (c) {
        case '\\':
            out.append("\\\\");
            break;
        case '"':
            out.append("\\\"");
            break;
        case '\n':
            out.append("\\n");
            break;
        default:
            out.push_back(c);
        }
    }
    out.push_back('"');
}

void appendValue(std::string& out, std::uint64_t value)
{
    char digits[24];
    const auto r = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, static_cast<std::size_t>(r.ptr - digits));
}

void appendValue(std::string& out, double value)
{
    char text[32];
    const auto r = std::to_chars(text, text + sizeof text, value, std::chars_format::general);
    out.append(text, static_cast<std::size_t>(r.ptr - text));
}

} // namespace gb::gateway
