#include "gateway/metrics/prometheus_format.h"

#include <charconv>

namespace gb::gateway {

void appendFamily(std::string& out, std::string_view name, MetricType type, std::string_view help)
{
    out.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ").append(name);
    switch (type) {
    case MetricType::Counter:
        out.append(" counter\n");
        break;
    case MetricType::Gauge:
        out.append(" gauge\n");
        break;
    case MetricType::Histogram:
        out.append(" histogram\n");
        break;
    }
}

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
