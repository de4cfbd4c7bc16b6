// Small widget helpers shared by the scenario editor's form sections (private to ui/editor/).
#pragma once

#include "ui/colors.h"

#include <QLabel>

#include <functional>

class QHBoxLayout;
class QTableView;

namespace gb::ui {

/// A grey, word-wrapped line explaining a setting.
inline QLabel* noteLabel(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setStyleSheet(secondaryTextStyle());
    return label;
}

/// What an editable table does with the row its Add button appended.
enum class NewRow
{
    Select, ///< makes it current
    Edit,   ///< makes it current and opens its first cell's editor
};

/// The row of buttons under an editable table: `addText` appends a row through `appendRow`
/// (which returns the new row's number) and treats it as `newRow` says; "Remove", enabled while
/// a row is selected, removes the first selected row from the view's model. The buttons are
/// children of `parent`; the caller places the returned layout.
QHBoxLayout* tableRowButtons(QTableView* view, const QString& addText,
                             std::function<int()> appendRow, NewRow newRow, QWidget* parent);

} // namespace gb::ui
