#include "gateway/config/json_reader.h"

#include "gateway/config/concat.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace gb::gateway {

using Json = nlohmann::ordered_json;

struct JsonDocument::Impl
{
    std::string text;
    std::string fileLabel;
    Json value;
};

namespace {

// ---- locating a value in the (already validated) text --------------------------------------
// nlohmann 3.11 drops positions once the DOM is built, so a wrong-typed member is found again by
// walking the text along its path. The text is known to be valid JSON, which keeps this small.

std::size_t skipSpace(std::string_view t, std::size_t i)
{
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
        ++i;
    return i;
}

// i is at the opening quote; returns the index just past the closing quote.
std::size_t skipString(std::string_view t, std::size_t i)
{
    for (++i; i < t.size(); ++i) {
        if (t[i] == '\\')
            ++i;
        else if (t[i] == '"')
            return i + 1;
    }
    return t.size();
}

std::size_t skipValue(std::string_view t, std::size_t i)
{
    if (i >= t.size())
        return i;
    if (t[i] == '"')
        return skipString(t, i);
    if (t[i] == '{' || t[i] == '[') {
        int depth = 0;
        while (i < t.size()) {
            const char c = t[i];
            if (c == '"') {
                i = skipString(t, i);
                continue;
            }
            if (c == '{' || c == '[')
                ++depth;
            else if ((c == '}' || c == ']') && --depth == 0)
                return i + 1;
            ++i;
        }
        return i;
    }
    while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']' && t[i] != ' ' &&
           t[i] != '\t' && t[i] != '\n' && t[i] != '\r')
        ++i;
    return i;
}

std::string decodeKey(std::string_view token)
{
    if (token.find('\\') == std::string_view::npos)
        return std::string(token.substr(1, token.size() - 2));
    try {
        return Json::parse(token).get<std::string>();
    } catch (const Json::exception&) {
        return {};
    }
}

// Offset of the value at path; the last of duplicate members wins, as in the parsed DOM.
std::size_t locate(std::string_view t, const std::vector<JsonObjectReader::PathStep>& path)
{
    std::size_t pos = skipSpace(t, 0);
    if (pos + 3 <= t.size() && t.substr(pos, 3) == "\xEF\xBB\xBF")
        pos = skipSpace(t, pos + 3);
    for (const auto& step : path) {
        const bool wantKey = std::holds_alternative<std::string>(step);
        if (pos >= t.size() || t[pos] != (wantKey ? '{' : '['))
            return pos;
        std::optional<std::size_t> found;
        std::size_t index = 0;
        pos = skipSpace(t, pos + 1);
        while (pos < t.size() && t[pos] != '}' && t[pos] != ']') {
            if (wantKey) {
                const std::size_t keyEnd = skipString(t, pos);
                const std::string key = decodeKey(t.substr(pos, keyEnd - pos));
                pos = skipSpace(t, keyEnd);
                pos = skipSpace(t, pos + 1); // ':'
                if (key == std::get<std::string>(step))
                    found = pos;
            } else if (index++ == std::get<std::size_t>(step)) {
                found = pos;
                break;
            }
            pos = skipSpace(t, skipValue(t, pos));
            if (pos < t.size() && t[pos] == ',')
                pos = skipSpace(t, pos + 1);
        }
        if (!found)
            return pos;
        pos = *found;
    }
    return pos;
}

std::string positioned(const JsonDocument::Impl& doc, std::size_t offset, std::string_view message)
{
    const TextPosition p = textPositionAt(doc.text, offset);
    return concat(doc.fileLabel, ":", std::to_string(p.line), ":", std::to_string(p.column), ": ",
                  message);
}

const char* describeType(const Json& v)
{
    switch (v.type()) {
    case Json::value_t::string:
        return "a string";
    case Json::value_t::boolean:
        return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
        return "a number";
    case Json::value_t::object:
        return "an object";
    case Json::value_t::array:
        return "an array";
    default:
        return "null";
    }
}

// "syntax error while parsing object - unexpected end of input; expected '}'" is the useful part
// of nlohmann's message; its "[json.exception.parse_error.101] parse error at line..." prefix
// repeats what the position already says.
std::string syntaxDetail(const std::string& what)
{
    const auto at = what.find("syntax error");
    std::string detail = at == std::string::npos ? what : what.substr(at);
    if (const auto last = detail.find("; last read:"); last != std::string::npos)
        detail.erase(last);
    return detail;
}

} // namespace

TextPosition textPositionAt(std::string_view text, std::size_t offset) noexcept
{
    offset = std::min(offset, text.size());
    TextPosition p;
    for (std::size_t i = 0; i < offset; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++p.line;
            p.column = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++p.column;
        }
    }
    return p;
}

JsonDocument::JsonDocument(std::string text, std::string fileLabel)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->text = std::move(text);
    m_impl->fileLabel = std::move(fileLabel);
    if (m_impl->text.find_first_not_of(" \t\r\n") == std::string::npos)
        throw ConfigError(positioned(*m_impl, 0, "the file is empty; a JSON object was expected."));
    try {
        m_impl->value = Json::parse(m_impl->text);
    } catch (const Json::parse_error& e) {
        // e.byte counts the characters read, including the offending one (or the end of input).
        const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
        throw ConfigError(
            positioned(*m_impl, offset, concat("not valid JSON: ", syntaxDetail(e.what()), ".")));
    }
}

JsonDocument::~JsonDocument() = default;

JsonObjectReader JsonDocument::root() const
{
    JsonObjectReader reader(m_impl.get(), &m_impl->value, {});
    if (!m_impl->value.is_object())
        reader.failHere(concat("the file must contain a JSON object, but it holds ",
                               describeType(m_impl->value), "."));
    return reader;
}

