#include "ui/main_window.h"

#include "app/binaries.h"
#include "app/builtin_scenarios.h"
#include "app/local_deployment.h"
#include "app/run_store.h"
#include "app/scenario_json.h"
#include "common/version.h"
#include "ui/async.h"
#include "ui/compare/compare_view.h"
#include "ui/dashboard/run_dashboard.h"
#include "ui/editor/scenario_editor.h"
#include "ui/models/run_history_model.h"
#include "ui/models/scenario_list_model.h"
#include "ui/report/reports.h"
#include "ui/workspace_sidebar.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>

#include <algorithm>

namespace gb::ui {

namespace {

const QString kBaseline = QStringLiteral("builtin:baseline"); // ScenarioListModel::builtinSource()
constexpr int kStatusMs = 6000;

struct LoadedRun
{
    std::optional<app::RunRecord> run;
    QString error;
};

LoadedRun loadRun(const QString& directory, const QString& id)
{
    auto run = app::RunStore(directory).load(id);
    if (!run)
        return {std::nullopt, run.error()};
    return {std::move(run).value(), QString()};
}

/// A file name from a scenario name: "keyless gateway, 50 conns" -> "keyless-gateway-50-conns".
QString fileNameFor(const QString& name)
{
    QString base = name.trimmed().toLower();
    base.replace(QRegularExpression(QStringLiteral("[^a-z0-9._-]+")), QStringLiteral("-"));
    base.remove(QRegularExpression(QStringLiteral("^-+|-+$")));
    return (base.isEmpty() ? QStringLiteral("scenario") : base) + QStringLiteral(".json");
}

QAction* makeAction(QObject* parent, const QString& text, const QKeySequence& shortcut = {},
                    const QIcon& icon = {})
{
    auto* action = new QAction(icon, text, parent);
    if (!shortcut.isEmpty())
        action->setShortcut(shortcut);
    return action;
}

} // namespace

void initializeApplication()
{
    // Fusion draws the same on every desktop (and under Xvfb), which the layout is tuned for.
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setApplicationDisplayName(QStringLiteral("GateBench"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/gatebench/icons/gatebench.png")));
}

MainWindow::MainWindow(const Options& options, QWidget* parent)
    : QMainWindow(parent)
    , m_options(options)
    , m_settings(options.settingsFile.isEmpty()
                     ? std::make_unique<QSettings>(QSettings::NativeFormat, QSettings::UserScope,
                                                   QStringLiteral("gatebench"),
                                                   QStringLiteral("gatebench"))
                     : std::make_unique<QSettings>(options.settingsFile, QSettings::IniFormat))
    , m_controller(new app::RunController(this))
    , m_scenarios(new ScenarioListModel(this))
    , m_history(new RunHistoryModel(this))
    , m_editor(new ScenarioEditor(this))
    , m_dashboard(new RunDashboard(this))
    , m_compare(new CompareView(this))
    , m_sidebar(new WorkspaceSidebar(m_scenarios, m_history, this))
    , m_pages(new QTabWidget(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_phase(new QLabel(this))
    , m_availabilityTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    if (m_options.runsDirectory.isEmpty())
        m_options.runsDirectory = app::RunStore::defaultDirectory();
    if (m_options.binDirectory.isEmpty())
        m_options.binDirectory = app::defaultBinDirectory();
    m_controller->setRunsDirectory(m_options.runsDirectory);
    m_controller->setBinDirectory(m_options.binDirectory);
    m_history->setRunsDirectory(m_options.runsDirectory);
    m_compare->setRunsDirectory(m_options.runsDirectory);

    m_pages->setObjectName(QStringLiteral("pages"));
    m_pages->setDocumentMode(true);
    m_pages->addTab(m_editor, QStringLiteral("Scenario"));
    m_pages->addTab(m_dashboard, QStringLiteral("Run"));
    m_pages->addTab(m_compare, QStringLiteral("Compare"));

    m_splitter->addWidget(m_sidebar);
    m_splitter->addWidget(m_pages);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({340, 1100});
    m_splitter->setChildrenCollapsible(false);
    setCentralWidget(m_splitter);

    m_phase->setContentsMargins(6, 0, 6, 0);
    statusBar()->addPermanentWidget(m_phase);
    m_availabilityTimer->setSingleShot(true);
    m_availabilityTimer->setInterval(400); // after typing pauses: the check runs a process

    createActions();
    createMenus();
    wire();
    restoreSettings();
    updateRunActions();
}

MainWindow::~MainWindow() = default;

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
    view->addActions({m_scenarioPageAction, m_runPageAction, m_comparePageAction});

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

    // Dashboard intents.
    connect(m_dashboard, &RunDashboard::startRequested, this, &MainWindow::startRun);
    connect(m_dashboard, &RunDashboard::stopRequested, this, &MainWindow::stopRun);
    connect(m_dashboard, &RunDashboard::exportPdfRequested, this, [this] {
        if (!m_dashboard->shownRun())
            return;
        const app::RunRecord run = *m_dashboard->shownRun();
        const QString path = QFileDialog::getSaveFileName(
            this, QStringLiteral("Export Run as PDF"),
            QDir(m_lastDirectory).filePath(run.id + QStringLiteral(".pdf")),
            QStringLiteral("PDF documents (*.pdf)"));
        if (path.isEmpty())
            return;
        m_lastDirectory = QFileInfo(path).absolutePath();
        QApplication::setOverrideCursor(Qt::WaitCursor);
        const QString error = report::exportRunPdf(run, path);
        QApplication::restoreOverrideCursor();
        if (!error.isEmpty())
            QMessageBox::warning(this, QStringLiteral("Export Run as PDF"), error);
        else
            statusBar()->showMessage(QStringLiteral("Wrote %1").arg(path), kStatusMs);
    });

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
    connect(m_controller, &app::RunController::snapshotReady, m_dashboard,
            &RunDashboard::addSnapshot);
    connect(m_controller, &app::RunController::hostSampleReady, m_dashboard,
            &RunDashboard::addHostSample);
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

void MainWindow::restoreSettings()
{
    QSettings& s = *m_settings;
    if (!restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1440, 900);
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    m_splitter->restoreState(s.value(QStringLiteral("window/splitter")).toByteArray());
    m_sidebar->restoreState(s.value(QStringLiteral("window/sidebar")).toByteArray());
    m_dashboard->restoreState(s.value(QStringLiteral("window/dashboard")).toByteArray());
    m_compare->restoreState(s.value(QStringLiteral("window/compare")).toByteArray());
    m_lastDirectory = s.value(QStringLiteral("files/lastDirectory"), QDir::homePath()).toString();
    m_scenarios->setUserFiles(s.value(QStringLiteral("scenario/files")).toStringList());

    // The first start opens the ready local baseline, so Start works at once.
    const QString source = s.value(QStringLiteral("scenario/source"), kBaseline).toString();
    if (!openScenario(source))
        openScenario(kBaseline);
    showPage(Page(std::clamp(s.value(QStringLiteral("window/page"), 0).toInt(), 0, 2)));
    m_history->reload();
}

void MainWindow::saveSettings()
{
    QSettings& s = *m_settings;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
    s.setValue(QStringLiteral("window/sidebar"), m_sidebar->saveState());
    s.setValue(QStringLiteral("window/dashboard"), m_dashboard->saveState());
    s.setValue(QStringLiteral("window/compare"), m_compare->saveState());
    s.setValue(QStringLiteral("window/page"), m_pages->currentIndex());
    s.setValue(QStringLiteral("files/lastDirectory"), m_lastDirectory);
    s.setValue(QStringLiteral("scenario/source"), m_source.isEmpty() ? kBaseline : m_source);
    s.setValue(QStringLiteral("scenario/files"), m_scenarios->userFiles());
    s.sync();
}

void MainWindow::showPage(Page page)
{
    m_pages->setCurrentIndex(int(page));
}

bool MainWindow::openScenario(const QString& source)
{
    if (source == m_source && !m_source.isEmpty()) {
        showPage(Page::Scenario);
        return true;
    }
    if (!maybeKeepChanges()) {
        m_sidebar->selectScenario(m_source);
        return false;
    }
    auto scenario = ScenarioListModel::isBuiltinSource(source)
                        ? app::builtinScenario(ScenarioListModel::builtinName(source))
                        : app::loadScenarioFile(source);
    if (!scenario) {
        if (isVisible())
            QMessageBox::warning(this, QStringLiteral("Open Scenario"), scenario.error());
        else
            statusBar()->showMessage(scenario.error(), kStatusMs);
        m_sidebar->selectScenario(m_source);
        return false;
    }
    loadScenario(scenario.value(), source);
    showPage(Page::Scenario);
    return true;
}

void MainWindow::loadScenario(const app::Scenario& scenario, const QString& source)
{
    m_source = source;
    m_editor->setScenario(scenario);
    m_sidebar->selectScenario(source);
    updateTitle();
}

bool MainWindow::maybeKeepChanges()
{
    if (!m_editor->isModified())
        return true;
    const auto answer = QMessageBox::question(
        this, QStringLiteral("Unsaved changes"),
        QStringLiteral("The scenario \"%1\" has changes that are not saved.")
            .arg(m_editor->scenario().name),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

void MainWindow::newScenario()
{
    if (!maybeKeepChanges())
        return;
    app::Scenario scenario;
    scenario.name = QStringLiteral("new scenario");
    m_source.clear();
    loadScenario(scenario, QString());
    showPage(Page::Scenario);
}

void MainWindow::openScenarioFile()
{
    const QString path =
        QFileDialog::getOpenFileName(this, QStringLiteral("Open Scenario"), m_lastDirectory,
                                     QStringLiteral("GateBench scenarios (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    m_lastDirectory = QFileInfo(path).absolutePath();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (openScenario(absolute)) {
        m_scenarios->addUserFile(absolute);
        m_sidebar->selectScenario(absolute);
        rememberUserFiles();
    }
}

bool MainWindow::save()
{
    if (m_source.isEmpty() || ScenarioListModel::isBuiltinSource(m_source))
        return saveAs(); // built-ins are part of the program: save a copy
    if (const QString error = app::saveScenarioFile(m_editor->scenario(), m_source);
        !error.isEmpty()) {
        QMessageBox::warning(this, QStringLiteral("Save Scenario"), error);
        return false;
    }
    m_editor->markSaved();
    m_scenarios->addUserFile(m_source);
    statusBar()->showMessage(QStringLiteral("Saved %1").arg(m_source), kStatusMs);
    return true;
}

bool MainWindow::saveAs()
{
    QString directory = m_lastDirectory;
    if (ScenarioListModel::isBuiltinSource(m_source) || m_source.isEmpty()) {
        // A first save goes to the workspace's scenario folder unless the user picks another.
        directory = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                    QStringLiteral("/scenarios");
        QDir().mkpath(directory);
    }
    QString path = QFileDialog::getSaveFileName(
        this, QStringLiteral("Save Scenario As"),
        QDir(directory).filePath(fileNameFor(m_editor->scenario().name)),
        QStringLiteral("GateBench scenarios (*.json)"));
    if (path.isEmpty())
        return false;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".json");
    path = QFileInfo(path).absoluteFilePath();
    if (const QString error = app::saveScenarioFile(m_editor->scenario(), path); !error.isEmpty()) {
        QMessageBox::warning(this, QStringLiteral("Save Scenario"), error);
        return false;
    }
    m_lastDirectory = QFileInfo(path).absolutePath();
    m_source = path;
    m_editor->markSaved();
    m_scenarios->addUserFile(path);
    rememberUserFiles();
    m_sidebar->selectScenario(path);
    updateTitle();
    statusBar()->showMessage(QStringLiteral("Saved %1").arg(path), kStatusMs);
    return true;
}

void MainWindow::rememberUserFiles()
{
    m_settings->setValue(QStringLiteral("scenario/files"), m_scenarios->userFiles());
}

void MainWindow::updateTitle()
{
    const QString name = m_editor->scenario().name.isEmpty() ? QStringLiteral("(unnamed)")
                                                             : m_editor->scenario().name;
    QString where;
    if (m_source.isEmpty())
        where = QStringLiteral(" (not saved)");
    else if (ScenarioListModel::isBuiltinSource(m_source))
        where = QStringLiteral(" (built-in)");
    else
        where = QStringLiteral(" (%1)").arg(QFileInfo(m_source).fileName());
    setWindowTitle(name + where + QStringLiteral("[*]"));
    setWindowModified(m_editor->isModified());
}

void MainWindow::checkAvailability()
{
    const quint64 generation = ++m_availabilityGeneration;
    runInBackground(
        this,
        [scenario = m_editor->scenario(), binDir = m_options.binDirectory] {
            return app::checkLocalAvailability(scenario, binDir);
        },
        [this, generation](const QString& problem) {
            if (generation == m_availabilityGeneration)
                m_dashboard->setAvailabilityProblem(problem);
        });
}

void MainWindow::startRun()
{
    if (m_controller->isRunning())
        return;
    if (!m_editor->problems().isEmpty()) {
        showPage(Page::Scenario);
        m_editor->focusFirstProblem();
        const int n = int(m_editor->problems().size());
        statusBar()->showMessage(QStringLiteral("Fix the scenario first: %1 problem%2 (shown in "
                                                "red under the fields)")
                                     .arg(n)
                                     .arg(n == 1 ? QString() : QStringLiteral("s")),
                                 kStatusMs);
        return;
    }
    const app::Scenario scenario = m_editor->scenario();
    if (!m_controller->start(scenario))
        return;
    m_dashboard->runStarting(scenario);
    showPage(Page::Run);
    updateRunActions();
}

void MainWindow::stopRun()
{
    m_controller->stop();
}

void MainWindow::compareRuns(const QStringList& ids)
{
    if (ids.isEmpty())
        return;
    m_compare->setCheckedRuns(ids);
    showPage(Page::Compare);
}

void MainWindow::openStoredRun(const QString& id)
{
    if (m_controller->isRunning()) {
        statusBar()->showMessage(
            QStringLiteral("A run is in progress: open stored runs when it has ended"), kStatusMs);
        return;
    }
    runInBackground(
        this, [directory = m_options.runsDirectory, id] { return loadRun(directory, id); },
        [this](const LoadedRun& loaded) {
            if (!loaded.run) {
                QMessageBox::warning(this, QStringLiteral("Open Run"), loaded.error);
                return;
            }
            if (m_controller->isRunning())
                return;
            m_dashboard->showRun(*loaded.run);
            showPage(Page::Run);
        });
}

void MainWindow::deleteSelectedRuns()
{
    const QStringList ids = m_sidebar->selectedRunIds();
    if (ids.isEmpty())
        return;
    const auto answer = QMessageBox::question(
        this, QStringLiteral("Delete Runs"),
        ids.size() == 1 ? QStringLiteral("Delete run %1? Its file is removed from %2.")
                              .arg(ids.first(), m_options.runsDirectory)
                        : QStringLiteral("Delete %1 runs? Their files are removed from %2.")
                              .arg(ids.size())
                              .arg(m_options.runsDirectory),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes)
        return;
    QStringList errors;
    for (const QString& id : ids)
        if (const QString error = m_history->removeRun(id); !error.isEmpty())
            errors.append(error);
    if (!errors.isEmpty())
        QMessageBox::warning(this, QStringLiteral("Delete Runs"), errors.join(QLatin1Char('\n')));
}

void MainWindow::exportSelectedRun(const QString& format)
{
    const QStringList ids = m_sidebar->selectedRunIds();
    if (ids.size() != 1)
        return;
    const QString id = ids.first();
    const QString filter = format == QLatin1String("pdf") ? QStringLiteral("PDF documents (*.pdf)")
                           : format == QLatin1String("csv") ? QStringLiteral("CSV files (*.csv)")
                                                            : QStringLiteral("JSON files (*.json)");
    const QString path = QFileDialog::getSaveFileName(
        this, QStringLiteral("Export Run"),
        QDir(m_lastDirectory).filePath(id + QLatin1Char('.') + format), filter);
    if (path.isEmpty())
        return;
    m_lastDirectory = QFileInfo(path).absolutePath();
    runInBackground(
        this,
        [directory = m_options.runsDirectory, id, format, path] {
            LoadedRun loaded = loadRun(directory, id);
            // JSON and CSV are written here too; a PDF draws charts, which the GUI thread does.
            if (loaded.run && format == QLatin1String("json"))
                loaded.error = app::exportRunJson(*loaded.run, path);
            else if (loaded.run && format == QLatin1String("csv"))
                loaded.error = app::exportRunCsv(*loaded.run, path);
            return loaded;
        },
        [this, format, path](const LoadedRun& loaded) {
            QString error = loaded.error;
            if (loaded.run && error.isEmpty() && format == QLatin1String("pdf")) {
                QApplication::setOverrideCursor(Qt::WaitCursor);
                error = report::exportRunPdf(*loaded.run, path);
                QApplication::restoreOverrideCursor();
            }
            if (!error.isEmpty())
                QMessageBox::warning(this, QStringLiteral("Export Run"), error);
            else
                statusBar()->showMessage(QStringLiteral("Wrote %1").arg(path), kStatusMs);
        });
}

void MainWindow::exportComparisonPdf()
{
    if (!m_compare->hasComparison()) {
        showPage(Page::Compare);
        statusBar()->showMessage(QStringLiteral("Check runs to compare first"), kStatusMs);
        return;
    }
    const QString path = QFileDialog::getSaveFileName(
        this, QStringLiteral("Export Comparison as PDF"),
        QDir(m_lastDirectory).filePath(QStringLiteral("comparison.pdf")),
        QStringLiteral("PDF documents (*.pdf)"));
    if (path.isEmpty())
        return;
    m_lastDirectory = QFileInfo(path).absolutePath();
    QApplication::setOverrideCursor(Qt::WaitCursor);
    const QString error = m_compare->exportPdf(path);
    QApplication::restoreOverrideCursor();
    if (!error.isEmpty())
        QMessageBox::warning(this, QStringLiteral("Export Comparison"), error);
    else
        statusBar()->showMessage(QStringLiteral("Wrote %1").arg(path), kStatusMs);
}

void MainWindow::exportComparisonJson()
{
    if (!m_compare->hasComparison()) {
        showPage(Page::Compare);
        statusBar()->showMessage(QStringLiteral("Check runs to compare first"), kStatusMs);
        return;
    }
    const QString path = QFileDialog::getSaveFileName(
        this, QStringLiteral("Export Comparison as JSON"),
        QDir(m_lastDirectory).filePath(QStringLiteral("comparison.json")),
        QStringLiteral("JSON files (*.json)"));
    if (path.isEmpty())
        return;
    m_lastDirectory = QFileInfo(path).absolutePath();
    if (const QString error = m_compare->exportJson(path); !error.isEmpty())
        QMessageBox::warning(this, QStringLiteral("Export Comparison"), error);
    else
        statusBar()->showMessage(QStringLiteral("Wrote %1").arg(path), kStatusMs);
}

void MainWindow::updateRunActions()
{
    const bool running = m_controller->isRunning();
    const int selected = int(m_sidebar->selectedRunIds().size());
    m_startAction->setEnabled(!running);
    m_stopAction->setEnabled(running);
    m_openRunAction->setEnabled(selected == 1 && !running);
    m_renameRunAction->setEnabled(selected == 1);
    m_tagRunAction->setEnabled(selected == 1);
    m_exportRunJsonAction->setEnabled(selected == 1);
    m_exportRunCsvAction->setEnabled(selected == 1);
    m_exportRunPdfAction->setEnabled(selected == 1);
    m_deleteRunAction->setEnabled(selected > 0);
    m_compareRunsAction->setEnabled(selected > 0);
    m_exportComparisonPdfAction->setEnabled(m_compare->hasComparison());
    m_exportComparisonJsonAction->setEnabled(m_compare->hasComparison());
}

void MainWindow::about()
{
    QMessageBox::about(
        this, QStringLiteral("About GateBench"),
        QStringLiteral(
            "<h3>GateBench %1</h3>"
            "<p>The API gateway performance workbench: point and click a scenario (an upstream, "
            "a gateway, a load profile), watch it run, keep every run and compare runs side by "
            "side, as a table and as a PDF.</p>"
            "<p>Latency is measured with HDR histograms kept per second, so every percentile "
            "shown, over any window, is exact rather than an average of averages.</p>"
            "<p>Runs are stored in <code>%2</code>.</p>"
            "<p>Built with Qt %3, running on Qt %4.</p>")
            .arg(QLatin1String(gb::kVersion), m_options.runsDirectory.toHtmlEscaped(),
                 QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion())));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_controller->isRunning()) {
        const auto answer = QMessageBox::question(
            this, QStringLiteral("Quit GateBench"),
            QStringLiteral("A run is in progress. Stop it (what was measured is kept) and quit?"),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        // The controller's destructor waits for the stopped run to be stored.
        m_controller->stop();
    }
    if (!maybeKeepChanges()) {
        event->ignore();
        return;
    }
    saveSettings();
    event->accept();
}

} // namespace gb::ui
