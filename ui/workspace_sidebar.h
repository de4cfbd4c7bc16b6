#pragma once

#include <QWidget>

class QAction;
class QLineEdit;
class QListView;
class QSplitter;
class QTreeView;

namespace gb::ui {

class RunHistoryModel;
class RunHistoryProxy;
class ScenarioListModel;

/// The workspace on the left of the window: the scenarios (built-ins and the user's files) and
/// the run history with a filter. It only emits intents (open this scenario, open this run);
/// the run actions (rename, tag, delete, export, compare) are the window's QActions, shown in
/// its context menu. GUI thread only.
class WorkspaceSidebar final : public QWidget
{
    Q_OBJECT

public:
    WorkspaceSidebar(ScenarioListModel* scenarios, RunHistoryModel* runs,
                     QWidget* parent = nullptr);

    /// Run actions for the history's context menu (a nullptr adds a separator).
    void setRunActions(const QList<QAction*>& actions);
    /// Actions for the scenario list's context menu.
    void setScenarioActions(const QList<QAction*>& actions);

    /// Selected runs, in the order shown.
    QStringList selectedRunIds() const;
    QString currentScenarioSource() const;
    /// Highlights the scenario being edited (without emitting scenarioActivated).
    void selectScenario(const QString& source);
    /// Starts in-place editing of the current run's name or tags.
    void editCurrentRunName();
    void editCurrentRunTags();

    QTreeView* runView() const { return m_runs; }
    QListView* scenarioView() const { return m_scenarios; }

    /// Wide enough to show the run list's visible columns (up to Status) whole.
    int preferredWidth() const;
    QByteArray saveState() const;
    void restoreState(const QByteArray& state);

Q_SIGNALS:
    void scenarioActivated(const QString& source);
    void runActivated(const QString& runId);
    void runSelectionChanged();

private:
    void editCurrentRun(int column);

    QListView* m_scenarios;
    QLineEdit* m_filter;
    QTreeView* m_runs;
    RunHistoryProxy* m_proxy;
    QSplitter* m_splitter;
};

} // namespace gb::ui
