// Colours that carry a meaning, named once so the meaning reads the same everywhere in the window.
#pragma once

#include <QLatin1StringView>
#include <QString>

namespace gb::ui {

/// Errors and alerts: messages under the editor's fields, a tile past its threshold, a scenario
/// that cannot be read (Material red 800). QColor::fromString(kErrorColor) where a QColor is due.
inline constexpr QLatin1StringView kErrorColor("#c62828");

/// A label's style sheet that writes its text in kErrorColor.
inline QString errorTextStyle()
{
    return QStringLiteral("color: %1;").arg(kErrorColor);
}

} // namespace gb::ui
