#include "ui/main_window.h"

#include "app/binaries.h"
#include "app/run_store.h"
#include "common/version.h"
#include "ui/compare/compare_view.h"
#include "ui/dashboard/run_dashboard.h"
#include "ui/editor/scenario_editor.h"
#include "ui/hosts/hosts_page.h"
#include "ui/hosts/ssh_prompts.h"
#include "ui/models/run_history_model.h"
#include "ui/models/scenario_list_model.h"
#include "ui/study/study_page.h"
#include "ui/workspace_sidebar.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QLabel>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTimer>

#include <algorithm>

// The window's other jobs live beside this file: actions, menus and wiring in
// main_window_actions.cpp, scenario files in main_window_scenarios.cpp, runs and exports in
// main_window_runs.cpp.

namespace gb::ui {

namespace {

const QString kBaseline = QStringLiteral("builtin:baseline"); // ScenarioListModel::builtinSource()

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
    , m_study(new StudyPage(this))
    , m_prompts(new SshPrompts(this))
    , m_hosts(new HostsPage(m_prompts, this))
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
    m_study->setRunsDirectory(m_options.runsDirectory);
    m_study->setBinDirectory(m_options.binDirectory);

    m_pages->setObjectName(QStringLiteral("pages"));
    m_pages->setDocumentMode(true);
    m_pages->addTab(m_editor, QStringLiteral("Scenario"));
    m_pages->addTab(m_dashboard, QStringLiteral("Run"));
    m_pages->addTab(m_compare, QStringLiteral("Compare"));
    m_pages->addTab(m_study, QStringLiteral("Study"));
    m_pages->addTab(m_hosts, QStringLiteral("Hosts"));

    m_splitter->addWidget(m_sidebar);
    m_splitter->addWidget(m_pages);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    // The run list's columns whole at the default size; the rest for the pages.
    const int sidebar = m_sidebar->preferredWidth();
    m_splitter->setSizes({sidebar, std::max(800, 1440 - sidebar)});
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

MainWindow::~MainWindow()
{
    // QWidget's destructor deletes the children after this class is gone, and some signal on
    // their way out (the undo stack's cleanChanged): none may reach a slot of this half-destroyed
    // window.
    for (QObject* child : findChildren<QObject*>())
        child->disconnect(this);
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
    if (const QString hosts = s.value(QStringLiteral("hosts/file")).toString(); !hosts.isEmpty())
        m_hosts->openFile(hosts); // a file gone since shows why on the Hosts page

    // The first start opens the ready local baseline, so Start works at once.
    const QString source = s.value(QStringLiteral("scenario/source"), kBaseline).toString();
    if (!openScenario(source))
        openScenario(kBaseline);
    showPage(
        Page(std::clamp(s.value(QStringLiteral("window/page"), 0).toInt(), 0, int(Page::Hosts))));
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
    s.setValue(QStringLiteral("hosts/file"), m_hosts->filePath());
    s.sync();
}

void MainWindow::showPage(Page page)
{
    m_pages->setCurrentIndex(int(page));
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
    // One question, whatever is measuring: the Run page's run or the Study page's study.
    const QString inProgress =
        m_study->isRunning()
            ? QStringLiteral("A study is in progress (%1). Stop it (its finished runs are kept "
                             "and it can be resumed) and quit?")
                  .arg(m_study->statusText())
        : m_controller->isRunning()
            ? QStringLiteral("A run is in progress. Stop it (what was measured is kept) and quit?")
            : QString();
    if (!inProgress.isEmpty()) {
        const auto answer =
            QMessageBox::question(this, QStringLiteral("Quit GateBench"), inProgress,
                                  QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        // The controllers' destructors wait for the stopped run to be stored, and a run waiting
        // for a dialog's answer would never end.
        m_prompts->refuseAll();
        m_study->cancel();
        m_controller->stop();
    }
    if (!maybeKeepChanges() || !m_hosts->maybeKeepChanges()) {
        event->ignore();
        return;
    }
    saveSettings();
    event->accept();
}

} // namespace gb::ui
