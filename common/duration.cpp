#include "common/duration.h"

#include <cmath>
#include <cstdint>

namespace gb {

namespace {

struct Unit
{
    std::string_view name;
    double nanoseconds;
};

// Longest names first so "ms" is not read as "m" followed by junk.
constexpr Unit kUnits[] = {
    {"ns", 1.0}, {"us", 1e3}, {"\xC2\xB5s", 1e3}, {"\xCE\xBCs", 1e3},
    {"ms", 1e6}, {"s", 1e9},  {"m", 60e9},        {"h", 3600e9},
};

} // namespace

std::optional<std::chrono::nanoseconds> parseDuration(std::string_view text)
{
    if (text == "0")
        return std::chrono::nanoseconds{0};
    if (text.empty() || text.front() == '-')
        return std::nullopt;
    if (text.front() == '+')
        text.remove_prefix(1);
    double total = 0;
    bool any = false;
    while (!text.empty()) {
        std::size_t i = 0;
        bool digits = false, dot = false;
        while (i < text.size() &&
               ((text[i] >= '0' && text[i] <= '9') || (text[i] == '.' && !dot))) {
            digits |= text[i] != '.';
            dot |= text[i] == '.';
            ++i;
        }
        if (!digits)
            return std::nullopt;
        const double value = std::stod(std::string(text.substr(0, i)));
        text.remove_prefix(i);
        const Unit* unit = nullptr;
        for (const Unit& u : kUnits) {
            if (text.substr(0, u.name.size()) == u.name &&
                (unit == nullptr || u.name.size() > unit->name.size()))
                unit = &u;
        }
        if (unit == nullptr)
            return std::nullopt;
        text.remove_prefix(unit->name.size());
        total += value * unit->nanoseconds;
        any = true;
    }
    if (!any || !std::isfinite(total) || total > 9.2e18)
        return std::nullopt;
    return std::chrono::nanoseconds{static_cast<std::int64_t>(std::llround(total))};
}

std::string formatDuration(std::chrono::nanoseconds d)
{
    const std::int64_t ns = d.count();
    auto trim = [](double v, const char* unit) {
        std::string s = std::to_string(v);
        s.erase(s.find_last_not_of('0') + 1);
        if (!s.empty() && s.back() == '.')
            s.pop_back();
        return s + unit;
    };
    if (ns == 0)
        return "0s";
    if (ns < 1000)
        return std::to_string(ns) + "ns";
    if (ns < 1000000)
        return trim(ns / 1e3, "µs");
    if (ns < 1000000000)
        return trim(ns / 1e6, "ms");
    std::string out;
    std::int64_t rest = ns;
    if (rest >= 3600'000'000'000) {
        out += std::to_string(rest / 3600'000'000'000) + "h";
        rest %= 3600'000'000'000;
    }
    if (!out.empty() || rest >= 60'000'000'000) {
        out += std::to_string(rest / 60'000'000'000) + "m";
        rest %= 60'000'000'000;
    }
    return out + trim(rest / 1e9, "s");
}

} // namespace gb
