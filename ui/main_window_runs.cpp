// The main window's run actions: start, stop, availability, stored runs and their exports.
#include "app/local_deployment.h"
#include "app/run_store.h"
#include "ui/async.h"
#include "ui/compare/compare_view.h"
#include "ui/dashboard/run_dashboard.h"
#include "ui/editor/scenario_editor.h"
#include "ui/hosts/hosts_page.h"
#include "ui/main_window.h"
#include "ui/models/run_history_model.h"
#include "ui/report/reports.h"
#include "ui/study/study_page.h"
#include "ui/workspace_sidebar.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QStatusBar>

namespace gb::ui {

namespace {

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

} // namespace

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
    if (const QString problem = prepareHosts(scenario); !problem.isEmpty()) {
        showPage(Page::Hosts);
        statusBar()->showMessage(problem, kStatusMs);
        m_dashboard->startRefused(problem);
        return;
    }
    // Whether anything else measures (the Study page, another gatebench) is the app's to decide.
    if (const QString refusal = m_controller->start(scenario); !refusal.isEmpty()) {
        m_dashboard->startRefused(refusal);
        showPage(Page::Run);
        statusBar()->showMessage(refusal, kStatusMs);
        return;
    }
    m_dashboard->runStarting(scenario);
    showPage(Page::Run);
    updateRunActions();
}

QString MainWindow::prepareHosts(const app::Scenario& scenario)
{
    if (scenario.topology.kind != app::TopologyKind::Hosts)
        return {};
    const app::HostsFile& hosts = m_hosts->hosts();
    if (hosts.hosts.isEmpty())
        return QStringLiteral("The scenario runs on hosts: add them on the Hosts page (or open "
                              "a hosts file) first");
    if (const QStringList problems = hosts.problems(); !problems.isEmpty())
        return QStringLiteral("The hosts file has a problem: %1").arg(problems.first());
    m_controller->setHosts(hosts, m_hosts->sshOptions());
    return {};
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
    const QString path = askRunExportPath(id, format);
    if (path.isEmpty())
        return;
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
            if (loaded.run && loaded.error.isEmpty() && format == QLatin1String("pdf"))
                writeRunPdf(*loaded.run, path);
            else if (!loaded.error.isEmpty())
                QMessageBox::warning(this, QStringLiteral("Export Run"), loaded.error);
            else
                statusBar()->showMessage(QStringLiteral("Wrote %1").arg(path), kStatusMs);
        });
}

void MainWindow::exportRunPdf(app::RunRecord run)
{
    const QString path = askRunExportPath(run.id, QStringLiteral("pdf"));
    if (!path.isEmpty())
        writeRunPdf(run, path);
}

QString MainWindow::askRunExportPath(const QString& id, const QString& format)
{
    const QString filter = format == QLatin1String("pdf") ? QStringLiteral("PDF documents (*.pdf)")
                           : format == QLatin1String("csv") ? QStringLiteral("CSV files (*.csv)")
                                                            : QStringLiteral("JSON files (*.json)");
    const QString path = QFileDialog::getSaveFileName(
        this, QStringLiteral("Export Run as %1").arg(format.toUpper()),
        QDir(m_lastDirectory).filePath(id + QLatin1Char('.') + format), filter);
    if (!path.isEmpty())
        m_lastDirectory = QFileInfo(path).absolutePath();
    return path;
}

void MainWindow::writeRunPdf(const app::RunRecord& run, const QString& path)
{
    QApplication::setOverrideCursor(Qt::WaitCursor);
    const QString error = report::exportRunPdf(run, path);
    QApplication::restoreOverrideCursor();
    if (!error.isEmpty())
        QMessageBox::warning(this, QStringLiteral("Export Run"), error);
    else
        statusBar()->showMessage(QStringLiteral("Wrote %1").arg(path), kStatusMs);
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
    // Start stays available while a study runs: the app refuses it with a sentence naming the
    // measurement in progress (app::MeasurementLock), which a disabled action could not say.
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

} // namespace gb::ui
