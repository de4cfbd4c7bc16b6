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

/// Something the reader must look at before trusting a figure: an unstable group, a failed stage,
/// a threshold that does not hold (Material orange 50 behind, orange 900 for the text).
inline constexpr QLatin1StringView kAttentionBackground("#fff3e0");
inline constexpr QLatin1StringView kAttentionText("#e65100");

/// A badge: a warning sentence on its coloured band.
inline QString attentionBadgeStyle()
{
    return QStringLiteral("QLabel { background: %1; color: %2; border-left: 3px solid %2; "
                          "padding: 4px 8px; }")
        .arg(kAttentionBackground, kAttentionText);
}

} // namespace gb::ui
