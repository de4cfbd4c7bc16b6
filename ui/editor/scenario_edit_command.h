// The scenario editor's undo step: one edit of the scenario, with keystrokes in one field merged.
#pragma once

#include "app/scenario.h"

#include <QDateTime>
#include <QUndoCommand>

namespace gb::ui {

class ScenarioEditor;

/// One undoable change of the scenario: the values before and after. Pushed after the form
/// already shows the new value, so its first redo() does nothing. Consecutive edits of one field
/// closer together than a moment merge into one step. GUI thread only.
class ScenarioEditCommand final : public QUndoCommand
{
public:
    ScenarioEditCommand(ScenarioEditor* editor, app::Scenario before, app::Scenario after,
                        QString field);

    int id() const override { return 1; }
    bool mergeWith(const QUndoCommand* other) override;
    void redo() override;
    void undo() override;

private:
    ScenarioEditor* m_editor;
    app::Scenario m_before;
    app::Scenario m_after;
    QString m_field;
    QDateTime m_last;
    bool m_applied = true;
};

} // namespace gb::ui
