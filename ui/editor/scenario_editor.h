#pragma once

#include "app/hosts/hosts_file.h"
#include "app/scenario.h"

#include <QDateTime>
#include <QHash>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QScrollArea;
class QSpinBox;
class QTableView;
class QUndoStack;

namespace gb::ui {

class HeaderTableModel;
class RatePreview;
class RateStageModel;

/// The scenario page: forms for the upstream, the gateway, the load profile and the topology,
/// never raw JSON. Every edit is an undoable step (consecutive keystrokes in one field merge
/// into one), and Scenario::validate()'s sentences appear under the field they are about, as
/// do durations that do not parse. A preview plots the target rate.
///
/// The scenario is the editor's value: setScenario() loads one (and clears the undo history),
/// scenario() returns the edited one. GUI thread only.
class ScenarioEditor final : public QWidget
{
    Q_OBJECT

public:
    explicit ScenarioEditor(QWidget* parent = nullptr);
    ~ScenarioEditor() override;

    void setScenario(const app::Scenario& scenario);
    const app::Scenario& scenario() const { return m_scenario; }
    /// The scenario read back from the widgets now. Equal to scenario() after setScenario() and
    /// after every edit whose entries parse; it is how tests check the form round trip.
    app::Scenario widgetValue() const;

    QUndoStack* undoStack() const { return m_undo; }
    /// Edited since setScenario() or the last markSaved().
    bool isModified() const;
    void markSaved();

    /// Validation issues plus form entries that do not parse, in form order.
    const QList<app::ValidationIssue>& problems() const { return m_problems; }
    /// Scrolls to and focuses the first problem's field.
    void focusFirstProblem();
    /// The message shown under field (a path such as "load.duration"), empty when none.
    QString messageFor(const QString& field) const;

    /// The Hosts page's hosts: the names offered for each role and the preview of where a
    /// scenario on hosts runs.
    void setHosts(const gb::app::HostsFile& hosts);

Q_SIGNALS:
    /// The scenario changed: an edit, an undo or redo, or setScenario().
    void scenarioChanged(const gb::app::Scenario& scenario);

private:
    friend class ScenarioEditCommand;

    QWidget* buildGeneral();
    QWidget* buildUpstream();
    QWidget* buildGateway();
    QWidget* buildLoad();
    QWidget* buildTopology();
    QWidget* buildPreview();
    /// The message line of the setting at path; focus is the input it is about.
    QLabel* messageLabel(const QString& path, QWidget* parent, QWidget* focus);
    /// field with its message line under it (focus: the input inside field, if not field).
    QWidget* withMessage(const QString& path, QWidget* field, QWidget* focus = nullptr);
    QWidget* headerTable(const QString& path, HeaderTableModel* model, QTableView** view);

    /// Reads the form into a scenario; entries that do not parse keep the current value and are
    /// reported in formIssues.
    app::Scenario readForm(QList<app::ValidationIssue>* formIssues) const;
    void writeForm(const app::Scenario& scenario);
    /// An edit of the form: pushes an undo step when the scenario changed.
    void formEdited(const QString& field);
    /// Sets the value (from an undo step or setScenario) and updates everything that shows it.
    void apply(const app::Scenario& scenario, bool writeWidgets);
    void updateVisibility();
    void updateMessages(const QList<app::ValidationIssue>& formIssues);
    void updateBodyStatus();

    app::Scenario m_scenario;
    QList<app::ValidationIssue> m_problems;
    QList<app::ValidationIssue> m_formIssues;
    QUndoStack* m_undo;
    bool m_writing = false;
    QHash<QString, QLabel*> m_messages;
    QHash<QString, QWidget*> m_fields;
    QScrollArea* m_scroll = nullptr;
    QLabel* m_generalMessage = nullptr;

    QLineEdit* m_name = nullptr;
    QPlainTextEdit* m_description = nullptr;

    QFormLayout* m_upstreamForm = nullptr;
    QComboBox* m_upstreamKind = nullptr;
    QComboBox* m_route = nullptr;
    QCheckBox* m_xDelayEnabled = nullptr;
    QLineEdit* m_xDelay = nullptr;
    QLineEdit* m_upstreamUrl = nullptr;
    QLabel* m_upstreamNote = nullptr;

    QFormLayout* m_gatewayForm = nullptr;
    QComboBox* m_gatewayKind = nullptr;
    QLineEdit* m_listenPath = nullptr;
    QComboBox* m_redisMode = nullptr;
    QLineEdit* m_redisAddress = nullptr;
    QDoubleSpinBox* m_rateLimitRate = nullptr;
    QLineEdit* m_rateLimitPer = nullptr;
    QLineEdit* m_gatewayUrl = nullptr;
    QWidget* m_containerBox = nullptr;
    QComboBox* m_containerProduct = nullptr;
    QLineEdit* m_containerImage = nullptr;
    QCheckBox* m_containerFeatures = nullptr;
    HeaderTableModel* m_gatewayHeaders = nullptr;
    QWidget* m_gatewayHeadersBox = nullptr;

    QFormLayout* m_loadForm = nullptr;
    QSpinBox* m_connections = nullptr;
    QLineEdit* m_duration = nullptr;
    QLineEdit* m_warmup = nullptr;
    QComboBox* m_model = nullptr;
    QDoubleSpinBox* m_perWorkerRate = nullptr;
    QDoubleSpinBox* m_totalRate = nullptr;
    RateStageModel* m_stages = nullptr;
    QWidget* m_stagesBox = nullptr;
    QComboBox* m_method = nullptr;
    HeaderTableModel* m_loadHeaders = nullptr;
    QPlainTextEdit* m_body = nullptr;
    QLabel* m_bodyStatus = nullptr;
    QLineEdit* m_timeout = nullptr;
    QCheckBox* m_keepAlive = nullptr;

    QFormLayout* m_topologyForm = nullptr;
    QComboBox* m_topology = nullptr;
    QComboBox* m_upstreamHost = nullptr;
    QComboBox* m_gatewayHost = nullptr;
    QComboBox* m_redisHost = nullptr;
    QCheckBox* m_loadToPrivate = nullptr;
    QLineEdit* m_loadHosts = nullptr;
    app::HostsFile m_hosts;

    RatePreview* m_preview = nullptr;
    QLabel* m_loadSummary = nullptr;
    QLabel* m_pathSummary = nullptr;
    QLabel* m_hostsSummary = nullptr;
};

} // namespace gb::ui
