#pragma once

#include <string_view>

namespace gb::http {

/// The raw value of the first `name=` pair in a query string ("block=true&x=1"), or empty (also
/// for a pair without '='). Not percent-decoded. Pure; never allocates.
inline std::string_view queryValue(std::string_view query, std::string_view name) noexcept
{
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
            pair[name.size()] == '=')
            return pair.substr(name.size() + 1);
        if (amp == std::string_view::npos)
            break;
        query.remove_prefix(amp + 1);
    }
    return {};
}

} // namespace gb::http
