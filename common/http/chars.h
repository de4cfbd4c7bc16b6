#pragma once

// Character classes of RFC 9110/9112 as lookup tables, and the small text helpers HTTP needs:
// the request parser tests every byte of every request (and the load engine's response parser
// every header name), so one indexed load beats a chain of comparisons.

#include <array>
#include <cstdint>
#include <string_view>

namespace gb::http::chars {

namespace detail {

constexpr std::array<bool, 256> makeTchar()
{
    std::array<bool, 256> t{};
    for (int c = '0'; c <= '9'; ++c)
        t[c] = true;
    for (int c = 'a'; c <= 'z'; ++c)
        t[c] = true;
    for (int c = 'A'; c <= 'Z'; ++c)
        t[c] = true;
    for (char c : {'!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~'})
        t[static_cast<unsigned char>(c)] = true;
    return t;
}

// field-vchar = VCHAR / obs-text, plus SP and HTAB inside a value.
constexpr std::array<bool, 256> makeFieldValue()
{
    std::array<bool, 256> t{};
    for (int c = 0x21; c <= 0x7e; ++c)
        t[c] = true;
    for (int c = 0x80; c <= 0xff; ++c)
        t[c] = true;
    t[' '] = true;
    t['\t'] = true;
    return t;
}

// What may appear in a request-target: visible ASCII; '#' (fragment) is never sent by a client.
constexpr std::array<bool, 256> makeTarget()
{
    std::array<bool, 256> t{};
    for (int c = 0x21; c <= 0x7e; ++c)
        t[c] = true;
    t['#'] = false;
    return t;
}

// Host = uri-host [ ":" port ]: unreserved / pct-encoded / sub-delims / ":" / "[" / "]".
constexpr std::array<bool, 256> makeHost()
{
    std::array<bool, 256> t{};
    for (int c = '0'; c <= '9'; ++c)
        t[c] = true;
    for (int c = 'a'; c <= 'z'; ++c)
        t[c] = true;
    for (int c = 'A'; c <= 'Z'; ++c)
        t[c] = true;
    for (char c : {'-', '.', '_', '~', '%', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=',
                   ':', '[', ']'})
        t[static_cast<unsigned char>(c)] = true;
    return t;
}

constexpr std::array<std::int8_t, 256> makeHex()
{
    std::array<std::int8_t, 256> t{};
    for (auto& v : t)
        v = -1;
    for (int c = '0'; c <= '9'; ++c)
        t[c] = static_cast<std::int8_t>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c)
        t[c] = static_cast<std::int8_t>(c - 'a' + 10);
    for (int c = 'A'; c <= 'F'; ++c)
        t[c] = static_cast<std::int8_t>(c - 'A' + 10);
    return t;
}

inline constexpr auto kTchar = makeTchar();
inline constexpr auto kFieldValue = makeFieldValue();
inline constexpr auto kTarget = makeTarget();
inline constexpr auto kHost = makeHost();
inline constexpr auto kHex = makeHex();

} // namespace detail

inline bool isTchar(char c)
{
    return detail::kTchar[static_cast<unsigned char>(c)];
}
inline bool isFieldValue(char c)
{
    return detail::kFieldValue[static_cast<unsigned char>(c)];
}
inline bool isTarget(char c)
{
    return detail::kTarget[static_cast<unsigned char>(c)];
}
inline bool isHost(char c)
{
    return detail::kHost[static_cast<unsigned char>(c)];
}
inline int hexValue(char c)
{
    return detail::kHex[static_cast<unsigned char>(c)];
}
inline bool isOws(char c)
{
    return c == ' ' || c == '\t';
}
inline char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}
/// The value without the optional whitespace (SP, HTAB) around it.
inline std::string_view trimOws(std::string_view s)
{
    while (!s.empty() && isOws(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isOws(s.back()))
        s.remove_suffix(1);
    return s;
}

} // namespace gb::http::chars

namespace gb::http {

/// ASCII case-insensitive equality (header names, tokens).
inline bool iequals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (chars::lower(a[i]) != chars::lower(b[i]))
            return false;
    return true;
}

} // namespace gb::http
