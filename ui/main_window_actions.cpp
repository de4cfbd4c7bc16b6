// The main window's actions, menus and toolbar, and the wiring of pages, models and controller.
#include "ui/compare/compare_view.h"
#include "ui/dashboard/run_dashboard.h"
#include "ui/editor/scenario_editor.h"
#include "ui/hosts/hosts_page.h"
#include "ui/main_window.h"
#include "ui/models/run_history_model.h"
#include "ui/models/scenario_list_model.h"
#include "ui/study/study_page.h"
#include "ui/workspace_sidebar.h"

#include <QAction>
#include <QApplication>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>

namespace gb::ui {

namespace {

QAction* makeAction(QObject* parent, const QString& text, const QKeySequence& shortcut = {},
                    const QIcon& icon = {})
{
    auto* action = new QAction(icon, text, parent);
    if (!shortcut.isEmpty())
        action->setShortcut(shortcut);
    return action;
}

} // namespace

void MainWindow::createActions()
{
    QStyle* s = style();
    m_newAction = makeAction(this, QStringLiteral("&New Scenario"), QKeySequence::New,
                             s->standardIcon(QStyle::SP_FileIcon));
    m_openAction = makeAction(this, QStringLiteral("&Open Scenario…"), QKeySequence::Open,
                              s->standardIcon(QStyle::SP_DialogOpenButton));
    m_saveAction = makeAction(this, QStringLiteral("&Save Scenario"), QKeySequence::Save,
                              s->standardIcon(QStyle::SP_DialogSaveButton));
    m_saveAsAction = makeAction(this, QStringLiteral("Save Scenario &As…"), QKeySequence::SaveAs);
    m_quitAction = makeAction(this, QStringLiteral("&Quit"), QKeySequence::Quit);
    m_quitAction->setMenuRole(QAction::QuitRole);

    m_undoAction = m_editor->undoStack()->createUndoAction(this, QStringLiteral("&Undo"));
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_undoAction->setIcon(s->standardIcon(QStyle::SP_ArrowBack));
    m_redoAction = m_editor->undoStack()->createRedoAction(this, QStringLiteral("&Redo"));
    m_redoAction->setShortcuts({QKeySequence::Redo, QKeySequence(Qt::CTRL | Qt::Key_Y)});
    m_redoAction->setIcon(s->standardIcon(QStyle::SP_ArrowForward));

    m_scenarioPageAction =
        makeAction(this, QStringLiteral("&Scenario"), QKeySequence(Qt::CTRL | Qt::Key_1));
    m_runPageAction = makeAction(this, QStringLiteral("&Run"), QKeySequence(Qt::CTRL | Qt::Key_2));
    m_comparePageAction =
        makeAction(this, QStringLiteral("&Compare"), QKeySequence(Qt::CTRL | Qt::Key_3));
    m_studyPageAction =
        makeAction(this, QStringLiteral("S&tudy"), QKeySequence(Qt::CTRL | Qt::Key_4));
    m_hostsPageAction =
        makeAction(this, QStringLiteral("&Hosts"), QKeySequence(Qt::CTRL | Qt::Key_5));

    m_startAction = makeAction(this, QStringLiteral("&Start"), QKeySequence(Qt::Key_F5),
                               s->standardIcon(QStyle::SP_MediaPlay));
    m_startAction->setToolTip(QStringLiteral("Run the scenario being edited (F5)"));
    m_stopAction = makeAction(this, QStringLiteral("S&top"), QKeySequence(Qt::SHIFT | Qt::Key_F5),
                              s->standardIcon(QStyle::SP_MediaStop));
    m_stopAction->setToolTip(QStringLiteral("Stop the run and keep what was measured "
                                            "(Shift+F5)"));
    m_openRunAction = makeAction(this, QStringLiteral("&Open Run"));
    m_renameRunAction = makeAction(this, QStringLiteral("Re&name Run"), QKeySequence(Qt::Key_F2));
    m_tagRunAction = makeAction(this, QStringLiteral("Edit &Tags"));
    m_deleteRunAction = makeAction(this, QStringLiteral("&Delete Runs…"), QKeySequence::Delete,
                                   s->standardIcon(QStyle::SP_TrashIcon));
    m_exportRunJsonAction = makeAction(this, QStringLiteral("Export Run as &JSON…"));
    m_exportRunCsvAction = makeAction(this, QStringLiteral("Export Run as &CSV…"));
    m_exportRunPdfAction = makeAction(this, QStringLiteral("Export Run as &PDF…"));
    m_compareRunsAction = makeAction(this, QStringLiteral("&Compare Selected Runs"),
                                     QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C),
                                     s->standardIcon(QStyle::SP_FileDialogContentsView));
    m_reloadRunsAction =
        makeAction(this, QStringLiteral("&Reload History"), QKeySequence(Qt::CTRL | Qt::Key_R),
                   s->standardIcon(QStyle::SP_BrowserReload));
    m_exportComparisonPdfAction = makeAction(this, QStringLiteral("Export Comparison as &PDF…"),
                                             QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportComparisonJsonAction = makeAction(this, QStringLiteral("Export Comparison as JSON…"));
    m_forgetScenarioAction = makeAction(this, QStringLiteral("Remove from List"));
    m_aboutAction = makeAction(this, QStringLiteral("&About GateBench"));
    m_aboutAction->setMenuRole(QAction::AboutRole);
    m_aboutQtAction = makeAction(this, QStringLiteral("About &Qt"));
    m_aboutQtAction->setMenuRole(QAction::AboutQtRole);

    // Run actions act on the history's selection: only while the history has focus, so Delete
    // and F2 keep their meaning in the editor's fields.
    for (QAction* a : {m_renameRunAction, m_deleteRunAction})
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_sidebar->setRunActions({m_openRunAction, m_compareRunsAction, nullptr, m_renameRunAction,
                              m_tagRunAction, nullptr, m_exportRunJsonAction, m_exportRunCsvAction,
                              m_exportRunPdfAction, nullptr, m_deleteRunAction});
    m_sidebar->setScenarioActions({m_forgetScenarioAction});
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(QStringLiteral("&File"));
    file->addActions({m_newAction, m_openAction, m_saveAction, m_saveAsAction});
    file->addSeparator();
    file->addActions({m_exportComparisonPdfAction, m_exportComparisonJsonAction});
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu* edit = menuBar()->addMenu(QStringLiteral("&Edit"));
    edit->addActions({m_undoAction, m_redoAction});

    QMenu* view = menuBar()->addMenu(QStringLiteral("&View"));
    view->addActions({m_scenarioPageAction, m_runPageAction, m_comparePageAction, m_studyPageAction,
                      m_hostsPageAction});

    QMenu* run = menuBar()->addMenu(QStringLiteral("&Run"));
    run->addActions({m_startAction, m_stopAction});
    run->addSeparator();
    run->addActions({m_openRunAction, m_compareRunsAction, m_renameRunAction, m_tagRunAction,
                     m_exportRunJsonAction, m_exportRunCsvAction, m_exportRunPdfAction,
                     m_deleteRunAction});
    run->addSeparator();
    run->addAction(m_reloadRunsAction);

    QMenu* help = menuBar()->addMenu(QStringLiteral("&Help"));
    help->addActions({m_aboutAction, m_aboutQtAction});

    QToolBar* bar = addToolBar(QStringLiteral("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addActions({m_newAction, m_openAction, m_saveAction});
    bar->addSeparator();
    bar->addActions({m_undoAction, m_redoAction});
    bar->addSeparator();
    bar->addActions({m_startAction, m_stopAction});
    bar->addSeparator();
    bar->addAction(m_compareRunsAction);
}

void MainWindow::wire()
{
    connect(m_newAction, &QAction::triggered, this, &MainWindow::newScenario);
    connect(m_openAction, &QAction::triggered, this, &MainWindow::openScenarioFile);
    connect(m_saveAction, &QAction::triggered, this, &MainWindow::save);
    connect(m_saveAsAction, &QAction::triggered, this, &MainWindow::saveAs);
    connect(m_quitAction, &QAction::triggered, this, &MainWindow::close);
    connect(m_scenarioPageAction, &QAction::triggered, this, [this] { showPage(Page::Scenario); });
    connect(m_runPageAction, &QAction::triggered, this, [this] { showPage(Page::Run); });
    connect(m_comparePageAction, &QAction::triggered, this, [this] { showPage(Page::Compare); });
    connect(m_studyPageAction, &QAction::triggered, this, [this] { showPage(Page::Study); });
    connect(m_hostsPageAction, &QAction::triggered, this, [this] { showPage(Page::Hosts); });
    connect(m_startAction, &QAction::triggered, this, &MainWindow::startRun);
    connect(m_stopAction, &QAction::triggered, this, &MainWindow::stopRun);
    connect(m_openRunAction, &QAction::triggered, this, [this] {
        const QStringList ids = m_sidebar->selectedRunIds();
        if (ids.size() == 1)
            openStoredRun(ids.first());
    });
    connect(m_renameRunAction, &QAction::triggered, m_sidebar,
            &WorkspaceSidebar::editCurrentRunName);
    connect(m_tagRunAction, &QAction::triggered, m_sidebar, &WorkspaceSidebar::editCurrentRunTags);
    connect(m_deleteRunAction, &QAction::triggered, this, &MainWindow::deleteSelectedRuns);
    connect(m_exportRunJsonAction, &QAction::triggered, this,
            [this] { exportSelectedRun(QStringLiteral("json")); });
    connect(m_exportRunCsvAction, &QAction::triggered, this,
            [this] { exportSelectedRun(QStringLiteral("csv")); });
    connect(m_exportRunPdfAction, &QAction::triggered, this,
            [this] { exportSelectedRun(QStringLiteral("pdf")); });
    connect(m_compareRunsAction, &QAction::triggered, this,
            [this] { compareRuns(m_sidebar->selectedRunIds()); });
    connect(m_reloadRunsAction, &QAction::triggered, m_history, &RunHistoryModel::reload);
    connect(m_exportComparisonPdfAction, &QAction::triggered, this,
            &MainWindow::exportComparisonPdf);
    connect(m_exportComparisonJsonAction, &QAction::triggered, this,
            &MainWindow::exportComparisonJson);
    connect(m_forgetScenarioAction, &QAction::triggered, this, [this] {
        const QString source = m_sidebar->currentScenarioSource();
        if (source.isEmpty() || ScenarioListModel::isBuiltinSource(source))
            return;
        m_scenarios->removeUserFile(source);
        rememberUserFiles();
        m_sidebar->selectScenario(m_source);
    });
    connect(m_aboutAction, &QAction::triggered, this, &MainWindow::about);
    connect(m_aboutQtAction, &QAction::triggered, qApp, &QApplication::aboutQt);

    // Sidebar intents.
    connect(m_sidebar, &WorkspaceSidebar::scenarioActivated, this, &MainWindow::openScenario);
    connect(m_sidebar, &WorkspaceSidebar::runActivated, this, &MainWindow::openStoredRun);
    connect(m_sidebar, &WorkspaceSidebar::runSelectionChanged, this, &MainWindow::updateRunActions);
    connect(m_sidebar->scenarioView()->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this] {
                const QString source = m_sidebar->currentScenarioSource();
                m_forgetScenarioAction->setEnabled(!source.isEmpty() &&
                                                   !ScenarioListModel::isBuiltinSource(source));
            });

    // Editor.
    connect(m_editor, &ScenarioEditor::scenarioChanged, this, [this](const app::Scenario& s) {
        m_dashboard->setScenario(s);
        m_availabilityTimer->start();
        updateTitle();
    });
    connect(m_editor->undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
    connect(m_availabilityTimer, &QTimer::timeout, this, &MainWindow::checkAvailability);

    // Hosts page: the editor names hosts by role and previews where each server runs.
    connect(m_hosts, &HostsPage::hostsChanged, m_editor, &ScenarioEditor::setHosts);
    connect(m_hosts, &HostsPage::hostsChanged, this, [this](const app::HostsFile& hosts) {
        m_study->setHosts(hosts, m_hosts->sshOptions());
    });
    connect(m_hosts, &HostsPage::filePathChanged, this, [this](const QString& path) {
        m_settings->setValue(QStringLiteral("hosts/file"), path);
    });

    // Dashboard intents.
    connect(m_dashboard, &RunDashboard::startRequested, this, &MainWindow::startRun);
    connect(m_dashboard, &RunDashboard::stopRequested, this, &MainWindow::stopRun);
    connect(m_dashboard, &RunDashboard::exportPdfRequested, this, [this] {
        if (m_dashboard->shownRun())
            exportRunPdf(*m_dashboard->shownRun());
    });

    // Study page: its runs are stored like any other, so the history shows them as they come.
    connect(m_study, &StudyPage::runStored, m_history, &RunHistoryModel::reload);
    connect(m_study, &StudyPage::stateChanged, this, [this] { updateRunActions(); });

    // Compare page intents.
    connect(m_compare, &CompareView::exportPdfRequested, this, &MainWindow::exportComparisonPdf);
    connect(m_compare, &CompareView::exportJsonRequested, this, &MainWindow::exportComparisonJson);
    connect(m_compare, &CompareView::comparisonUpdated, this, &MainWindow::updateRunActions);
    connect(m_compare, &CompareView::problem, this,
            [this](const QString& message) { statusBar()->showMessage(message, kStatusMs); });

    // The run controller's events.
    connect(m_controller, &app::RunController::phaseChanged, this,
            [this](app::RunPhase phase, const QString& text) {
                m_dashboard->setPhase(phase, text);
                m_phase->setText(phase == app::RunPhase::Idle ? QString() : text);
                updateRunActions();
            });
    m_dashboard->followData(m_controller);
    connect(m_controller, &app::RunController::runFinished, this,
            [this](const app::RunRecord& run) {
                m_dashboard->runFinished(run);
                m_history->addOrUpdate(listEntryOf(run));
                statusBar()->showMessage(
                    QStringLiteral("Run %1 stored in %2").arg(run.id, run.filePath), kStatusMs);
                updateRunActions();
            });
    connect(m_controller, &app::RunController::runFailed, this,
            [this](const QString& message, const app::RunRecord& run) {
                m_dashboard->runFailed(message, run);
                if (!run.filePath.isEmpty())
                    m_history->addOrUpdate(listEntryOf(run));
                statusBar()->showMessage(message, kStatusMs);
                updateRunActions();
            });

    // The history feeds the compare page's picker.
    auto historyChanged = [this] { m_compare->setEntries(m_history->entries()); };
    connect(m_history, &QAbstractItemModel::modelReset, this, historyChanged);
    connect(m_history, &QAbstractItemModel::rowsInserted, this, historyChanged);
    connect(m_history, &QAbstractItemModel::rowsRemoved, this, historyChanged);
    connect(m_history, &QAbstractItemModel::dataChanged, this, historyChanged);
    connect(m_history, &RunHistoryModel::storeFailed, this, [this](const QString& message) {
        QMessageBox::warning(this, QStringLiteral("Run history"), message);
    });
}

} // namespace gb::ui
