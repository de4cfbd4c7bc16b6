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

/// Secondary text: captions, hints, a run's phase (Material grey 700).
inline constexpr QLatin1StringView kSecondaryTextColor("#616161");
/// What stands in for content not there yet: an empty chart or comparison (Material grey 600).
inline constexpr QLatin1StringView kPlaceholderTextColor("#757575");

inline QString secondaryTextStyle()
{
    return QStringLiteral("color: %1;").arg(kSecondaryTextColor);
}

inline QString placeholderTextStyle()
{
    return QStringLiteral("color: %1;").arg(kPlaceholderTextColor);
}

} // namespace gb::ui
