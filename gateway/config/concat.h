#pragma once

#include <string>
#include <string_view>

namespace gb::gateway {

/// Joins the pieces of a message in one allocation. Used instead of chains of operator+, which
/// also keeps GCC 12 from its false -Wrestrict on `"literal" + std::string&&` (GCC PR 105329).
template <class... Parts>
std::string concat(const Parts&... parts)
{
    std::string out;
    out.reserve((std::string_view(parts).size() + ... + 0));
    (out.append(std::string_view(parts)), ...);
    return out;
}

} // namespace gb::gateway
