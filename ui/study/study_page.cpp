#include "ui/study/study_page.h"

#include "app/study/builtin_studies.h"
#include "app/study/study_comparison.h"
#include "app/study/study_report.h"
#include "app/study/study_result.h"
#include "app/study/study_runner.h"
#include "app/study/study_state.h"
#include "ui/async.h"
#include "ui/colors.h"
#include "ui/study/study_live_view.h"
#include "ui/study/study_results_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

#include <chrono>

namespace gb::ui {

namespace {

QLabel* wrappingLabel(const QString& objectName, QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

StudyPage::StudyPage(QWidget* parent)
    : QWidget(parent)
    , m_runner(new app::StudyRunner(this))
    , m_studyChoice(new QComboBox(this))
    , m_description(wrappingLabel(QStringLiteral("studyDescription"), this))
    , m_repeats(new QSpinBox(this))
    , m_duration(new QSpinBox(this))
    , m_startButton(new QPushButton(QStringLiteral("Start Study"), this))
    , m_cancelButton(new QPushButton(QStringLiteral("Cancel"), this))
    , m_status(wrappingLabel(QStringLiteral("studyStatus"), this))
    , m_progress(new QProgressBar(this))
    , m_scalingNote(wrappingLabel(QStringLiteral("studyScalingNote"), this))
    , m_error(wrappingLabel(QStringLiteral("studyError"), this))
    , m_views(new QTabWidget(this))
    , m_live(new StudyLiveView(m_runner, this))
    , m_results(new StudyResultsView(this))
    , m_lastDirectory(QDir::homePath())
    , m_onHosts(new QCheckBox(QStringLiteral("Run on the hosts of the Hosts page"), this))
    , m_kept(new QComboBox(this))
    , m_openKept(new QPushButton(QStringLiteral("Open"), this))
    , m_compareKept(new QPushButton(QStringLiteral("Compare"), this))
{
    setObjectName(QStringLiteral("studyPage"));
    m_studyChoice->setObjectName(QStringLiteral("studyChoice"));
    m_studyChoice->addItems(app::builtinStudyNames());
    m_repeats->setObjectName(QStringLiteral("studyRepeats"));
    m_repeats->setRange(1, 100); // as `gatebench study --repeats`
    m_repeats->setValue(3);
    m_repeats->setSuffix(QStringLiteral(" runs per stage"));
    m_duration->setObjectName(QStringLiteral("studyDuration"));
    m_duration->setRange(1, 3600);
    m_duration->setValue(5); // `make run`'s demo: short runs, the load still calibrated
    m_duration->setSuffix(QStringLiteral(" s per run"));
    m_startButton->setObjectName(QStringLiteral("studyStart"));
    m_cancelButton->setObjectName(QStringLiteral("studyCancel"));
    m_cancelButton->setEnabled(false);
    m_progress->setObjectName(QStringLiteral("studyProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(QStringLiteral("%v of %m runs"));
    m_error->setStyleSheet(errorTextStyle());
    m_error->hide();
    m_status->setText(QStringLiteral("Ready."));

    auto* form = new QFormLayout;
    form->addRow(QStringLiteral("Built-in study:"), m_studyChoice);
    form->addRow(QStringLiteral("Repeats:"), m_repeats);
    form->addRow(QStringLiteral("Run duration:"), m_duration);
    m_onHosts->setObjectName(QStringLiteral("studyOnHosts"));
    m_onHosts->setEnabled(false);
    m_onHosts->setToolTip(QStringLiteral("Add hosts on the Hosts page first"));
    form->addRow(QString(), m_onHosts);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_startButton);
    buttons->addWidget(m_cancelButton);
    buttons->addStretch(1);
    form->addRow(buttons);
    // Studies run before (here or by `gatebench study`), kept in the studies directory.
    m_kept->setObjectName(QStringLiteral("studyKept"));
    m_kept->setMinimumContentsLength(28);
    m_kept->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_openKept->setObjectName(QStringLiteral("studyOpen"));
    m_openKept->setToolTip(QStringLiteral("Show this study's tables and charts"));
    m_compareKept->setObjectName(QStringLiteral("studyCompare"));
    m_compareKept->setToolTip(QStringLiteral("Compare the study shown below (A) with this one "
                                             "(B), stage by stage"));
    auto* kept = new QHBoxLayout;
    kept->addWidget(m_kept, 1);
    kept->addWidget(m_openKept);
    kept->addWidget(m_compareKept);
    form->addRow(QStringLiteral("Kept studies:"), kept);
    auto* formBox = new QGroupBox(QStringLiteral("Study"), this);
    auto* formColumns = new QHBoxLayout(formBox);
    formColumns->addLayout(form, 0);
    formColumns->addWidget(m_description, 1, Qt::AlignTop);

    auto* progressBox = new QGroupBox(QStringLiteral("Progress"), this);
    auto* progress = new QVBoxLayout(progressBox);
    progress->addWidget(m_status);
    progress->addWidget(m_progress);
    progress->addWidget(m_scalingNote);
    progress->addWidget(m_error);

    // The run on now while the study goes, its report once it ends.
    m_views->setObjectName(QStringLiteral("studyViews"));
    m_views->addTab(m_live, QStringLiteral("Live"));
    m_views->addTab(m_results, QStringLiteral("Results"));
    m_views->setCurrentWidget(m_results);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(formBox);
    layout->addWidget(progressBox);
    layout->addWidget(m_views, 1);

    wire();
    updateDescription();
    refreshKept();
}

StudyPage::~StudyPage() = default;

void StudyPage::setBinDirectory(const QString& directory)
{
    m_runner->setBinDirectory(directory);
}

void StudyPage::setRunsDirectory(const QString& directory)
{
    m_runner->setRunsDirectory(directory);
}

void StudyPage::setStudiesDirectory(const QString& directory)
{
    m_studiesDirectory = directory;
    m_runner->setStudiesDirectory(directory);
    refreshKept();
}

app::Result<app::Study> StudyPage::studyFromForm() const
{
    app::Result<app::Study> study = app::builtinStudy(m_studyChoice->currentText());
    if (study) {
        study->setRepeats(m_repeats->value());
        study->setRunDuration(std::chrono::seconds(m_duration->value()));
        // On hosts the reference load runs unscaled, for the form's duration too.
        if (m_onHosts->isChecked() && study->reference)
            study->reference->duration = std::chrono::seconds(m_duration->value());
    }
    return study;
}

void StudyPage::setHosts(const app::HostsFile& hosts, const app::SshOptions& ssh)
{
    m_hosts = hosts;
    m_ssh = ssh;
    const bool any = !hosts.hosts.isEmpty();
    m_onHosts->setEnabled(any);
    if (!any)
        m_onHosts->setChecked(false);
    m_onHosts->setToolTip(any ? QStringLiteral("The classic layout on these hosts: the servers "
                                               "deployed over SSH, the load from the loadgen "
                                               "hosts, the study's load unscaled")
                              : QStringLiteral("Add hosts on the Hosts page first"));
}

bool StudyPage::start(const app::Study& study)
{
    if (const QList<app::ValidationIssue> issues = study.validate(); !issues.isEmpty()) {
        showError(QStringLiteral("The study cannot run: %1: %2")
                      .arg(issues.first().field, issues.first().message));
        setState(State::Failed);
        return false;
    }
    if (m_onHosts->isChecked())
        m_runner->setHosts(m_hosts, m_ssh);
    else
        m_runner->runLocally();
    // Whether anything else measures (the Run page, another gatebench) is the app's to decide.
    if (const QString refusal = m_runner->start(study); !refusal.isEmpty()) {
        m_error->hide(); // the refusal replaces what an earlier study left on the page
        showError(QStringLiteral("The study did not start. %1").arg(refusal));
        return false;
    }
    m_error->clear();
    m_error->hide();
    m_scalingNote->clear();
    // Known from the start when nothing is calibrated (fixed, or unscaled on hosts).
    if (const auto& scaling = m_runner->state().scaling)
        m_scalingNote->setText(scaling->note);
    m_results->clear();
    m_shown.reset();
    ++m_reportGeneration;
    m_live->reset(study);
    m_views->setCurrentWidget(m_live);
    m_progress->setRange(0, std::max(1, study.totalRuns()));
    m_progress->setValue(0);
    m_status->setText(QStringLiteral("Starting %1…").arg(study.name));
    setState(State::Running);
    return true;
}

void StudyPage::cancel()
{
    if (!m_runner->isRunning())
        return;
    m_status->setText(QStringLiteral("Cancelling: stopping the current run…"));
    m_cancelButton->setEnabled(false);
    m_runner->cancel();
}

QString StudyPage::statusText() const
{
    return m_status->text();
}

QString StudyPage::errorText() const
{
    return m_error->text();
}

void StudyPage::wire()
{
    connect(m_studyChoice, &QComboBox::currentTextChanged, this, &StudyPage::updateDescription);
    connect(m_startButton, &QPushButton::clicked, this, [this] {
        app::Result<app::Study> study = studyFromForm();
        if (!study) {
            showError(study.error());
            return;
        }
        start(study.value());
    });
    connect(m_cancelButton, &QPushButton::clicked, this, &StudyPage::cancel);
    connect(m_openKept, &QPushButton::clicked, this,
            [this] { openKept(m_kept->currentData().toString()); });
    connect(m_compareKept, &QPushButton::clicked, this,
            [this] { compareWithKept(m_kept->currentData().toString()); });
    connect(m_results, &StudyResultsView::exportPdfRequested, this, &StudyPage::exportPdf);

    connect(m_runner, &app::StudyRunner::calibrationStarted, this,
            [this](const QString& description) {
                m_status->setText(description + QStringLiteral("…"));
            });
    connect(m_runner, &app::StudyRunner::calibrationFinished, m_scalingNote, &QLabel::setText);
    connect(m_runner, &app::StudyRunner::runStarted, this,
            [this](int stage, int run, const QString&) {
                const QList<app::StudyStage>& stages = m_runner->state().study.stages;
                m_status->setText(QStringLiteral("Stage %1 of %2: %3, run %4 of %5")
                                      .arg(stage + 1)
                                      .arg(stages.size())
                                      .arg(stages.value(stage).name)
                                      .arg(run + 1)
                                      .arg(stages.value(stage).repeats));
            });
    connect(m_runner, &app::StudyRunner::runFinished, this, &StudyPage::runStored);
    connect(m_runner, &app::StudyRunner::stageFailed, this,
            [this](int stage, const QString& message) {
                showError(QStringLiteral("%1 failed: %2")
                              .arg(m_runner->state().study.stages.value(stage).name, message));
            });
    connect(m_runner, &app::StudyRunner::progress, this, [this](int done, int total) {
        m_progress->setRange(0, std::max(1, total));
        m_progress->setValue(done);
    });
    connect(m_runner, &app::StudyRunner::studyFinished, this,
            [this](const app::StudyResult& result) { concluded(result, State::Finished); });
    connect(m_runner, &app::StudyRunner::studyCancelled, this,
            [this](const app::StudyResult& partial) { concluded(partial, State::Cancelled); });
    connect(m_runner, &app::StudyRunner::studyFailed, this, [this](const QString& message) {
        m_status->setText(QStringLiteral("The study stopped."));
        showError(message);
        setState(State::Failed);
    });
}

void StudyPage::setState(State state)
{
    m_state = state;
    const bool running = state == State::Running;
    m_studyChoice->setEnabled(!running);
    m_repeats->setEnabled(!running);
    m_duration->setEnabled(!running);
    updateButtons();
    Q_EMIT stateChanged(state);
}

void StudyPage::updateButtons()
{
    const bool running = m_state == State::Running;
    m_startButton->setEnabled(!running);
    m_cancelButton->setEnabled(running);
    m_openKept->setEnabled(!running && m_kept->count() > 0);
    m_compareKept->setEnabled(!running && m_kept->count() > 0 && m_shown.has_value());
}

void StudyPage::showError(const QString& message)
{
    // Several stages may fail in one study: each says so on its own line.
    const QString shown = m_error->text();
    m_error->setText(shown.isEmpty() || m_error->isHidden() ? message : shown + u'\n' + message);
    m_error->show();
}

void StudyPage::showResult(const app::StudyResult& result)
{
    m_shown = result;
    // The report decodes every run's latency histogram: built off the GUI thread.
    const quint64 generation = ++m_reportGeneration;
    runInBackground(
        this, [result] { return app::buildStudyReport(result); },
        [this, generation](const app::StudyReport& report) {
            if (generation == m_reportGeneration)
                showReport(report);
        });
}

void StudyPage::showReport(const app::StudyReport& report)
{
    ++m_reportGeneration; // a report still being built for the page is not wanted any more
    m_results->setReport(report);
    m_views->setCurrentWidget(m_results);
}

void StudyPage::concluded(const app::StudyResult& result, State state)
{
    showResult(result);
    refreshKept();
    int runs = 0;
    for (const app::StageResult& stage : result.stages)
        runs += int(stage.runs.size());
    if (state == State::Finished)
        m_status->setText(
            QStringLiteral("Finished: %1 runs, report below (study %2).").arg(runs).arg(result.id));
    else
        m_status->setText(QStringLiteral("Cancelled: the %1 finished runs are kept and shown "
                                         "below (study %2).")
                              .arg(runs)
                              .arg(result.id));
    setState(state);
}

void StudyPage::refreshKept()
{
    const QString directory =
        m_studiesDirectory.isEmpty() ? app::defaultStudiesDirectory() : m_studiesDirectory;
    const quint64 generation = ++m_keptGeneration;
    runInBackground(
        this, [directory] { return app::listStudyStates(directory); },
        [this, generation](const QList<app::StudyState>& states) {
            if (generation != m_keptGeneration)
                return; // a later listing (another directory, a study since) is on its way
            const QString current = m_kept->currentData().toString();
            m_kept->clear();
            for (const app::StudyState& s : states)
                m_kept->addItem(
                    QStringLiteral("%1 · %2 · %3, %4 of %5 runs")
                        .arg(s.createdAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                             s.study.name, app::toKeyword(s.status))
                        .arg(s.doneRuns())
                        .arg(s.totalRuns()),
                    s.directory);
            if (const int i = m_kept->findData(current); i >= 0)
                m_kept->setCurrentIndex(i);
            updateButtons();
        });
}

void StudyPage::openKept(const QString& directory)
{
    if (directory.isEmpty() || isRunning())
        return;
    m_status->setText(QStringLiteral("Opening the study in %1…").arg(directory));
    // Its runs' files are read to compute the tables: off the GUI thread.
    runInBackground(
        this, [directory] { return app::loadStudyResult(directory); },
        [this, directory](const app::Result<app::StudyResult>& result) {
            if (isRunning())
                return; // a study started meanwhile: its page wins
            if (!result) {
                showError(QStringLiteral("The study in %1 cannot be opened: %2")
                              .arg(directory, result.error()));
                return;
            }
            m_error->hide();
            showResult(result.value());
            updateButtons();
            m_status->setText(QStringLiteral("Opened study %1.").arg(result.value().id));
        });
}

void StudyPage::compareWithKept(const QString& directory)
{
    if (directory.isEmpty() || isRunning() || !m_shown)
        return;
    m_status->setText(QStringLiteral("Reading the study in %1 to compare…").arg(directory));
    const quint64 generation = ++m_reportGeneration;
    runInBackground(
        this,
        [directory, first = *m_shown]() -> app::Result<app::StudyReport> {
            const app::Result<app::StudyResult> second = app::loadStudyResult(directory);
            if (!second)
                return app::Result<app::StudyReport>::failure(second.error());
            return app::buildStudyComparisonReport(app::compareStudies(first, second.value()));
        },
        [this, directory, generation,
         first = m_shown->id](const app::Result<app::StudyReport>& report) {
            if (isRunning() || generation != m_reportGeneration)
                return; // a study started, or another report was asked for since
            if (!report) {
                showError(QStringLiteral("The study in %1 cannot be compared: %2")
                              .arg(directory, report.error()));
                return;
            }
            m_error->hide();
            showReport(report.value());
            m_status->setText(QStringLiteral("Study %1 (A) compared with %2 (B), stage by stage.")
                                  .arg(first, QFileInfo(directory).fileName()));
        });
}

void StudyPage::exportPdf()
{
    const QString path =
        QFileDialog::getSaveFileName(this, QStringLiteral("Export Study as PDF"),
                                     QDir(m_lastDirectory).filePath(QStringLiteral("study.pdf")),
                                     QStringLiteral("PDF documents (*.pdf)"));
    if (path.isEmpty())
        return;
    m_lastDirectory = QFileInfo(path).absolutePath();
    static_cast<void>(m_results->exportPdf(path)); // the view shows how it went, under the report
}

void StudyPage::updateDescription()
{
    const app::Result<app::Study> study = app::builtinStudy(m_studyChoice->currentText());
    m_description->setText(study ? study->description : study.error());
}

} // namespace gb::ui
