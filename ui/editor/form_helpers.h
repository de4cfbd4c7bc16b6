// Small widget helpers shared by the scenario editor's form sections (private to ui/editor/).
#pragma once

#include <QLabel>

namespace gb::ui {

/// A grey, word-wrapped line explaining a setting.
inline QLabel* noteLabel(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: #616161;"));
    return label;
}

} // namespace gb::ui
