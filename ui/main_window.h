#pragma once

#include "app/run_controller.h"
#include "app/scenario.h"

#include <QMainWindow>

#include <memory>

class QAction;
class QLabel;
class QSettings;
class QSplitter;
class QTabWidget;
class QTimer;

namespace gb::ui {

class CompareView;
class HostsPage;
class RunDashboard;
class RunHistoryModel;
class ScenarioEditor;
class ScenarioListModel;
class SshPrompts;
class StudyPage;
class WorkspaceSidebar;

/// GateBench's window: the workspace sidebar beside five pages (scenario editor, run
/// dashboard, compare view, study, hosts), menus, toolbar, shortcuts and status bar. It is the one
/// place that wires the pages, the models and the RunController together: pages emit intents, this
/// class acts on them. Remembers its geometry, splitters and the scenario last open.
///
/// GUI thread only. A run, file reading and the availability check happen off the GUI thread.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    struct Options
    {
        QString runsDirectory; ///< empty: RunStore::defaultDirectory()
        QString binDirectory;  ///< empty: app::defaultBinDirectory()
        QString settingsFile;  ///< empty: the user's settings; tests use a temporary file
    };

    enum class Page
    {
        Scenario,
        Run,
        Compare,
        Study,
        Hosts,
    };

    explicit MainWindow(const Options& options, QWidget* parent = nullptr);
    MainWindow()
        : MainWindow(Options{})
    {}
    ~MainWindow() override;

    void showPage(Page page);
    /// Opens a scenario by source: "builtin:NAME" or a file path. False (with a message) when
    /// it cannot be read or the user kept unsaved changes.
    bool openScenario(const QString& source);
    /// Start, as the toolbar's button: validates, then runs the edited scenario.
    void startRun();
    void stopRun();
    /// Compares these runs on the compare page.
    void compareRuns(const QStringList& ids);

    ScenarioEditor* editor() const { return m_editor; }
    RunDashboard* dashboard() const { return m_dashboard; }
    CompareView* compareView() const { return m_compare; }
    StudyPage* studyPage() const { return m_study; }
    HostsPage* hostsPage() const { return m_hosts; }
    WorkspaceSidebar* sidebar() const { return m_sidebar; }
    RunHistoryModel* historyModel() const { return m_history; }
    app::RunController* controller() const { return m_controller; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    /// How long a status bar message stays.
    static constexpr int kStatusMs = 6000;

    // main_window_actions.cpp
    void createActions();
    void createMenus();
    void wire();

    // main_window.cpp
    void restoreSettings();
    void saveSettings();
    void about();

    // main_window_scenarios.cpp
    bool maybeKeepChanges();
    void newScenario();
    void openScenarioFile();
    bool save();
    bool saveAs();
    void loadScenario(const app::Scenario& scenario, const QString& source);
    void updateTitle();
    void rememberUserFiles();

    // main_window_runs.cpp
    void checkAvailability();
    /// For a scenario on hosts: gives the controller the Hosts page's hosts; else the sentence
    /// why it cannot run there (no hosts, or hosts with problems).
    QString prepareHosts(const app::Scenario& scenario);
    void openStoredRun(const QString& id);
    void deleteSelectedRuns();
    void exportSelectedRun(const QString& format);
    /// Asks where to write `run` as a PDF and writes it. Takes a copy: the dashboard may show
    /// another run by the time the file dialog closes.
    void exportRunPdf(app::RunRecord run);
    /// Asks where to export run `id` as `format` ("json", "csv" or "pdf"); empty when cancelled.
    QString askRunExportPath(const QString& id, const QString& format);
    /// Writes `run` as a PDF at `path` (on the GUI thread: it draws charts) and reports how it
    /// went.
    void writeRunPdf(const app::RunRecord& run, const QString& path);
    void exportComparisonPdf();
    void exportComparisonJson();
    void updateRunActions();

    Options m_options;
    std::unique_ptr<QSettings> m_settings;
    app::RunController* m_controller;
    ScenarioListModel* m_scenarios;
    RunHistoryModel* m_history;
    ScenarioEditor* m_editor;
    RunDashboard* m_dashboard;
    CompareView* m_compare;
    StudyPage* m_study;
    SshPrompts* m_prompts;
    HostsPage* m_hosts;
    WorkspaceSidebar* m_sidebar;
    QTabWidget* m_pages;
    QSplitter* m_splitter;
    QLabel* m_phase;
    QTimer* m_availabilityTimer;
    quint64 m_availabilityGeneration = 0;

    QString m_source; ///< "builtin:NAME", a file path, or empty for a new scenario
    QString m_lastDirectory;

    QAction* m_newAction = nullptr;
    QAction* m_openAction = nullptr;
    QAction* m_saveAction = nullptr;
    QAction* m_saveAsAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_undoAction = nullptr;
    QAction* m_redoAction = nullptr;
    QAction* m_scenarioPageAction = nullptr;
    QAction* m_runPageAction = nullptr;
    QAction* m_comparePageAction = nullptr;
    QAction* m_studyPageAction = nullptr;
    QAction* m_hostsPageAction = nullptr;
    QAction* m_startAction = nullptr;
    QAction* m_stopAction = nullptr;
    QAction* m_openRunAction = nullptr;
    QAction* m_renameRunAction = nullptr;
    QAction* m_tagRunAction = nullptr;
    QAction* m_deleteRunAction = nullptr;
    QAction* m_exportRunJsonAction = nullptr;
    QAction* m_exportRunCsvAction = nullptr;
    QAction* m_exportRunPdfAction = nullptr;
    QAction* m_compareRunsAction = nullptr;
    QAction* m_reloadRunsAction = nullptr;
    QAction* m_exportComparisonPdfAction = nullptr;
    QAction* m_exportComparisonJsonAction = nullptr;
    QAction* m_forgetScenarioAction = nullptr;
    QAction* m_aboutAction = nullptr;
    QAction* m_aboutQtAction = nullptr;
};

/// Style, palette and icon the window is designed for (Fusion looks the same everywhere).
void initializeApplication();

} // namespace gb::ui
