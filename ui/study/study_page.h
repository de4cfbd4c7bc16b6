#pragma once

#include "app/hosts/hosts_file.h"
#include "app/result.h"
#include "app/ssh/ssh_session.h"
#include "app/study/study.h"
#include "app/study/study_result.h"

#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace gb::app {
class StudyRunner;
struct StudyReport;
} // namespace gb::app

namespace gb::ui {

class StudyLiveView;
class StudyResultsView;

/// The Study page: pick a built-in study, its repeats and run duration, Start / Cancel, follow
/// its progress (stage, run, a bar over all runs, the calibration's scaling note) and watch its
/// runs live (StudyLiveView), then read its tables and charts and export them as a PDF
/// (StudyResultsView). A kept study can be opened into the same page, or compared stage by stage
/// with the one shown (the comparison is a report too, exported the same way). Owns the
/// StudyRunner that runs it;
/// the runs go through the runner's own RunController on its worker, so the GUI never waits.
/// A failure (a server that does not start, a study that cannot go on) is one sentence on the
/// page, and the form is usable again once the study ends however it ends.
///
/// GUI thread only.
class StudyPage final : public QWidget
{
    Q_OBJECT

public:
    enum class State
    {
        Idle,
        Running,
        Finished,
        Cancelled,
        Failed,
    };

    explicit StudyPage(QWidget* parent = nullptr);
    ~StudyPage() override;

    void setBinDirectory(const QString& directory);
    void setRunsDirectory(const QString& directory);
    void setStudiesDirectory(const QString& directory);
    /// The Hosts page's hosts: "Run on hosts" offers them (unscaled, the load from their loadgen
    /// hosts); empty hosts: the study runs on this machine.
    void setHosts(const app::HostsFile& hosts, const app::SshOptions& ssh);

    /// The study the form describes: the chosen built-in with its repeats and run duration.
    app::Result<app::Study> studyFromForm() const;
    /// Starts study (Start starts the form's). False, with the reason on the page, when it is
    /// invalid or refused (a study runs here, or another measurement is in progress).
    bool start(const app::Study& study);
    /// Cancel: stops the current run; the finished runs' tables are shown.
    void cancel();

    State state() const { return m_state; }
    bool isRunning() const { return m_state == State::Running; }
    /// "Stage 2 of 3: Transparent proxy, run 2 of 3", "Finished", ...
    QString statusText() const;
    /// The failure shown on the page, empty when there is none.
    QString errorText() const;
    StudyResultsView* results() const { return m_results; }
    StudyLiveView* live() const { return m_live; }
    app::StudyRunner* runner() const { return m_runner; }

Q_SIGNALS:
    void stateChanged(gb::ui::StudyPage::State state);
    /// A run of the study is stored in the run store (the history may reload).
    void runStored();

private:
    void wire();
    void setState(State state);
    void updateButtons();
    void showError(const QString& message);
    void concluded(const app::StudyResult& result, State state);
    void exportPdf();
    void updateDescription();
    /// Lists the studies kept in the studies directory (read off the GUI thread).
    void refreshKept();
    /// Shows a kept study's tables and charts (its runs read off the GUI thread).
    void openKept(const QString& directory);
    /// Shows the study shown now (A) against a kept one (B), stage by stage.
    void compareWithKept(const QString& directory);
    /// A study's result is on the page now (finished, cancelled or opened): the one compared.
    /// Its report follows once built.
    void showResult(const app::StudyResult& result);
    void showReport(const app::StudyReport& report);

    app::StudyRunner* m_runner;
    QComboBox* m_studyChoice;
    QLabel* m_description;
    QSpinBox* m_repeats;
    QSpinBox* m_duration;
    QPushButton* m_startButton;
    QPushButton* m_cancelButton;
    QLabel* m_status;
    QProgressBar* m_progress;
    QLabel* m_scalingNote;
    QLabel* m_error;
    QTabWidget* m_views;
    StudyLiveView* m_live;
    StudyResultsView* m_results;
    State m_state = State::Idle;
    QString m_lastDirectory;
    QCheckBox* m_onHosts;
    QComboBox* m_kept;
    QPushButton* m_openKept;
    QPushButton* m_compareKept;
    std::optional<app::StudyResult>
        m_shown;                    ///< the study whose report is shown, or A of a comparison
    quint64 m_reportGeneration = 0; ///< only the latest report asked for is shown
    QString m_studiesDirectory;     ///< empty: app::defaultStudiesDirectory()
    quint64 m_keptGeneration = 0;   ///< only the latest listing fills the list
    app::HostsFile m_hosts;
    app::SshOptions m_ssh;
};

} // namespace gb::ui
