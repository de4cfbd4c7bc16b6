#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gb::gateway {

/// 1-based line and column of a byte offset in a text. Columns count UTF-8 characters, as editors
/// do, not bytes.
struct TextPosition
{
    std::size_t line = 1;
    std::size_t column = 1;
};

/// Offsets past the end are clamped to the end of the text.
TextPosition textPositionAt(std::string_view text, std::size_t offset) noexcept;

/// A configuration file (or a part of the command line) cannot be used. what() is a user-facing
/// sentence; for files it starts with "file:line:column: " so editors can jump to it.
class ConfigError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

class JsonObjectReader;

/// One parsed JSON file that keeps its text, so that any value can be reported by line:column
/// (nlohmann 3.11 keeps no positions in its DOM). Member order is kept as written, so a dump of
/// an object gives back what the user wrote.
///
/// Owned by the loader for the duration of one file; readers borrow it and must not outlive it.
/// Not shared between threads.
class JsonDocument
{
public:
    /// Throws ConfigError naming fileLabel and the position of the first syntax error; an empty
    /// file is an error too.
    JsonDocument(std::string text, std::string fileLabel);
    ~JsonDocument();
    JsonDocument(const JsonDocument&) = delete;
    JsonDocument& operator=(const JsonDocument&) = delete;

    /// Throws ConfigError unless the top-level value is an object.
    JsonObjectReader root() const;

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

/// Typed, position-aware access to one JSON object, with Go's encoding/json rules since that is
/// what Tyk users' files were written against: a null or absent member leaves the default, a
/// member of the wrong type is an error (no "8080" for a number, no 1.5 for an integer).
/// Every accessor throws ConfigError with the member's line:column.
class JsonObjectReader
{
public:
    using PathStep = std::variant<std::string, std::size_t>;

    /// Present and not null.
    bool has(std::string_view key) const;
    std::optional<std::string> string(std::string_view key) const;
    std::optional<bool> boolean(std::string_view key) const;
    /// Integral JSON numbers only; out of [min, max] is an error.
    std::optional<std::int64_t> integer(std::string_view key, std::int64_t min,
                                        std::int64_t max) const;
    /// Any finite JSON number.
    std::optional<double> number(std::string_view key) const;
    std::optional<JsonObjectReader> object(std::string_view key) const;
    std::optional<std::vector<std::string>> stringArray(std::string_view key) const;
    /// Member names in file order.
    std::vector<std::string> keys() const;
    /// The object as compact JSON, members in file order.
    std::string dump() const;

    /// Dotted name of a member for messages, e.g. "proxy.listen_path".
    std::string nameOf(std::string_view key) const;
    /// Throws ConfigError positioned at the member's value (at this object when it is absent).
    [[noreturn]] void fail(std::string_view key, std::string_view message) const;
    /// Throws ConfigError positioned at this object.
    [[noreturn]] void failHere(std::string_view message) const;

private:
    friend class JsonDocument;
    JsonObjectReader(const JsonDocument::Impl* doc, const void* node, std::vector<PathStep> path);

    const void* member(std::string_view key) const;
    [[noreturn]] void failAt(const std::vector<PathStep>& path, std::string_view message) const;

    const JsonDocument::Impl* m_doc;
    // The nlohmann::ordered_json node, type-erased so this header stays free of nlohmann.
    const void* m_node;
    std::vector<PathStep> m_path;
};

} // namespace gb::gateway
