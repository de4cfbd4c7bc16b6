// The main window's scenario files: open, new, save, save as, unsaved changes, the title.
#include "app/builtin_scenarios.h"
#include "app/scenario_json.h"
#include "ui/editor/scenario_editor.h"
#include "ui/main_window.h"
#include "ui/models/scenario_list_model.h"
#include "ui/workspace_sidebar.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>

namespace gb::ui {

namespace {

/// A file name from a scenario name: "keyless gateway, 50 conns" -> "keyless-gateway-50-conns".
QString fileNameFor(const QString& name)
{
    QString base = name.trimmed().toLower();
    base.replace(QRegularExpression(QStringLiteral("[^a-z0-9._-]+")), QStringLiteral("-"));
    base.remove(QRegularExpression(QStringLiteral("^-+|-+$")));
    return (base.isEmpty() ? QStringLiteral("scenario") : base) + QStringLiteral(".json");
}

} // namespace

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

} // namespace gb::ui
