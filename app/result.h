#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace gb::app {

/// A value or one sentence saying why there is none (std::expected is C++23). Loading a file,
/// parsing a scenario and similar fallible steps return it; the sentence is ready to show a user.
/// [[nodiscard]]: a caller that drops one drops the error with it (an error in the dev build).
template <class T>
class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_value(std::move(value))
    {}
    static Result failure(QString error)
    {
        Result r;
        r.m_error = std::move(error);
        return r;
    }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T& value() const& { return *m_value; }
    T& value() & { return *m_value; }
    T&& value() && { return std::move(*m_value); }
    const T* operator->() const { return &*m_value; }
    T* operator->() { return &*m_value; }
    const QString& error() const { return m_error; }

private:
    Result() = default;
    std::optional<T> m_value;
    QString m_error;
};

} // namespace gb::app
