#include "gateway/metrics/prometheus_label.h"

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

} // namespace gb::gateway