JsonObjectReader::JsonObjectReader(const JsonDocument::Impl* doc, const void* node,
                                   std::vector<PathStep> path)
    : m_doc(doc)
    , m_node(node)
    , m_path(std::move(path))
{}

const void* JsonObjectReader::member(std::string_view key) const
{
    const Json& obj = *static_cast<const Json*>(m_node);
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null())
        return nullptr;
    return &*it;
}

std::string JsonObjectReader::nameOf(std::string_view key) const
{
    std::string name;
    for (const auto& step : m_path) {
        if (const auto* k = std::get_if<std::string>(&step)) {
            if (!name.empty())
                name += '.';
            name += *k;
        } else {
            name += '[' + std::to_string(std::get<std::size_t>(step)) + ']';
        }
    }
    if (!key.empty()) {
        if (!name.empty())
            name += '.';
        name += key;
    }
    return name;
}

void JsonObjectReader::failAt(const std::vector<PathStep>& path, std::string_view message) const
{
    throw ConfigError(positioned(*m_doc, locate(m_doc->text, path), message));
}

void JsonObjectReader::fail(std::string_view key, std::string_view message) const
{
    if (member(key) == nullptr)
        failHere(message);
    auto path = m_path;
    path.emplace_back(std::string(key));
    failAt(path, message);
}

void JsonObjectReader::failHere(std::string_view message) const
{
    failAt(m_path, message);
}

bool JsonObjectReader::has(std::string_view key) const
{
    return member(key) != nullptr;
}

std::optional<std::string> JsonObjectReader::string(std::string_view key) const
{
    const auto* v = static_cast<const Json*>(member(key));
    if (v == nullptr)
        return std::nullopt;
    if (!v->is_string())
        fail(key,
             concat("\"", nameOf(key), "\" must be a string, but it is ", describeType(*v), "."));
    return v->get<std::string>();
}

std::optional<bool> JsonObjectReader::boolean(std::string_view key) const
{
    const auto* v = static_cast<const Json*>(member(key));
    if (v == nullptr)
        return std::nullopt;
    if (!v->is_boolean())
        fail(key, concat("\"", nameOf(key), "\" must be true or false, but it is ",
                         describeType(*v), "."));
    return v->get<bool>();
}

std::optional<std::int64_t> JsonObjectReader::integer(std::string_view key, std::int64_t min,
                                                      std::int64_t max) const
{
    const auto* v = static_cast<const Json*>(member(key));
    if (v == nullptr)
        return std::nullopt;
    const std::string range =
        concat(" between ", std::to_string(min), " and ", std::to_string(max));
    if (!v->is_number_integer())
        fail(key, concat("\"", nameOf(key), "\" must be a whole number", range, ", but it is ",
                         v->is_number() ? "a fraction" : describeType(*v), "."));
    std::int64_t value = 0;
    bool inRange = true;
    if (v->is_number_unsigned()) {
        const auto u = v->get<std::uint64_t>();
        inRange = u <= static_cast<std::uint64_t>(max);
        value = inRange ? static_cast<std::int64_t>(u) : max;
    } else {
        value = v->get<std::int64_t>();
    }
    if (!inRange || value < min || value > max)
        fail(key, concat("\"", nameOf(key), "\" must be", range, ", but it is ", v->dump(), "."));
    return value;
}

std::optional<double> JsonObjectReader::number(std::string_view key) const
{
    const auto* v = static_cast<const Json*>(member(key));
    if (v == nullptr)
        return std::nullopt;
    if (!v->is_number())
        fail(key,
             concat("\"", nameOf(key), "\" must be a number, but it is ", describeType(*v), "."));
    const double d = v->get<double>();
    if (!std::isfinite(d))
        fail(key, concat("\"", nameOf(key), "\" is too large."));
    return d;
}

std::optional<JsonObjectReader> JsonObjectReader::object(std::string_view key) const
{
    const auto* v = static_cast<const Json*>(member(key));
    if (v == nullptr)
        return std::nullopt;
    if (!v->is_object())
        fail(key,
             concat("\"", nameOf(key), "\" must be an object, but it is ", describeType(*v), "."));
    auto path = m_path;
    path.emplace_back(std::string(key));
    return JsonObjectReader(m_doc, v, std::move(path));
}

std::optional<std::vector<std::string>> JsonObjectReader::stringArray(std::string_view key) const
{
    const auto* v = static_cast<const Json*>(member(key));
    if (v == nullptr)
        return std::nullopt;
    if (!v->is_array())
        fail(key, concat("\"", nameOf(key), "\" must be an array of strings, but it is ",
                         describeType(*v), "."));
    std::vector<std::string> out;
    out.reserve(v->size());
    for (std::size_t i = 0; i < v->size(); ++i) {
        const Json& item = (*v)[i];
        if (!item.is_string()) {
            auto path = m_path;
            path.emplace_back(std::string(key));
            path.emplace_back(i);
            failAt(path, concat("\"", nameOf(key), "[", std::to_string(i),
                                "]\" must be a string, but it is ", describeType(item), "."));
        }
        out.push_back(item.get<std::string>());
    }
    return out;
}

std::vector<std::string> JsonObjectReader::keys() const
{
    std::vector<std::string> out;
    for (const auto& item : static_cast<const Json*>(m_node)->items())
        out.push_back(item.key());
    return out;
}

std::string JsonObjectReader::dump() const
{
    return static_cast<const Json*>(m_node)->dump();
}

} // namespace gb::gateway
